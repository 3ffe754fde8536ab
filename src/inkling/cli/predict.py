"""``inkling predict``: run a registered (or shipped) model over a file of inputs, one JSON line each.

Model precedence for ``predict doodle``: ``--model NAME`` from the database when it has it, else the
shipped model of that name; without ``--model``, the database's active doodle model, else the shipped
DoodleNet. A missing or unreachable database is never fatal: the shipped files are used (noted on stderr).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, fail
from inkling.cli.predict_digits import digits
from inkling.datasets.quickdraw import open_text
from inkling.inference import DoodlePredictor, InputError, is_blank
from inkling.ink import InkError
from inkling.registry import ModelNotFoundError
from inkling.services.models import open_predictor

app = typer.Typer(
    help="Run models over files of inputs; one JSON object per input on stdout.", no_args_is_help=True
)
err = Console(stderr=True)

DECIMALS = 6  # probabilities are printed rounded to this many decimals

Record = tuple[int, Any, str | None, str | None]  # index, item (ink or bitmap), key_id, error


def ndjson_records(path: Path) -> Iterator[Record]:
    """Quick, Draw! ndjson (raw or simplified, plain or .gz): (index, drawing, key_id, error) per line."""
    index = 0
    with open_text(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield index, None, None, f"line {number}: not JSON ({error.msg})"
            else:
                key_id = record.get("key_id") if isinstance(record, dict) else None
                key = None if key_id is None else str(key_id)
                if not isinstance(record, dict) or "drawing" not in record:
                    yield index, None, key, f"line {number}: no 'drawing' field"
                else:
                    yield index, record["drawing"], key, None
            index += 1


def npz_records(path: Path) -> Iterator[Record]:
    """Bitmaps from a .npz with ``x`` uint8 (N, 28, 28) or (N, 784), white on black; ``key_id`` optional."""
    with np.load(path, allow_pickle=False) as data:
        if "x" not in data.files:
            raise ValueError(f"{path}: no array 'x' (has {', '.join(data.files) or 'nothing'})")
        x = data["x"]
        keys = data["key_id"].astype(str).tolist() if "key_id" in data.files else None
    if x.dtype != np.uint8 or x.ndim not in (2, 3) or x.shape[1:] not in ((784,), (28, 28)):
        raise ValueError(f"{path}: x must be uint8 (N, 28, 28) or (N, 784), got {x.dtype} {x.shape}")
    x = x.reshape(len(x), 28, 28)
    for index in range(len(x)):
        yield index, x[index], keys[index] if keys else None, None


def records(path: Path) -> Iterator[Record]:
    """The inputs of ``path``, by file type."""
    return npz_records(path) if path.suffix == ".npz" else ndjson_records(path)


def _line(index: int, key_id: str | None, **fields: Any) -> str:
    """One output JSON object: index, key_id when known, then ``fields``."""
    head: dict[str, Any] = {"index": index}
    if key_id is not None:
        head["key_id"] = key_id
    return json.dumps({**head, **fields}, ensure_ascii=False)


def predict_chunk(predictor: DoodlePredictor, chunk: list[Record], top: int) -> tuple[list[str], int]:
    """Output lines for one batch of records, in order, and how many records were invalid."""
    prepared: dict[int, Any] = {}
    problems: dict[int, str] = {}
    for position, (_, item, _, error) in enumerate(chunk):
        if error is not None:
            problems[position] = error
            continue
        try:
            prepared[position] = item if is_blank(item) else predictor.prepare(item)
        except InkError as ink_error:
            problems[position] = f"invalid ink: {ink_error}"
    ranked = dict(zip(prepared, predictor.predict_batch(list(prepared.values()), top), strict=True))
    lines = []
    for position, (index, _, key_id, _) in enumerate(chunk):
        if position in problems:
            lines.append(_line(index, key_id, error=problems[position]))
        else:
            guesses = [[g.word, round(g.probability, DECIMALS)] for g in ranked[position]]
            lines.append(_line(index, key_id, top=guesses))
    return lines, len(problems)


@app.callback()
def _group() -> None:
    """Keep ``doodle`` and ``digits`` sub-commands."""


app.command("digits")(digits)


@app.command()
def doodle(
    input: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="Quick, Draw! .ndjson[.gz] (raw or simplified) or .npz with x"
    ),
    top: int = typer.Option(5, "--top", "-k", min=1, help="Guesses per input."),
    model: str | None = typer.Option(None, "--model", "-m", help="Registered or shipped model name."),
    version: int | None = typer.Option(None, "--version", min=1, help="Model version (database only)."),
    batch_size: int = typer.Option(256, "--batch-size", "-b", min=1, help="Inputs per model call."),
    threads: int = typer.Option(2, "--threads", min=1, help="ONNX Runtime intra-op threads."),
    strict_times: bool = typer.Option(
        False, "--strict-times/--lenient-times", help="Reject strokes whose times step back"
    ),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Guess the word of every drawing or bitmap in INPUT; exit status 1 if any input was invalid."""
    try:
        resolved = open_predictor(
            "doodle", model, version, database_url=database_url, threads=threads, strict_times=strict_times
        )
    except (ModelNotFoundError, InputError, ValueError) as error:
        raise fail(str(error)) from error
    for note in resolved.notes:
        err.print(f"note: {note}", highlight=False, soft_wrap=True)
    err.print(f"model: {resolved.source}", highlight=False, soft_wrap=True)
    total = invalid = 0
    stream = records(input)
    try:
        while chunk := list(islice(stream, batch_size)):
            lines, bad = predict_chunk(resolved.predictor, chunk, top)
            typer.echo("\n".join(lines))
            total += len(chunk)
            invalid += bad
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(code=0) from None
    except (ValueError, OSError) as error:  # unreadable file, bad npz, a bitmap that does not fit
        raise fail(f"{input}: {error}") from error
    err.print(f"{total} inputs, {invalid} invalid", highlight=False)
    if invalid:
        raise typer.Exit(code=1)
