"""``POST /api/v1/doodles/guess``: what the model sees in a drawing (stores nothing)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from inkling.inference import DoodlePredictor
from inkling.ink import InkError
from inkling.registry import ModelNotFoundError
from inkling.services.doodles import doodle_predictor, guess_doodle
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.fields import StrictBody
from inkling.web.deps import PredictorsDep

router = APIRouter(prefix="/api/v1/doodles", tags=["doodles"], responses=ANY_REQUEST)

MAX_TOP = 20  # most guesses one request may ask for


class DoodleGuessCreate(StrictBody):
    """A drawing in Quick, Draw! raw ink ``[[xs, ys, ts], ...]`` (canvas pixels, ms since the first point)."""

    ink: list[Any] = Field(description="strokes [[xs, ys, ts], ...]; [] for an empty canvas")
    top: int = Field(default=5, ge=1, le=MAX_TOP, description="how many ranked guesses to return")
    model: str | None = Field(
        default=None, min_length=1, max_length=128, description="a model name (word pack); default: active"
    )


class GuessPublic(BaseModel):
    """One ranked guess: an official Quick, Draw! word and its probability."""

    word: str
    probability: float


class DoodleGuessPublic(BaseModel):
    """The model's ranked guesses, which model (``name@version``) and the server's time (``elapsed_ms``:
    parse, rasterise and model, waiting for concurrent guesses that share the model call included)."""

    guesses: list[GuessPublic]
    model: str
    elapsed_ms: float


def model_or_error(predictors: PredictorsDep, model: str | None) -> DoodlePredictor:
    """The wanted predictor; 404 for an unknown model, 503 when no doodle model is active."""
    try:
        return doodle_predictor(predictors, model)
    except ModelNotFoundError as error:
        raise HTTPException(404 if model else 503, str(error)) from None


@router.post(
    "/guess",
    response_model=DoodleGuessPublic,
    responses=error_responses(404, 413, 422, described={404: "No model of that name"}),
)
def guess(body: DoodleGuessCreate, predictors: PredictorsDep) -> DoodleGuessPublic:
    """Rank the words the model sees in ``ink``; malformed ink gets 422 naming the problem."""
    predictor = model_or_error(predictors, body.model)
    try:
        result = guess_doodle(predictor, body.ink, body.top)
    except InkError as error:
        raise HTTPException(422, f"invalid ink: {error}") from None
    return DoodleGuessPublic(
        guesses=[GuessPublic(word=g.word, probability=round(g.probability, 6)) for g in result.guesses],
        model=result.model,
        elapsed_ms=result.elapsed_ms,
    )
