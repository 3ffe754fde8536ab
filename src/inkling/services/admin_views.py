"""What the admin console shows: model lineage with metrics, data counts, learning runs, the queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from inkling.db.models import RegisteredModel
from inkling.services import lineage
from inkling.services.examples import ExampleCounts, example_counts
from inkling.services.moderation import pending_count


def numeric_metrics(model: RegisteredModel) -> dict[str, float]:
    """A model's numeric metrics, nested keys joined with dots (its ``metrics``, else its sidecar's)."""
    found: dict[str, float] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found[prefix] = float(value)

    walk("", model.metrics or (model.meta or {}).get("metrics") or {})
    return found


@dataclass(frozen=True)
class LineageRow:
    """One model version as the console lists it."""

    model: RegisteredModel
    parent: str | None
    metrics: dict[str, float]


@dataclass(frozen=True)
class Overview:
    """The console's first page."""

    task: str
    rows: list[LineageRow]
    metric_names: list[str]
    runs: list[RegisteredModel]
    counts: ExampleCounts
    pending: int


def _label(model: RegisteredModel) -> str:
    return f"{model.name} v{model.version}"


def overview(session: Session, task: str = "doodle") -> Overview:
    """Lineage (oldest first), learning runs (newest first), example counts and the queue's length."""
    models = lineage.lineage(session, task)
    by_id = {m.id: m for m in models}
    rows = [
        LineageRow(m, _label(by_id[m.parent_id]) if m.parent_id in by_id else None, numeric_metrics(m))
        for m in models
    ]
    names = sorted({name for row in rows for name in row.metrics})
    runs = lineage.learning_runs(session, task)
    return Overview(task, rows, names, runs, example_counts(session), pending_count(session))


def default_metric(names: list[str]) -> str | None:
    """The metric the chart shows first: a top-1 accuracy when there is one."""
    return next((n for n in names if "top1" in n), names[0] if names else None)
