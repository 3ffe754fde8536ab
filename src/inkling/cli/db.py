"""``inkling db``: schema migrations and housekeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, database_session
from inkling.db import migrate
from inkling.settings import get_settings

app = typer.Typer(help="Create and migrate the database (INKLING_DATABASE_URL).", no_args_is_help=True)
console = Console()


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the database up to REVISION (the newest by default); safe to run again."""
    url = get_settings().database_url
    migrate.upgrade(url, revision)
    console.print(f"database at revision [bold]{migrate.current_revision(url)}[/bold]")


@app.command()
def downgrade(
    revision: str = typer.Argument(..., help="Target revision, or 'base' to drop everything."),
) -> None:
    """Migrate the database down to REVISION."""
    url = get_settings().database_url
    migrate.downgrade(url, revision)
    console.print(f"database at revision [bold]{migrate.current_revision(url) or 'base'}[/bold]")


@app.command()
def current() -> None:
    """Show the database's revision and the newest one the code ships."""
    url = get_settings().database_url
    console.print(f"database: {migrate.current_revision(url) or 'empty'}   code: {migrate.head_revision()}")


@app.command()
def prune(
    guest_days: int = typer.Option(30, min=1, help="delete guests this many days old that never played"),
    database_url: str = DatabaseUrl,
) -> None:
    """Housekeeping: delete expired sessions and old guests that own nothing (no game, drawing, feedback)."""
    from inkling.services.accounts import prune_guests, prune_sessions

    now = datetime.now(UTC)
    hint = "run `inkling db upgrade` first"
    with database_session(database_url, migrate_first=False, table="users", hint=hint) as session:
        sessions = prune_sessions(session, now=now)
        guests = prune_guests(session, now=now, older_than=timedelta(days=guest_days))
    console.print(f"deleted {sessions} expired sessions and {guests} guests older than {guest_days} days")
