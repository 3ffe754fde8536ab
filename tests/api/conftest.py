"""An app on a migrated test database with the packaged word sets loaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.db.repositories.words import ensure_seed_words
from inkling.web.app import create_app
from tests.conftest import app_settings


@contextmanager
def seeded_client(database_url: str, engine: Engine, **overrides: object) -> Iterator[TestClient]:
    """A test client of the real app (settings ``overrides`` applied) on a real, seeded database."""
    with session_scope(engine) as session:
        ensure_seed_words(session)
    app = create_app(app_settings(database_url, **overrides))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def client(database_url: str, engine: Engine) -> Iterator[TestClient]:
    """A test client of the real app on a real, seeded database (sign-up needs the captcha)."""
    with seeded_client(database_url, engine) as client:
        yield client
