"""``/api/v1/admin``: the console's data and actions as JSON (role ``admin`` only; actions audited).

401 without an account, 403 for anyone without the role (and for a session without its CSRF header).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from inkling.db.models import RegisteredModel
from inkling.registry import ModelNotFoundError
from inkling.services import audit, lineage, moderation
from inkling.services.admin_views import numeric_metrics, overview
from inkling.services.collect import UnknownWordError
from inkling.web.admin_access import AdminApiUser
from inkling.web.api.errors import ANY_POST, ANY_REQUEST, error_responses
from inkling.web.api.fields import StrictBody
from inkling.web.deps import CsrfProtect, SessionDep
from inkling.web.params import DbId

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=ANY_REQUEST)

TASK_PATTERN = "^(doodle|digit|restore)$"
REFUSED = {401: "Not logged in (or a guest)", 403: "Not an admin, or a session without its X-CSRF-Token"}


def _action_responses(status: int, why: str) -> dict[int | str, dict[str, Any]]:
    """What an admin action may answer: any POST's errors, the refusals, 422 and ``status`` (``why``)."""
    return {**ANY_POST, **error_responses(401, 403, status, 422, described={**REFUSED, status: why})}


ModelId = Annotated[DbId, Path(description="the model's id")]
DrawingId = Annotated[DbId, Path(description="the drawing's id")]


class ModelVersionPublic(BaseModel):
    """A model version with its lineage and decision."""

    id: int
    name: str
    version: int
    task: str
    serving: bool
    parent_id: int | None
    data_hash: str | None
    metrics: dict[str, float]
    decision: str | None
    decision_reason: str | None
    created_at: datetime
    decided_at: datetime | None


class CountPublic(BaseModel):
    """How many training examples one source and evidence have."""

    source: str
    evidence: str
    examples: int


class DataPublic(BaseModel):
    """Training examples by source and evidence, and by word; drawings waiting for review."""

    total: int
    by_source: list[CountPublic]
    by_word: dict[str, int]
    pending_review: int


class QueueItemPublic(BaseModel):
    """A drawing waiting for review."""

    drawing_id: int
    word: str | None
    source: str
    moderation: str
    reports: int
    reasons: list[str]
    ink: list[Any]
    created_at: datetime


class AuditPublic(BaseModel):
    """One administrative action."""

    actor: str
    action: str
    target: str
    details: dict[str, Any]
    created_at: datetime


class DecisionBody(StrictBody):
    """Why (stored with the decision and in the audit log)."""

    reason: str = Field(default="", max_length=500)


class RollbackBody(DecisionBody):
    """The task to roll back and why."""

    task: str = Field(default="doodle", pattern=TASK_PATTERN)


class ModerationBody(StrictBody):
    """A moderation action: hide, keep, or relabel with ``word``."""

    action: str = Field(pattern="^(hide|keep|relabel)$")
    word: str = Field(default="", max_length=128)


class ModerationPublic(BaseModel):
    """A drawing's moderation state after the action."""

    drawing_id: int
    moderation: str | None


def _public(model: RegisteredModel) -> ModelVersionPublic:
    return ModelVersionPublic(
        id=model.id,
        name=model.name,
        version=model.version,
        task=model.task,
        serving=model.is_active,
        parent_id=model.parent_id,
        data_hash=model.data_hash,
        metrics=numeric_metrics(model),
        decision=model.decision,
        decision_reason=model.decision_reason,
        created_at=model.created_at,
        decided_at=model.decided_at,
    )


@router.get(
    "/models",
    response_model=list[ModelVersionPublic],
    responses=error_responses(401, 403, 422, described=REFUSED),
)
def list_lineage(
    session: SessionDep,
    admin: AdminApiUser,
    task: Annotated[str, Query(pattern=TASK_PATTERN)] = "doodle",
) -> list[ModelVersionPublic]:
    """Every model version of ``task``, oldest first, with parent, data hash, metrics and decision."""
    return [_public(m) for m in lineage.lineage(session, task)]


@router.get("/data", response_model=DataPublic, responses=error_responses(401, 403, described=REFUSED))
def data_counts(session: SessionDep, admin: AdminApiUser) -> DataPublic:
    """Training examples by source and evidence and by word (reported drawings never count)."""
    view = overview(session)
    rows = [CountPublic(source=s, evidence=e, examples=n) for (s, e), n in view.counts.by_source.items()]
    return DataPublic(
        total=view.counts.total, by_source=rows, by_word=view.counts.by_word, pending_review=view.pending
    )


@router.get(
    "/moderation",
    response_model=list[QueueItemPublic],
    responses=error_responses(401, 403, described=REFUSED),
)
def moderation_queue(session: SessionDep, admin: AdminApiUser) -> list[QueueItemPublic]:
    """Reported and flagged drawings waiting for review, oldest first."""
    return [
        QueueItemPublic(
            drawing_id=i.drawing_id,
            word=i.word,
            source=i.source,
            moderation=i.moderation,
            reports=i.reports,
            reasons=list(i.reasons),
            ink=i.ink,
            created_at=i.created_at,
        )
        for i in moderation.queue(session, limit=100)
    ]


@router.get(
    "/audit", response_model=list[AuditPublic], responses=error_responses(401, 403, described=REFUSED)
)
def audit_log(session: SessionDep, admin: AdminApiUser) -> list[AuditPublic]:
    """The latest 200 administrative actions, newest first."""
    return [
        AuditPublic(
            actor=r.actor, action=r.action, target=r.target, details=r.details, created_at=r.created_at
        )
        for r in audit.recent(session, 200)
    ]


@router.post(
    "/models/{model_id}/promote",
    response_model=ModelVersionPublic,
    dependencies=[CsrfProtect],
    responses=_action_responses(404, "No such model"),
)
def promote_model(
    body: DecisionBody, session: SessionDep, admin: AdminApiUser, model_id: ModelId
) -> ModelVersionPublic:
    """Make a model its task's champion: every server serves it within seconds (audited)."""
    model = session.get(RegisteredModel, model_id)
    if model is None:
        raise HTTPException(404, f"no model {model_id}")
    return _public(lineage.promote(session, model, reason=body.reason, actor=admin))


@router.post(
    "/models/rollback",
    response_model=ModelVersionPublic,
    dependencies=[CsrfProtect],
    responses=_action_responses(409, "No earlier champion to return to"),
)
def rollback_model(body: RollbackBody, session: SessionDep, admin: AdminApiUser) -> ModelVersionPublic:
    """Serve the task's previous champion again; the current one is marked rolled_back (audited)."""
    try:
        _, previous = lineage.rollback(session, body.task, reason=body.reason, actor=admin)
    except (ModelNotFoundError, lineage.NoPreviousChampionError) as error:
        raise HTTPException(409, str(error)) from None
    return _public(previous)


@router.post(
    "/drawings/{drawing_id}/moderate",
    response_model=ModerationPublic,
    dependencies=[CsrfProtect],
    responses=_action_responses(404, "No such drawing or word"),
)
def moderate(
    body: ModerationBody, session: SessionDep, admin: AdminApiUser, drawing_id: DrawingId
) -> ModerationPublic:
    """Hide, keep or relabel a drawing (audited)."""
    try:
        drawing = moderation.review(session, drawing_id, body.action, admin, body.word)
    except (moderation.DrawingNotFoundError, UnknownWordError) as error:
        raise HTTPException(404, str(error)) from None
    return ModerationPublic(drawing_id=drawing.id, moderation=drawing.moderation)
