"""Helpers shared by the command groups: ``--database-url``, errors, the data mirror, migrated sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from inkling.db import migrate
from inkling.db.engine import make_engine, session_scope
from inkling.settings import get_settings

errors = Console(stderr=True)

DatabaseUrl = typer.Option(None, "--database-url", help="SQLAlchemy URL (default: INKLING_DATABASE_URL).")


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    errors.print(f"[bold red]error:[/bold red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def required_data_dir() -> Path:
    """The data mirror (``INKLING_DATA_DIR``) for commands that read the data sets from it."""
    data_dir = get_settings().data_dir
    if data_dir is None:
        raise typer.BadParameter("set INKLING_DATA_DIR to the data mirror")
    return Path(data_dir)


@contextmanager
def database_session(url: str | None, *, migrate_first: bool, table: str, hint: str) -> Iterator[Session]:
    """A committing session on ``url`` (settings by default), migrating it first when asked.

    Without ``migrate_first`` the database must already have ``table``; otherwise fail with ``hint``.
    """
    url = url or get_settings().database_url
    engine = None
    try:
        if migrate_first:
            migrate.upgrade(url)
        engine = make_engine(url)
        if not migrate_first and not inspect(engine).has_table(table):
            raise fail(f"the database has no {table} table: {hint}")
        with session_scope(engine) as session:
            yield session
    except SQLAlchemyError as error:
        raise fail(f"database error: {type(error).__name__}: {error}") from error
    finally:
        if engine is not None:
            engine.dispose()
