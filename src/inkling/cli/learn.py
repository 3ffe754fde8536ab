"""``inkling learn``: the learning loop's registry decisions (rollback here; runs build on it)."""

from __future__ import annotations

import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, database_session, fail
from inkling.registry import ModelNotFoundError
from inkling.services.lineage import NoPreviousChampionError, rollback

app = typer.Typer(help="Learning from play: the challenger/champion loop over the model registry.")
console = Console()


@app.command("rollback")
def rollback_command(
    task: str = typer.Option("doodle", "--task", "-t", help="The task whose champion to roll back."),
    reason: str = typer.Option("", "--reason", help="Why (stored with the decision and audited)."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Serve the previous champion again; the current one becomes rolled_back (servers follow in seconds)."""
    hint = "run `inkling models load` (or `inkling db upgrade`)"
    with database_session(database_url, migrate_first=False, table="models", hint=hint) as session:
        try:
            current, previous = rollback(session, task, reason=reason)
        except (ModelNotFoundError, NoPreviousChampionError) as error:
            raise fail(str(error)) from error
        console.print(
            f"{task}: {current.name} v{current.version} rolled back; "
            f"{previous.name} v{previous.version} is the champion again",
            highlight=False,
        )
