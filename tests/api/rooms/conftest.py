"""The rooms' tests run on the real app with the shipped models, its clock standing still."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.services.models import load_shipped_models
from tests.api.conftest import seeded_client
from tests.api.game_support import Clock


@pytest.fixture
def room_app(database_url: str, engine: Engine) -> Iterator[TestClient]:
    """The real app on a seeded database with the shipped models, its clock standing still (``.clock``)."""
    with session_scope(engine) as session:
        load_shipped_models(session)
    with seeded_client(database_url, engine) as client:
        client.app.state.clock = Clock()
        yield client
