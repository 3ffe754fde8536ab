"""``POST /drawings/{id}/report``: the Report button beside players' drawings in every gallery."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from inkling.services import moderation
from inkling.web.deps import CsrfProtect, NowDep, PlayerDep, SessionDep
from inkling.web.params import DbId
from inkling.web.security import safe_next
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.post("/drawings/{drawing_id}/report", dependencies=[CsrfProtect])
def report_from_form(
    request: Request,
    session: SessionDep,
    player: PlayerDep,
    now: NowDep,
    drawing_id: Annotated[DbId, Path()],
    reason: Annotated[str, Form(max_length=moderation.REASON_MAX)] = "",
    next: Annotated[str, Form(max_length=1024)] = "/",
) -> Response:
    """Report a drawing (it is hidden until an admin reviews it) and go back to the gallery."""
    try:
        moderation.report_drawing(session, drawing_id, player, reason, now)
    except moderation.DrawingNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    except moderation.TooManyReportsError as error:
        headers = {"Retry-After": str(error.retry_after)}
        context = {"message": str(error)}
        return templates.TemplateResponse(
            request, "auth/forbidden.html", context, status_code=429, headers=headers
        )
    session.commit()
    return RedirectResponse(safe_next(next), status_code=303)
