"""The model registry's lineage and decisions: record a challenger, promote, reject, roll back.

Each model version records its parent, the content hash of its training data, its metrics and a
decision: ``champion`` (made active outside the learning loop), ``promoted``, ``rejected`` (with the
reason) or ``rolled_back``. Promotion is activation: every serving process re-reads which model is
active at most every ``DEFAULT_CHECK_INTERVAL`` seconds (``PredictorProvider``), so the swap reaches
all workers without a restart. Rollback makes the previous champion active again. Promote and
rollback are audited. Functions flush but never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inkling.db.base import utcnow
from inkling.db.models import RegisteredModel, User
from inkling.registry import ModelNotFoundError, activate, get_active
from inkling.services import audit


class NoPreviousChampionError(LookupError):
    """Rollback found no earlier champion of the task (409)."""


def record_lineage(
    session: Session,
    model: RegisteredModel,
    *,
    parent: RegisteredModel | None,
    data_hash: str | None,
    metrics: dict[str, Any],
) -> RegisteredModel:
    """Store where a (challenger) model comes from and how it measured."""
    model.parent_id = parent.id if parent is not None else None
    model.data_hash = data_hash
    model.metrics = metrics
    session.flush()
    return model


def _decide(model: RegisteredModel, decision: str, reason: str, now: datetime) -> None:
    model.decision, model.decision_reason, model.decided_at = decision, reason or None, now


def promote(
    session: Session, model: RegisteredModel, *, reason: str = "", actor: User | None = None
) -> RegisteredModel:
    """Make ``model`` its task's champion (serving switches within seconds); audited."""
    try:
        previous: RegisteredModel | None = get_active(session, model.task)
    except ModelNotFoundError:
        previous = None
    now = utcnow()
    activate(session, model)
    _decide(model, "promoted", reason, now)
    details = {"task": model.task, "from": _name(previous), "to": _name(model), "reason": reason}
    audit.record(session, actor, "promote_model", f"model:{model.id}", details, now=now)
    return model


def reject(session: Session, model: RegisteredModel, reason: str) -> RegisteredModel:
    """Keep ``model`` as a rejected candidate, with the reason (never served)."""
    if model.is_active:
        raise ValueError(f"{_name(model)} is serving; roll back instead of rejecting it")
    _decide(model, "rejected", reason, utcnow())
    session.flush()
    return model


def previous_champion(session: Session, current: RegisteredModel) -> RegisteredModel:
    """The champion before ``current``: the latest other model of its task that served, not rolled back."""
    query = (
        select(RegisteredModel)
        .where(
            RegisteredModel.task == current.task,
            RegisteredModel.id != current.id,
            RegisteredModel.champion_since.is_not(None),
            RegisteredModel.decision.is_distinct_from("rolled_back"),
        )
        .order_by(RegisteredModel.champion_since.desc(), RegisteredModel.id.desc())
        .limit(1)
    )
    found = session.scalars(query).first()
    if found is None:
        raise NoPreviousChampionError(f"no earlier {current.task} champion to roll back to")
    return found


def rollback(
    session: Session, task: str = "doodle", *, reason: str = "", actor: User | None = None
) -> tuple[RegisteredModel, RegisteredModel]:
    """Return ``task`` to its previous champion; the current one is marked ``rolled_back``. Audited."""
    current = get_active(session, task)
    previous = previous_champion(session, current)
    now = utcnow()
    since = previous.champion_since  # rolling back does not make it newer than the models after it
    activate(session, previous)
    previous.champion_since = since
    _decide(current, "rolled_back", reason, now)
    details = {"task": task, "from": _name(current), "to": _name(previous), "reason": reason}
    audit.record(session, actor, "rollback_model", f"model:{current.id}", details, now=now)
    return current, previous


def lineage(session: Session, task: str = "doodle") -> list[RegisteredModel]:
    """Every model of ``task``, oldest first (a chart reads left to right)."""
    query = select(RegisteredModel).where(RegisteredModel.task == task)
    return list(session.scalars(query.order_by(RegisteredModel.created_at, RegisteredModel.id)))


def learning_runs(session: Session, task: str = "doodle") -> list[RegisteredModel]:
    """Models the learning loop produced (those with a parent), newest first."""
    query = select(RegisteredModel).where(
        RegisteredModel.task == task, RegisteredModel.parent_id.is_not(None)
    )
    return list(session.scalars(query.order_by(RegisteredModel.created_at.desc(), RegisteredModel.id.desc())))


def _name(model: RegisteredModel | None) -> str | None:
    return None if model is None else f"{model.name} v{model.version}"
