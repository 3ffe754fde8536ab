"""Log-in takes as long for an unknown username as for a known one: its time does not tell who exists.

It used to answer an unknown user in 9-38 ms and a known one in 229-407 ms (no hash was checked).
"""

from __future__ import annotations

import statistics
import time

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from inkling.web.deps import get_password_hasher
from tests.api.auth_support import Clock, api_login, api_signup, client, clock

__all__ = ["client", "clock"]  # the account tests' app fixtures live in auth_support


def _seconds(client: TestClient, username: str) -> float:
    started = time.perf_counter()
    answer = api_login(client, username, "not the password")
    assert answer.status_code == 401, answer.text
    return time.perf_counter() - started


def test_unknown_and_known_usernames_take_the_same_time(client: TestClient, clock: Clock) -> None:
    client.app.dependency_overrides[get_password_hasher] = PasswordHasher  # production's parameters
    assert api_signup(client, "ada").status_code == 201
    client.cookies.clear()
    _seconds(client, "warm-up")  # the dummy hash is made once per process and parameters
    known, unknown = [], []
    for attempt in range(4):  # under the 5 failures a username may have
        known.append(_seconds(client, "ada"))
        unknown.append(_seconds(client, f"nobody-{attempt}"))
    assert statistics.median(unknown) > 0.6 * statistics.median(known), (known, unknown)
