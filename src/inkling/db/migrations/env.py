"""Alembic environment: runs migrations against the URL given by ``inkling.db.migrate``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context

from inkling.db import models  # noqa: F401  (registers the tables on Base.metadata)
from inkling.db.base import Base
from inkling.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of touching a database."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection (batch mode so SQLite can alter tables)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    with _sqlite_foreign_keys_off(connection):
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


@contextmanager
def _sqlite_foreign_keys_off(connection) -> Iterator[None]:
    """On SQLite, migrate with foreign keys off (outside any transaction, where the pragma works).

    Batch mode alters a SQLite table by copying it and dropping the old one; with foreign keys on, that
    drop fires other tables' ON DELETE actions (``SET NULL``, ``CASCADE``) and loses their links. The
    keys are checked once the migrations ran, and switched back on.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
