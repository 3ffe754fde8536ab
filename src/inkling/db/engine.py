"""Engine and session factory for any SQLAlchemy URL (SQLite file by default, PostgreSQL in production)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
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
SQLITE_WRITE_WAIT_S = 20  # a serving thread waits this long for its turn to write, then answers 503


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


WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HOLDS_GATE = "inkling_holds_write_gate"


class SqliteWriteGate:
    """One writing transaction at a time per process on a SQLite serving engine, queued in Python.

    SQLite has a single writer; its busy handler polls with sleeps, so under a crowd a waiting writer
    can lose the race again and again until its busy timeout fails it. Here a connection takes the
    gate at its first write statement and gives it back when its transaction ends, so the threads
    of one server process wait in turn (the busy timeout still covers other processes).
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._lock = threading.Lock()

    def install(self, engine: Engine) -> None:
        """Hook the gate into ``engine``'s statements, transaction ends and pool check-ins."""
        event.listen(engine, "before_cursor_execute", self._before_statement)
        event.listen(engine, "commit", self._release)
        event.listen(engine, "rollback", self._release)
        event.listen(engine.pool, "checkin", self._release_record)

    def _before_statement(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get(_HOLDS_GATE) or not statement.lstrip()[:7].upper().startswith(WRITE_VERBS):
            return
        if not self._lock.acquire(timeout=self.timeout_s):
            raise PoolTimeoutError(f"waited over {self.timeout_s:g} s for the SQLite write lock")
        connection.info[_HOLDS_GATE] = True

    def _release(self, connection: Any) -> None:
        if connection.info.pop(_HOLDS_GATE, False):
            self._lock.release()

    def _release_record(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS_GATE, False):
            self._lock.release()


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
        if pool is not None:
            SqliteWriteGate(SQLITE_WRITE_WAIT_S).install(engine)
    else:
        connect_args: dict[str, Any] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
        if pool is not None:
            connect_args["options"] = _postgres_options()
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)
    if pool is not None:
        event.listen(engine, "before_cursor_execute", _refuse_on_event_loop)
    return engine


def relax_commit_durability(session: Session) -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL only).

    A crash of the database server may then lose the transaction, never corrupt anything; meant for
    frequent, superseded updates (a round's live guesses), never for anything acknowledged as kept.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


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
