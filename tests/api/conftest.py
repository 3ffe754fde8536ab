"""An app on a migrated test database with the packaged word sets loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.db.repositories.words import ensure_seed_words
from inkling.web.app import create_app
from tests.conftest import app_settings


@pytest.fixture
def client(database_url: str, engine: Engine) -> Iterator[TestClient]:
    """A test client of the real app on a real, seeded database."""
    with session_scope(engine) as session:
        ensure_seed_words(session)
    app = create_app(app_settings(database_url))
    with TestClient(app) as client:
        yield client
