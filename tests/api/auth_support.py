"""Helpers for the account tests: their app fixtures, a movable clock and reading CSRF tokens out of pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import seeded_client

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
GOOD_PASSWORD = "correct horse battery"


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    match = TOKEN_FIELD.search(page.text)
    assert match, "the page has no CSRF field"
    return match.group(1)


def api_signup(client: TestClient, username: str, password: str = GOOD_PASSWORD, **extra: object):
    """Sign up over the JSON API (sending the session's CSRF header when there is one)."""
    headers = {"X-CSRF-Token": extra.pop("csrf")} if "csrf" in extra else {}
    return client.post(
        "/api/v1/auth/signup", json={"username": username, "password": password, **extra}, headers=headers
    )


def api_login(client: TestClient, username: str, password: str = GOOD_PASSWORD):
    """Log in over the JSON API."""
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


@pytest.fixture
def client(database_url: str, engine: Engine) -> Iterator[TestClient]:
    """The app with ``captcha_required=False``: these tests are about accounts, not the sign-up captcha.

    The captcha on sign-up (page and API, guests included) is tested in ``test_signup_captcha.py``.
    """
    with seeded_client(database_url, engine, captcha_required=False) as client:
        yield client


@pytest.fixture
def clock(client: TestClient) -> Clock:
    """The app's clock, movable by the test."""
    clock = Clock()
    client.app.state.clock = clock
    return clock
