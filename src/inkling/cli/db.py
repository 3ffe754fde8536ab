"""``inkling db``: schema migrations."""

from __future__ import annotations

import typer
from rich.console import Console

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
