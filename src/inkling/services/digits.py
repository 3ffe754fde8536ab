"""Digit use cases: make sure a digit model is registered, predict drawings and pictures, keep drawings.

Every drawn digit (ink) that is predicted is stored in ``digit_drawings`` with the prediction, the ten
probabilities and the model row; uploaded pictures are predicted but not stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inkling.db.models import DigitDrawing, RegisteredModel
from inkling.inference.digits import DigitGuess, DigitPredictor
from inkling.ink import parse_ink
from inkling.services.models import PredictorProvider, active_predictor
from inkling.services.pictures import PictureLimits

DIGIT_TASK = "digit"
# uploaded pictures: 4096x4096 pixels in all, sides within 16:1 and at least 8 px (checked from the header)
DIGIT_PICTURE_LIMITS = PictureLimits(max_pixels=4096 * 4096, max_aspect=16, min_side=8)


def digit_predictor(session: Session, provider: PredictorProvider) -> DigitPredictor:
    """The predictor of the active digit model (registering the shipped one first if needed)."""
    return active_predictor(session, provider, DIGIT_TASK)


def model_id(session: Session, predictor: DigitPredictor) -> int | None:
    """The registry id of the predictor's model (``None`` for a model from a file)."""
    if predictor.version is None:
        return None
    return session.scalar(
        select(RegisteredModel.id).where(
            RegisteredModel.name == predictor.model_name, RegisteredModel.version == predictor.version
        )
    )


def predict_drawing(
    session: Session, predictor: DigitPredictor, raw_ink: Any, *, user_id: int | None = None
) -> tuple[DigitGuess, DigitDrawing]:
    """Predict the digit in ``raw_ink`` (``InkError`` when invalid) and store the drawing."""
    ink = parse_ink(raw_ink, strict_times=False)
    guess = predictor.predict(ink)
    drawing = DigitDrawing(
        ink=ink.to_lists(),
        prediction=guess.digit,
        probabilities=[round(p, 6) for p in guess.probabilities],
        model_id=model_id(session, predictor),
        user_id=user_id,
    )
    session.add(drawing)
    session.flush()
    return guess, drawing
