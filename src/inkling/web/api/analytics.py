"""``GET /api/v1/analytics/{words,categories}``: which words and categories are hardest for the machine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from inkling.services import analytics
from inkling.services.analytics import Difficulty, WordSort
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.deps import SessionDep
from inkling.web.params import DbId

router = APIRouter(
    prefix="/api/v1/analytics",
    tags=["analytics"],
    responses={**ANY_REQUEST, **error_responses(404, described={404: "No such model or category"})},
)

ModelFilter = Annotated[
    DbId | None, Query(description="Only rounds judged by this model version (models.id).")
]
CategoryFilter = Annotated[str | None, Query(description="Only words of this category (slug).")]
MinRounds = Annotated[int, Query(ge=1, le=1_000_000, description="Leave out words played fewer times.")]


class DifficultyPublic(BaseModel):
    """How a word or category fares: rounds closed, recognised share, medians over recognised rounds."""

    key: str
    label: str
    category: str
    rounds: int
    recognized: int
    recognition_rate: float
    median_ms: float | None
    median_attempts: float | None


class WordStatsPublic(BaseModel):
    """The word table and the filters that made it."""

    model_id: int | None
    category: str | None
    min_rounds: int
    sort: WordSort
    words: list[DifficultyPublic]


class CategoryStatsPublic(BaseModel):
    """The category table, hardest first."""

    model_id: int | None
    categories: list[DifficultyPublic]


def public(row: Difficulty) -> DifficultyPublic:
    """The public form of one row."""
    return DifficultyPublic(
        key=row.key,
        label=row.label,
        category=row.category,
        rounds=row.rounds,
        recognized=row.recognized,
        recognition_rate=round(row.recognition_rate, 4),
        median_ms=row.median_ms,
        median_attempts=row.median_attempts,
    )


def check_filters(session: Session, model: int | None, category: str | None) -> None:
    """404 for a model id or category slug that does not exist (an empty table would hide the typo)."""
    if model is not None and not analytics.model_exists(session, model):
        raise HTTPException(404, f"no model with id {model}; see GET /api/v1/models")
    if category is not None and not analytics.category_exists(session, category):
        raise HTTPException(404, f"no category {category!r}; see GET /api/v1/categories")


@router.get("/words", response_model=WordStatsPublic)
def word_stats(
    session: SessionDep,
    model: ModelFilter = None,
    category: CategoryFilter = None,
    min_rounds: MinRounds = 1,
    sort: Annotated[WordSort, Query(description="Row order; `hardest` = lowest recognition rate first.")] = (
        WordSort.hardest
    ),
) -> WordStatsPublic:
    """Per word: rounds played, recognition rate, median time to recognition and median attempts."""
    check_filters(session, model, category)
    rows = analytics.word_difficulty(
        session, model_id=model, category=category, min_rounds=min_rounds, sort=sort
    )
    return WordStatsPublic(
        model_id=model, category=category, min_rounds=min_rounds, sort=sort, words=[public(r) for r in rows]
    )


@router.get("/categories", response_model=CategoryStatsPublic)
def category_stats(session: SessionDep, model: ModelFilter = None) -> CategoryStatsPublic:
    """Per category: rounds played, recognition rate, median time and attempts; hardest first."""
    check_filters(session, model, None)
    rows = analytics.category_difficulty(session, model_id=model)
    return CategoryStatsPublic(model_id=model, categories=[public(r) for r in rows])
