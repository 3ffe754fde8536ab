"""Register, list, find and activate model versions stored in the ``models`` table."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inkling.db.base import utcnow
from inkling.db.models import RegisteredModel

TASKS = ("doodle", "digit", "restore")


class ModelNotFoundError(LookupError):
    """No registered model matches the request."""


def register_model(
    session: Session,
    *,
    name: str,
    task: str,
    onnx: bytes,
    meta: dict[str, Any],
    activate_now: bool = False,
) -> RegisteredModel:
    """Store a new version of model ``name`` (version = previous + 1); optionally make it active."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    if not onnx:
        raise ValueError("a model needs its ONNX bytes")
    latest = session.scalar(select(func.max(RegisteredModel.version)).where(RegisteredModel.name == name))
    model = RegisteredModel(
        name=name,
        version=(latest or 0) + 1,
        task=task,
        onnx=onnx,
        sha256=hashlib.sha256(onnx).hexdigest(),
        meta=meta,
        is_active=False,
    )
    session.add(model)
    session.flush()
    if activate_now:
        activate(session, model)
    return model


def activate(session: Session, model: RegisteredModel) -> RegisteredModel:
    """Make ``model`` the one active model of its task (what the game and API use by default)."""
    session.execute(
        update(RegisteredModel)
        .where(RegisteredModel.task == model.task, RegisteredModel.id != model.id)
        .values(is_active=False)
    )
    model.is_active = True
    # the champion history rollback walks back through (inkling.services.lineage)
    model.champion_since = utcnow()
    if model.decision in (None, "rejected", "rolled_back"):
        model.decision = "champion"  # activated by hand (``inkling models activate``, shipped defaults)
    session.flush()
    return model


def get_active(session: Session, task: str) -> RegisteredModel:
    """The active model of ``task``."""
    model = session.scalars(
        select(RegisteredModel).where(RegisteredModel.task == task, RegisteredModel.is_active.is_(True))
    ).first()
    if model is None:
        raise ModelNotFoundError(f"no active {task} model; register one (see `inkling models list`)")
    return model


def find_model(session: Session, name: str, version: int | None = None) -> RegisteredModel:
    """Model ``name`` at ``version`` (the newest when omitted)."""
    query = select(RegisteredModel).where(RegisteredModel.name == name)
    if version is not None:
        query = query.where(RegisteredModel.version == version)
    model = session.scalars(query.order_by(RegisteredModel.version.desc())).first()
    if model is None:
        suffix = f" version {version}" if version is not None else ""
        raise ModelNotFoundError(f"no model named {name!r}{suffix}")
    return model


def list_models(session: Session, task: str | None = None) -> list[RegisteredModel]:
    """Every registered model (of ``task`` when given), newest first."""
    query = select(RegisteredModel)
    if task is not None:
        query = query.where(RegisteredModel.task == task)
    return list(session.scalars(query.order_by(RegisteredModel.created_at.desc(), RegisteredModel.id.desc())))
