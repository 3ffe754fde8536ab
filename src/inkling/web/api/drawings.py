"""``POST /api/v1/drawings``: a drawing made for the data set ("draw for the data set")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from inkling.ink import InkError
from inkling.services.collect import UnknownWordError, store_valid, validate_collected
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.fields import StrictBody
from inkling.web.deps import CsrfProtect, NowDep, SessionDep, SettingsDep, get_player
from inkling.web.security import CSRF_HEADER, current_session, session_csrf_token

router = APIRouter(prefix="/api/v1/drawings", tags=["drawings"], responses=ANY_REQUEST)


class DrawingCreate(StrictBody):
    """A labelled drawing: the word it shows and Quick, Draw! raw ink ``[[xs, ys, ts], ...]``."""

    word: str = Field(min_length=1, max_length=128)
    ink: list[Any]


class DrawingPublic(BaseModel):
    """The stored drawing."""

    id: int
    word: str
    source: str
    stroke_count: int
    point_count: int


@router.post(
    "",
    response_model=DrawingPublic,
    status_code=201,
    dependencies=[CsrfProtect],
    responses=error_responses(403, 404, 413, 422, described={404: "Not an official word"}),
)
def create_drawing(
    body: DrawingCreate,
    session: SessionDep,
    request: Request,
    response: Response,
    settings: SettingsDep,
    now: NowDep,
) -> DrawingPublic:
    """Store a drawing of ``word`` as training data (404 unknown word, 422 invalid ink, 413 over 1 MB).

    The drawing is checked first; only a valid one gets a player (a guest is created when there is no
    session) and is stored. The response's ``X-CSRF-Token`` header carries the token of the session in
    force, which the page must send with its next POST.
    """
    try:
        valid = validate_collected(session, word=body.word, raw_ink=body.ink)
    except UnknownWordError as error:
        raise HTTPException(404, str(error)) from None
    except InkError as error:
        raise HTTPException(422, f"invalid ink: {error}") from None
    player = get_player(request, session, settings, now)
    drawing = store_valid(session, valid, player)
    record = current_session(request)
    if record is not None:
        response.headers[CSRF_HEADER] = session_csrf_token(record, settings)
    return DrawingPublic(
        id=drawing.id,
        word=drawing.word.text if drawing.word else body.word,
        source=drawing.source,
        stroke_count=drawing.stroke_count,
        point_count=drawing.point_count,
    )
