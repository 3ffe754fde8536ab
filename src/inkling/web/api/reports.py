"""``POST /api/v1/drawings/{id}/report``: a player reports a drawing; it is hidden until reviewed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from inkling.services import moderation
from inkling.services.visibility import HIDDEN
from inkling.web.api.errors import ANY_POST, error_responses
from inkling.web.api.fields import StrictBody
from inkling.web.deps import CsrfProtect, NowDep, PlayerDep, SessionDep
from inkling.web.params import DbId

router = APIRouter(prefix="/api/v1/drawings", tags=["drawings"], responses=ANY_POST)


class ReportCreate(StrictBody):
    """Why the drawing does not belong (optional)."""

    reason: str = Field(default="", max_length=moderation.REASON_MAX)


class ReportPublic(BaseModel):
    """The report's outcome: whether it is new (one per player and drawing) and whether it is hidden."""

    drawing_id: int
    created: bool
    hidden: bool


@router.post(
    "/{drawing_id}/report",
    response_model=ReportPublic,
    dependencies=[CsrfProtect],
    responses=error_responses(403, 404, 422, 429, described={404: "No such drawing"}),
)
def report_drawing(
    body: ReportCreate,
    session: SessionDep,
    player: PlayerDep,
    now: NowDep,
    drawing_id: Annotated[DbId, Path(description="the drawing's id")],
) -> ReportPublic:
    """Report a drawing: hidden from galleries and kept out of training until an admin reviews it."""
    try:
        result = moderation.report_drawing(session, drawing_id, player, body.reason, now)
    except moderation.DrawingNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    except moderation.TooManyReportsError as error:
        raise HTTPException(429, str(error), headers={"Retry-After": str(error.retry_after)}) from None
    return ReportPublic(drawing_id=drawing_id, created=result.created, hidden=result.moderation in HIDDEN)
