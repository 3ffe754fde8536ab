"""``inkling users``: grant and take back the admin role (audited)."""

from __future__ import annotations

import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, database_session, fail
from inkling.services.roles import Role, UnknownUserError, set_role

app = typer.Typer(help="User accounts: the admin role of the console under /admin.", no_args_is_help=True)
console = Console()


def _set(username: str, role: Role, database_url: str | None) -> None:
    hint = "run `inkling db upgrade` first"
    with database_session(database_url, migrate_first=False, table="users", hint=hint) as session:
        try:
            user = set_role(session, username, role)
        except UnknownUserError as error:
            raise fail(str(error)) from error
        console.print(f"{user.username} is now {role.value}", highlight=False)


@app.command()
def promote(
    username: str = typer.Argument(..., help="Account name."), database_url: str | None = DatabaseUrl
) -> None:
    """Make an account an admin (the console under /admin)."""
    _set(username, Role.ADMIN, database_url)


@app.command()
def demote(
    username: str = typer.Argument(..., help="Account name."), database_url: str | None = DatabaseUrl
) -> None:
    """Make an admin a player again."""
    _set(username, Role.PLAYER, database_url)
