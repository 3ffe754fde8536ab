"""``inkling data``: list the known data sources and fetch them (mirror, cache or official URL)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from inkling.cli.common import DatabaseUrl, database_session
from inkling.datasets.download import copy_to, locate, resolve
from inkling.datasets.errors import DataError
from inkling.datasets.sources import QUICKDRAW_BUCKET, WORD_FORMATS, Source, get_source, list_sources
from inkling.settings import get_settings

app = typer.Typer(
    help="Data sets: the local mirror (INKLING_DATA_DIR), the cache (INKLING_CACHE_DIR) and official URLs.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)


def _fail(error: Exception) -> typer.Exit:
    """Print a one-line error (no traceback) and return the exit to raise."""
    errors.print(f"[bold red]error:[/bold red] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def _size(source: Source) -> str:
    if source.size is None:
        return ""
    size = float(source.size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return ""  # pragma: no cover


@app.command("list")
def list_command() -> None:
    """List every named source: where it is (mirror, cache or nowhere yet) and its official URL."""
    settings = get_settings()
    table = Table(title="Inkling data sources", title_justify="left", show_lines=False)
    table.add_column("name", style="bold cyan", no_wrap=True)
    table.add_column("here", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("official URL", overflow="fold")
    table.add_column("what", overflow="fold")
    for source in list_sources():
        found = locate(source)
        here = f"[green]{found[0]}[/green]" if found else "[dim]-[/dim]"
        url = source.urls[0] if source.urls else "[yellow]mirror only[/yellow]"
        table.add_row(source.name, here, _size(source), url, escape(source.description))
    for fmt, spec in WORD_FORMATS.items():
        url = f"{QUICKDRAW_BUCKET}/{spec.folder}/<word>{spec.suffix}"
        table.add_row(f"quickdraw-{fmt}/<word>", "", "", url, escape(f"one word, {spec.description}"))
    console.print(table)
    mirror = settings.data_dir or "unset"
    console.print(f"mirror (INKLING_DATA_DIR): {mirror}   cache (INKLING_CACHE_DIR): {settings.cache_dir}")


@app.command()
def fetch(
    name: str = typer.Argument(..., help="Source name (see `inkling data list`), e.g. quickdraw-bitmap/cat."),
    url: str | None = typer.Option(None, "--url", help="Download from this URL instead of the official one."),
    dest: Path | None = typer.Option(None, "--dest", help="Also copy the result here (a file or directory)."),
    force: bool = typer.Option(False, "--force", help="Download again even if the mirror or cache has it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Make a source available locally (mirror, else cache, else download) and print its path."""
    try:
        source = get_source(name)
        before = None if force else locate(source)
        path = resolve(source, url=url, force=force, progress=not quiet)
        origin = before[0] if before else "downloaded"
        if dest is not None:
            path = copy_to(path, dest)
            origin = f"{origin}, copied"
    except DataError as error:
        raise _fail(error) from None
    except OSError as error:
        raise _fail(f"{type(error).__name__}: {error}") from None
    console.print(f"[green]{origin}[/green]: {path}", highlight=False, soft_wrap=True)


@app.command("url")
def url_command(name: str = typer.Argument(..., help="Source name.")) -> None:
    """Print a source's official URL; fails for mirror-only sources."""
    try:
        official = get_source(name).official_url()
    except DataError as error:
        raise _fail(error) from None
    console.print(official, highlight=False, soft_wrap=True)


@app.command("load")
def load_command(
    name: str = typer.Argument(..., help="Data set to store in the database: mnist."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N images of each split."),
    idx: bool = typer.Option(False, "--idx", help="Read the four official IDX files instead of the npz."),
    chunk_size: int = typer.Option(5000, "--chunk-size", min=1, help="Rows per INSERT batch."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Store a data set in the database (MNIST: tables mnist_train and mnist_test); safe to re-run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from inkling.datasets.mnist import load_mnist
    from inkling.db.repositories.mnist import load_mnist_into_db

    if name != "mnist":
        raise _fail(ValueError(f"unknown data set {name!r}; `inkling data load` knows: mnist"))
    try:
        mnist = load_mnist(idx=idx)
    except (DataError, OSError) as error:
        raise _fail(error) from None
    sizes = {"train": len(mnist.x_train), "test": len(mnist.x_test)}
    if limit is not None:
        sizes = {split: min(limit, size) for split, size in sizes.items()}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        Progress(*columns, console=Console(stderr=True), disable=quiet) as bar,
        database_session(database_url, migrate_first=True, table="mnist_train", hint="") as session,
    ):
        tasks = {split: bar.add_task(f"mnist_{split}", total=size) for split, size in sizes.items()}
        report = load_mnist_into_db(
            session,
            mnist,
            limit=limit,
            chunk_size=chunk_size,
            progress=lambda split, rows: bar.advance(tasks[split], rows),
        )
        for split in sizes:
            bar.update(tasks[split], completed=sizes[split])
    for split in sizes:
        console.print(
            f"mnist_{split}: {report.inserted[split]} inserted, {report.present[split]} already there",
            highlight=False,
        )


@app.command("export-drawings")
def export_drawings_command(
    out: Path = typer.Option(..., "--out", "-o", help="Output FILE.ndjson, or FILE.ndjson.gz to gzip it."),
    every_round: bool = typer.Option(
        False, "--every-round", help="Also every closed round's drawing (labelled by its prompt)."
    ),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Export labelled drawings as raw ndjson, each with its label's evidence; reported ones never."""
    from inkling.services.examples import export_ndjson

    hint = "run `inkling db upgrade` first"
    with database_session(database_url, migrate_first=False, table="drawings", hint=hint) as session:
        try:
            counts = export_ndjson(session, out, every_round=every_round)
        except OSError as error:
            raise _fail(error) from None
    total = sum(counts.values())
    parts = ", ".join(f"{n} {source}" for source, n in counts.items())
    console.print(f"{total} drawings ({parts}) -> {out}", highlight=False, soft_wrap=True)
