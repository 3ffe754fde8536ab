"""``GET /api/v1/models``: the registered model versions (metadata only, never the ONNX bytes)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from inkling.services.analytics import model_versions
from inkling.web.api.errors import ANY_REQUEST
from inkling.web.api.fields import UtcDatetime
from inkling.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/models", tags=["models"], responses=ANY_REQUEST)


class ModelPublic(BaseModel):
    """One model version: what it recognises and how well it did on validation."""

    id: int
    name: str
    version: int
    label: str
    task: str
    active: bool
    classes: int
    pack: str | None
    metrics: dict[str, Any]
    created_at: UtcDatetime


@router.get("", response_model=list[ModelPublic])
def list_models(
    session: SessionDep,
    task: Annotated[
        Literal["doodle", "digit", "restore"] | None, Query(description="Only models of this task.")
    ] = None,
) -> list[ModelPublic]:
    """Registered models, the active one(s) first, then newest first."""
    return [
        ModelPublic(
            id=m.id,
            name=m.name,
            version=m.version,
            label=m.label,
            task=m.task,
            active=m.is_active,
            classes=m.classes,
            pack=m.pack,
            metrics=m.metrics,
            created_at=m.created_at,
        )
        for m in model_versions(session, task)
    ]
