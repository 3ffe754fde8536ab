"""``GET /api/v1/leaderboard``: the fastest recognitions and the best games."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from inkling.services import analytics
from inkling.web.api.analytics import ModelFilter, check_filters
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.fields import UtcDatetime
from inkling.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/leaderboard", tags=["leaderboard"], responses=ANY_REQUEST)


class FastRecognitionPublic(BaseModel):
    """A recognised round: who drew which word, and how soon (ms of its clock) the model named it."""

    player: str
    word: str
    category: str
    recognized_ms: int
    attempts: int
    played_at: UtcDatetime
    model_id: int | None


class BestGamePublic(BaseModel):
    """A finished game and its score."""

    game_id: int
    player: str
    score: int
    rounds_total: int
    recognized: int
    category: str | None
    finished_at: UtcDatetime | None
    drawn: int = Field(description="rounds the player drew in (games without any drawing are not listed)")


class LeaderboardPublic(BaseModel):
    """Both boards; guests appear as ``guest``."""

    model_id: int | None
    fastest: list[FastRecognitionPublic]
    best_games: list[BestGamePublic]


@router.get(
    "", response_model=LeaderboardPublic, responses=error_responses(404, described={404: "No such model"})
)
def leaderboard(
    session: SessionDep,
    model: ModelFilter = None,
    limit: Annotated[int, Query(ge=1, le=analytics.MAX_LIMIT, description="Rows per board.")] = 10,
) -> LeaderboardPublic:
    """The fastest recognitions and the best finished games, optionally of one model version."""
    check_filters(session, model, None)
    fastest = analytics.fastest_recognitions(session, model_id=model, limit=limit)
    games = analytics.best_games(session, model_id=model, limit=limit)
    return LeaderboardPublic(
        model_id=model,
        fastest=[FastRecognitionPublic(**vars(row)) for row in fastest],
        best_games=[BestGamePublic(**vars(row)) for row in games],
    )
