"""One learning run at a time per database: a PostgreSQL advisory lock, or a file lock beside a SQLite file.

``learning_lock(engine)`` yields True when this process holds the lock (until the block ends) and False
when another worker holds it; it never waits.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

LOCK_KEY = 0x1A4B1E  # the advisory lock's key ("inkling learn")


@contextmanager
def learning_lock(engine: Engine) -> Iterator[bool]:
    """Hold the database's learning lock for the block; yields whether we got it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            held = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}))
            try:
                yield held
            finally:
                if held:
                    connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    path = Path(f"{database}.learn.lock") if database and database != ":memory:" else Path("var/learn.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
