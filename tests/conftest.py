"""Shared fixtures: real databases (SQLite file and, when configured, PostgreSQL) and the data mirror."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from inkling.db.engine import make_engine, normalise_url, session_factory
from inkling.db.migrate import upgrade
from inkling.settings import Settings, get_settings

POSTGRES_URL_ENV = "INKLING_TEST_POSTGRES_URL"
DATA_DIR_ENV = "INKLING_DATA_DIR"


def app_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for an app under test: the test environment with a fresh random secret."""
    return Settings(
        database_url=database_url, environment="test", secret_key=secrets.token_hex(32), **overrides
    )


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are cached per process; tests that change the environment see their change."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The local data mirror (``INKLING_DATA_DIR``); tests that need it skip when it is unset."""
    value = os.environ.get(DATA_DIR_ENV)
    if not value:
        pytest.skip(f"{DATA_DIR_ENV} is not set")
    return Path(value)


def create_postgres_database(server_url: str) -> str:
    """Create an empty throwaway database on the server of ``server_url`` and return its URL."""
    name = f"inkling_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(normalise_url(server_url)).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, database_url: str) -> None:
    """Drop a database made by :func:`create_postgres_database`, closing its connections."""
    name = make_url(database_url).database
    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'inkling.db'}"
        return
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    url = create_postgres_database(server_url)
    try:
        yield url
    finally:
        drop_postgres_database(server_url, url)


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """The URL of a new database migrated to the newest schema."""
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated test database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated test database."""
    with session_factory(engine)() as session:
        yield session
