"""``/words/{word}``: how others drew a word — its stored drawings and whether the machine got them."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from inkling.datasets.others import CREDIT, others_drew
from inkling.registry import ModelNotFoundError
from inkling.services.collect import UnknownWordError, word_gallery
from inkling.services.models import PredictorProvider
from inkling.services.styles import word_styles
from inkling.web.deps import PredictorsDep, SessionDep
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

PER_PAGE = 24
log = logging.getLogger(__name__)


def _styles(session: Session, predictors: PredictorProvider, word: str) -> list[Any]:
    """The word's styles, or none when the active model can't give embeddings: they only adorn the page."""
    try:
        return word_styles(session, predictors.get("doodle"), word)
    except ModelNotFoundError:
        return []
    except Exception:  # an unreadable model file must not take the gallery down with it
        log.warning("no drawing styles for %r: the active doodle model failed to load", word, exc_info=True)
        return []


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
    styles = _styles(session, predictors, result.word.text) if page == 1 else []
    context = {
        "gallery": result,
        "quickdraw": others_drew(result.word.text),
        "credit": CREDIT,
        "styles": styles,
    }
    return templates.TemplateResponse(request, "words/gallery.html", context)
