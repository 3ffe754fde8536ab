"""Concurrent wrong passwords for one user: exactly 5 are checked, the rest get 429 (SQLite and PostgreSQL).

30 at once used to get 23 passwords checked: every request counted the failures before any was
written. Now each attempt is recorded, under a per-key lock, before its password is checked.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import LoginAttempt, User
from inkling.services.accounts import MAX_FAILURES_PER_USERNAME
from inkling.web.deps import get_password_hasher
from tests.api.auth_support import GOOD_PASSWORD, Clock, api_login, api_signup, client, clock
from tests.api.tables import row_counts

__all__ = ["client", "clock"]  # the account tests' app fixtures live in auth_support

CONCURRENT = 30


def _failures(engine: Engine, key: str) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).where(LoginAttempt.key == key, LoginAttempt.success.is_(False))
        return session.scalar(query) or 0


def test_thirty_concurrent_wrong_passwords_get_five_checks(
    client: TestClient, clock: Clock, engine: Engine
) -> None:
    client.app.dependency_overrides[get_password_hasher] = PasswordHasher  # production's slow hash
    assert api_signup(client, "ada").status_code == 201
    client.cookies.clear()
    start = threading.Barrier(CONCURRENT)

    def attempt(number: int) -> int:
        start.wait()
        return api_login(client, "ada", f"wrong password {number}").status_code

    with ThreadPoolExecutor(CONCURRENT) as pool:
        statuses = list(pool.map(attempt, range(CONCURRENT)))
    assert statuses.count(401) == MAX_FAILURES_PER_USERNAME, statuses  # checked, and wrong
    assert statuses.count(429) == CONCURRENT - MAX_FAILURES_PER_USERNAME, statuses  # refused unchecked
    assert _failures(engine, "user:ada") == MAX_FAILURES_PER_USERNAME
    before = row_counts(engine)
    assert api_login(client, "ada", GOOD_PASSWORD).status_code == 429  # the limit holds for the right one
    assert row_counts(engine) == before
    clock.advance(minutes=16)
    assert api_login(client, "ada", GOOD_PASSWORD).status_code == 200
    with session_scope(engine) as session:
        assert session.scalar(select(User.last_login_at)) is not None


def test_a_class_behind_one_address_logs_in_at_once(client: TestClient, engine: Engine) -> None:
    """25 pupils behind one school address log in together with the right passwords: none is refused."""
    pupils = [f"pupil{number}" for number in range(25)]
    for name in pupils:
        assert api_signup(client, name).status_code == 201
        client.cookies.clear()
    start = threading.Barrier(len(pupils))

    def log_in(name: str) -> int:
        with TestClient(client.app) as own:
            start.wait()
            return api_login(own, name).status_code

    with ThreadPoolExecutor(len(pupils)) as pool:
        statuses = list(pool.map(log_in, pupils))
    assert statuses == [200] * len(pupils)
    assert _failures(engine, "ip:testclient") == 0
