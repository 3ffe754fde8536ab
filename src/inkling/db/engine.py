"""Engine and session factory for any SQLAlchemy URL (SQLite file by default, PostgreSQL in production)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from inkling.settings import get_settings


def normalise_url(url: str) -> str:
    """Name the psycopg 3 driver for plain ``postgresql://`` URLs; leave others as they are."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# PostgreSQL limits of a serving connection (ms): no request waits on a lock, runs or idles in a
# transaction without bound; a stuck one fails (503) instead of holding its connection forever
POSTGRES_SERVING_OPTIONS = {
    "lock_timeout": 5_000,
    "statement_timeout": 15_000,
    "idle_in_transaction_session_timeout": 30_000,
}
POSTGRES_CONNECT_TIMEOUT_S = 5  # an unreachable server fails the request instead of hanging it


@dataclass(frozen=True)
class PoolSize:
    """A serving engine's connection pool: sized to the request thread pool, with a short wait."""

    size: int  # connections kept open: one per request thread
    overflow: int  # extra connections for short bursts (a page that opens a second session)
    timeout_s: float  # waiting longer than this for a connection fails the request (503)


class BlockingDatabaseCall(RuntimeError):
    """The synchronous database layer was called on an event-loop thread (it would block the loop)."""


def _refuse_on_event_loop(*_args: Any) -> None:
    """Raise :class:`BlockingDatabaseCall` when a statement runs on a thread with a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise BlockingDatabaseCall(
        "synchronous database access from an async def on the event loop: use a plain def "
        "dependency or route (FastAPI runs it in the thread pool)"
    )


def _postgres_options() -> str:
    return " ".join(f"-c {name}={value}" for name, value in POSTGRES_SERVING_OPTIONS.items())


def make_engine(url: str, pool: PoolSize | None = None) -> Engine:
    """An engine for ``url``; creates the folder of a SQLite file and turns on its foreign keys.

    With ``pool`` it is a serving engine: its pool has that size, PostgreSQL connections carry
    :data:`POSTGRES_SERVING_OPTIONS`, and any statement run on an event-loop thread raises
    :class:`BlockingDatabaseCall`.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    options: dict[str, Any] = {}
    if pool is not None and parsed.database not in (None, "", ":memory:"):
        options.update(pool_size=pool.size, max_overflow=pool.overflow, pool_timeout=pool.timeout_s)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    else:
        connect_args: dict[str, Any] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
        if pool is not None:
            connect_args["options"] = _postgres_options()
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)
    if pool is not None:
        event.listen(engine, "before_cursor_execute", _refuse_on_event_loop)
    return engine


@lru_cache(maxsize=8)
def engine_for(url: str, pool: PoolSize | None = None) -> Engine:
    """One shared engine per URL (and pool) for the life of the process."""
    return make_engine(url, pool)


def default_engine() -> Engine:
    """The engine for ``INKLING_DATABASE_URL``."""
    return engine_for(get_settings().database_url)


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (the configured database by default)."""
    return sessionmaker(bind=engine or default_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
