"""The ``inkling`` command line (Typer): one sub-command group per module in this package."""

from __future__ import annotations

import typer

from inkling.cli import data, db, eval, ink, learn, models, predict, restore, serve, train, users, words

app = typer.Typer(
    name="inkling",
    help="Inkling: draw, and a model guesses. Serve the app, manage the database, data, words and ink.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(words.app, name="words")
app.add_typer(ink.app, name="ink")
app.add_typer(data.app, name="data")
app.add_typer(train.app, name="train")
app.add_typer(eval.app, name="eval")
app.add_typer(models.app, name="models")
app.add_typer(predict.app, name="predict")
app.add_typer(users.app, name="users")
app.add_typer(learn.app, name="learn")
app.command("restore")(restore.restore)


def main() -> None:
    """Console-script entry point."""
    app()
