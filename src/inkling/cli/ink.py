"""``inkling ink``: run Quick, Draw! ndjson files through the ink pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from inkling.datasets.quickdraw import read_ndjson
from inkling.ink import InkError, ink_to_bitmap

PROGRESS_MIN_BYTES = 256 * 1024  # show a progress display for input files at least this big

app = typer.Typer(
    help="Ink pipeline: parse, simplify like Quick, Draw! and rasterise drawings.", no_args_is_help=True
)
err = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Keep ``render`` a sub-command even while it is the only one."""


def _fail(message: str) -> None:
    """Print ``message`` as an error and exit with status 1 (no traceback)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)


@app.command()
def render(
    input: Path = typer.Argument(..., exists=True, dir_okay=False, help="Quick, Draw! .ndjson or .ndjson.gz"),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output .npz with x (N, size, size) uint8, word, key_id"
    ),
    size: int = typer.Option(28, "--size", "-s", min=1, max=1024, help="Bitmap side in pixels"),
    strict_times: bool = typer.Option(
        False,
        "--strict-times/--lenient-times",
        help="Reject strokes whose times step back (official raw data has a few)",
    ),
) -> None:
    """Render every drawing of INPUT (raw or simplified, detected per record) to bitmaps, in input order."""
    bitmaps: list[np.ndarray] = []
    words: list[str] = []
    key_ids: list[str] = []
    has_word = has_key = False
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]rendering[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=input.stat().st_size < PROGRESS_MIN_BYTES,
    )
    number = 0
    with progress:
        task = progress.add_task(input.name, total=None)
        try:
            for number, record in enumerate(read_ndjson(input), start=1):
                if not isinstance(record, dict) or "drawing" not in record:
                    _fail(f"{input}: record {number}: no 'drawing' field")
                try:
                    bitmaps.append(ink_to_bitmap(record["drawing"], size, strict_times=strict_times))
                except InkError as error:
                    _fail(f"{input}: record {number}: {error}")
                has_word = has_word or "word" in record
                has_key = has_key or "key_id" in record
                words.append(str(record.get("word", "")))
                key_ids.append(str(record.get("key_id", "")))
                progress.advance(task)
        except ValueError as error:  # a line that is not JSON (read_ndjson names path and line)
            _fail(str(error))
    if not bitmaps:
        _fail(f"{input}: no drawings")
    arrays: dict[str, np.ndarray] = {"x": np.stack(bitmaps)}
    if has_word:
        arrays["word"] = np.array(words, dtype=str)
    if has_key:
        arrays["key_id"] = np.array(key_ids, dtype=str)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    err.print(f"wrote {out}: x {arrays['x'].shape} uint8 from {number} drawings", highlight=False)
