"""``GET /api/v1/categories`` and ``GET /api/v1/words``: the word sets to draw from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from inkling.db.repositories.words import WordRepository
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["words"], responses=ANY_REQUEST)


class CategoryPublic(BaseModel):
    """A word category and how many enabled words it has."""

    slug: str
    name: str
    description: str
    word_count: int


class WordPublic(BaseModel):
    """A word to draw and its category."""

    text: str
    category: str
    category_name: str


@router.get("/categories", response_model=list[CategoryPublic])
def categories(session: SessionDep) -> list[CategoryPublic]:
    """Every category with enabled words, by name."""
    return [
        CategoryPublic(slug=c.slug, name=c.name, description=c.description, word_count=c.word_count)
        for c in WordRepository(session).list_categories()
    ]


@router.get(
    "/words",
    response_model=list[WordPublic],
    responses=error_responses(404, described={404: "No such category"}),
)
def words(
    session: SessionDep,
    category: Annotated[str | None, Query(description="Only words of this category (slug).")] = None,
) -> list[WordPublic]:
    """The enabled words, alphabetically, optionally of one category (404 for an unknown slug)."""
    repository = WordRepository(session)
    if category is not None and repository.get_category(category) is None:
        raise HTTPException(404, f"no category {category!r}; see GET /api/v1/categories")
    return [
        WordPublic(text=w.text, category=w.category.slug, category_name=w.category.name)
        for w in repository.list_words(category)
    ]
