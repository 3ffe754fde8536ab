"""``inkling words``: load the packaged word set, fetch the official word list, list words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from inkling.cli.common import DatabaseUrl, database_session
from inkling.cli.common import fail as _fail
from inkling.datasets.words import (
    MAX_BODY_BYTES,
    OFFICIAL_CATEGORIES_URL,
    WordListError,
    fetch_word_list,
    load_seed,
    map_words,
)
from inkling.db.repositories.words import UpsertReport, WordRepository

app = typer.Typer(help="Words to draw and their categories.", no_args_is_help=True)
console = Console()


@contextmanager
def _session(url: str | None, *, migrate_first: bool) -> Iterator[Session]:
    """A committing session on ``url`` that has (or, migrating first, gets) the words table."""
    hint = "run `inkling words load` (or `inkling db upgrade`)"
    with database_session(url, migrate_first=migrate_first, table="words", hint=hint) as session:
        yield session


def _print_report(report: UpsertReport) -> None:
    table = Table(title="Words", show_header=True)
    table.add_column("")
    table.add_column("categories", justify="right")
    table.add_column("words", justify="right")
    table.add_row("added", str(len(report.categories_added)), str(len(report.words_added)))
    table.add_row("updated", str(len(report.categories_updated)), str(len(report.words_updated)))
    table.add_row("unchanged", "", str(len(report.words_unchanged)))
    console.print(table)
    console.print(
        f"words: {len(report.words_added)} added, {len(report.words_updated)} updated, "
        f"{len(report.words_unchanged)} unchanged",
        highlight=False,
    )


@app.command()
def load(database_url: str | None = DatabaseUrl) -> None:
    """Load the packaged, reviewed word set (offline); migrates the database first; safe to run again."""
    seed = load_seed()
    with _session(database_url, migrate_first=True) as session:
        report = WordRepository(session).upsert(seed.categories)
    _print_report(report)
    console.print(f"{len(seed.words)} words in {len(seed.categories)} categories")


@app.command()
def fetch(
    url: str = typer.Argument(OFFICIAL_CATEGORIES_URL, help="A categories.txt-style list, one word a line."),
    timeout: float = typer.Option(30.0, help="Seconds to wait for the server."),
    max_bytes: int = typer.Option(MAX_BODY_BYTES, help="Refuse bodies larger than this."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Download a word list (the official Quick, Draw! one by default), sort it into categories, store it."""
    try:
        words = fetch_word_list(url, timeout=timeout, max_bytes=max_bytes)
    except WordListError as error:
        raise _fail(str(error)) from error
    mapped = map_words(words)
    with _session(database_url, migrate_first=True) as session:
        report = WordRepository(session).upsert(mapped.word_set.categories)
    console.print(f"fetched {len(words)} words from {url}", highlight=False)
    _print_report(report)
    if mapped.unmapped:
        console.print(
            f"[yellow]{len(mapped.unmapped)} words in no known category, stored under 'other':[/yellow] "
            + ", ".join(mapped.unmapped),
            highlight=False,
        )


@app.command("list")
def list_words(
    category: str | None = typer.Option(None, "--category", "-c", help="Only this category (its slug)."),
    show_all: bool = typer.Option(False, "--all", help="Include disabled words."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """List the words, with their categories."""
    with _session(database_url, migrate_first=False) as session:
        repository = WordRepository(session)
        if category is not None and repository.get_category(category) is None:
            slugs = ", ".join(c.slug for c in repository.list_categories(include_empty=True))
            raise _fail(f"no category {category!r}; known: {slugs or 'none (run `inkling words load`)'}")
        words = repository.list_words(category, enabled_only=not show_all)
        table = Table(title=f"Words ({len(words)})")
        table.add_column("word")
        table.add_column("category")
        table.add_column("enabled")
        for word in words:
            table.add_row(word.text, word.category.slug, "yes" if word.enabled else "no")
    console.print(table)


@app.command()
def categories(database_url: str | None = DatabaseUrl) -> None:
    """List the categories with how many enabled words each has."""
    with _session(database_url, migrate_first=False) as session:
        rows = WordRepository(session).list_categories(include_empty=True)
    table = Table(title=f"Categories ({len(rows)})")
    table.add_column("slug")
    table.add_column("name")
    table.add_column("words", justify="right")
    table.add_column("description")
    for row in rows:
        table.add_row(row.slug, row.name, str(row.word_count), row.description)
    console.print(table)
