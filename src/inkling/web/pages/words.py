"""``/words/{word}``: how others drew a word — its stored drawings and whether the machine got them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from inkling.datasets.others import CREDIT, others_drew
from inkling.registry import ModelNotFoundError
from inkling.services.collect import UnknownWordError, word_gallery
from inkling.services.styles import word_styles
from inkling.web.deps import PredictorsDep, SessionDep
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

PER_PAGE = 24


@router.get("/words/{word}", response_class=HTMLResponse)
def gallery(
    request: Request,
    session: SessionDep,
    predictors: PredictorsDep,
    word: str,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """A page of the word's drawings, newest first (404 page for an unknown word)."""
    try:
        result = word_gallery(session, word, page=page, per_page=PER_PAGE)
    except UnknownWordError:
        return templates.TemplateResponse(request, "words/unknown.html", {"word": word}, status_code=404)
    try:
        styles = word_styles(session, predictors.get("doodle"), result.word.text) if page == 1 else []
    except ModelNotFoundError:
        styles = []
    context = {
        "gallery": result,
        "quickdraw": others_drew(result.word.text),
        "credit": CREDIT,
        "styles": styles,
    }
    return templates.TemplateResponse(request, "words/gallery.html", context)
