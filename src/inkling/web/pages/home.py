"""The home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inkling.db.repositories.words import WordRepository
from inkling.web.deps import SessionDep
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    """The landing page: what Inkling is and the word categories to play."""
    categories = WordRepository(session).list_categories()
    total_words = sum(category.word_count for category in categories)
    return templates.TemplateResponse(
        request, "home.html", {"categories": categories, "total_words": total_words}
    )
