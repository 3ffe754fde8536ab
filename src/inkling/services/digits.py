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
from inkling.registry import ModelNotFoundError, activate, get_active, register_model
from inkling.services.models import SHIPPED_DIR, PredictorProvider, shipped_models

DIGIT_TASK = "digit"


def ensure_digit_model(session: Session, models_dir: Any = SHIPPED_DIR) -> RegisteredModel:
    """The active digit model; registers and activates the shipped one when the task has none."""
    try:
        return get_active(session, DIGIT_TASK)
    except ModelNotFoundError:
        pass
    for shipped in shipped_models(models_dir):
        if shipped.task != DIGIT_TASK:
            continue
        onnx = shipped.read_onnx()
        digest = shipped.meta.get("onnx_sha256")
        row = session.scalars(select(RegisteredModel).where(RegisteredModel.sha256 == digest)).first()
        if row is None:
            meta = {**shipped.meta, "shipped_file": shipped.path.name}
            row = register_model(session, name=shipped.name, task=DIGIT_TASK, onnx=onnx, meta=meta)
        return activate(session, row)
    raise ModelNotFoundError("no digit model is registered or shipped; run `inkling train digits`")


def digit_predictor(session: Session, provider: PredictorProvider) -> DigitPredictor:
    """The predictor of the active digit model (registering the shipped one first if needed)."""
    try:
        return provider.get(DIGIT_TASK)
    except ModelNotFoundError:
        ensure_digit_model(session)
        session.commit()
        provider.refresh()
        return provider.get(DIGIT_TASK)


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
