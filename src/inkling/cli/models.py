"""``inkling models``: load the shipped models, list, show, activate and export registered models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from inkling.cli.common import DatabaseUrl, database_session, fail
from inkling.db.models import RegisteredModel
from inkling.registry import ModelNotFoundError, activate, find_model, list_models
from inkling.registry.store import TASKS
from inkling.services.models import load_shipped_models

app = typer.Typer(
    help="Models in the registry (ONNX bytes + metadata, one active per task).", no_args_is_help=True
)
console = Console()

Version = typer.Option(None, "--version", "-v", min=1, help="Model version (default: the newest).")


@contextmanager
def _session(url: str | None, *, migrate_first: bool = False) -> Iterator[Session]:
    """A committing session on a database that has (or, migrating first, gets) the models table."""
    hint = "run `inkling models load` (or `inkling db upgrade`)"
    with database_session(url, migrate_first=migrate_first, table="models", hint=hint) as session:
        yield session


def _find(session: Session, name: str, version: int | None) -> RegisteredModel:
    """Model ``name`` (at ``version``) or a clean CLI error."""
    try:
        return find_model(session, name, version)
    except ModelNotFoundError as error:
        raise fail(str(error)) from error


def key_metrics(meta: dict[str, Any], limit: int = 3) -> str:
    """A short 'name=value' summary of the metadata's ``metrics`` (numbers only)."""
    metrics = meta.get("metrics") or {}
    numbers = [(k, v) for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    return ", ".join(f"{k}={v:.4g}" for k, v in numbers[:limit]) or "-"


def describe(model: RegisteredModel) -> dict[str, Any]:
    """A JSON-ready description of a registered model (everything but the bytes)."""
    return {
        "id": model.id,
        "name": model.name,
        "version": model.version,
        "task": model.task,
        "active": model.is_active,
        "sha256": model.sha256,
        "size_bytes": len(model.onnx),
        "created_at": model.created_at.isoformat() if model.created_at else None,
        "meta": model.meta,
    }


@app.command()
def load(database_url: str | None = DatabaseUrl) -> None:
    """Register the models shipped with Inkling (skips known SHA-256s); activate where a task has none."""
    with _session(database_url, migrate_first=True) as session:
        results = load_shipped_models(session)
    for result in results:
        state = "added" if result.added else "already registered"
        active = ", activated" if result.activated else ""
        console.print(f"{result.name} v{result.version} ({result.task}): {state}{active}", highlight=False)
    console.print(f"{sum(r.added for r in results)} of {len(results)} shipped models added", highlight=False)


@app.command("list")
def list_(
    task: str | None = typer.Option(None, "--task", "-t", help=f"Only this task ({', '.join(TASKS)})."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """List registered models, newest first."""
    if task is not None and task not in TASKS:
        raise fail(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    with _session(database_url) as session:
        models = list_models(session, task)
        table = Table(title=f"Models ({len(models)})")
        for column in ("name", "version", "task", "active", "classes", "metrics", "created"):
            table.add_column(column, justify="right" if column in ("version", "classes") else "left")
        for model in models:
            table.add_row(
                model.name,
                str(model.version),
                model.task,
                "yes" if model.is_active else "",
                str(len(model.meta.get("classes") or [])) or "-",
                key_metrics(model.meta),
                model.created_at.strftime("%Y-%m-%d %H:%M") if model.created_at else "",
            )
    console.print(table)


@app.command()
def show(
    name: str = typer.Argument(..., help="Model name."),
    version: int | None = Version,
    database_url: str | None = DatabaseUrl,
) -> None:
    """Print a model's registry record and metadata as JSON."""
    with _session(database_url) as session:
        record = describe(_find(session, name, version))
    typer.echo(json.dumps(record, indent=2, ensure_ascii=False))


@app.command("activate")
def activate_(
    name: str = typer.Argument(..., help="Model name."),
    version: int | None = Version,
    database_url: str | None = DatabaseUrl,
) -> None:
    """Make a model the active one of its task (running servers pick it up within seconds)."""
    with _session(database_url) as session:
        model = activate(session, _find(session, name, version))
        console.print(f"{model.name} v{model.version} is now the active {model.task} model", highlight=False)


@app.command("promote")
def promote_(
    name: str = typer.Argument(..., help="Model name."),
    version: int | None = Version,
    reason: str = typer.Option("", "--reason", help="Why (stored with the decision and audited)."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Make a model its task's champion (decision promoted, audited); servers switch within seconds."""
    from inkling.services.lineage import promote

    with _session(database_url) as session:
        model = promote(session, _find(session, name, version), reason=reason)
        console.print(f"{model.name} v{model.version} is now the {model.task} champion", highlight=False)


@app.command()
def export(
    name: str = typer.Argument(..., help="Model name."),
    out: Path = typer.Option(..., "--out", "-o", dir_okay=False, help="Where to write the .onnx file."),
    version: int | None = Version,
    meta: bool = typer.Option(False, "--meta", help="Also write the metadata next to it (OUT with .json)."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Write a model's ONNX bytes to a file (and, with --meta, its metadata sidecar)."""
    with _session(database_url) as session:
        model = _find(session, name, version)
        onnx, sidecar = model.onnx, {**model.meta, "name": model.name, "task": model.task}
        label = f"{model.name} v{model.version}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(onnx)
    console.print(f"wrote {out} ({len(onnx):,} bytes, {label})", highlight=False)
    if meta:
        meta_path = out.with_suffix(".json")
        meta_path.write_text(json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"wrote {meta_path}", highlight=False)
