"""``/contribute``: "Draw for the data set" — pick a word, draw it, submit it as training data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inkling.db.repositories.words import WordRepository
from inkling.web.deps import SessionDep
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/contribute", response_class=HTMLResponse)
def contribute(request: Request, session: SessionDep) -> HTMLResponse:
    """The word picker (categories; words come from ``GET /api/v1/words``) and the pad."""
    categories = WordRepository(session).list_categories()
    return templates.TemplateResponse(request, "collect/contribute.html", {"categories": categories})
