"""``POST /api/v1/digits/predict``: the digit in a drawing (JSON ink) or a picture (PNG upload)."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from inkling.inference.digits import DigitGuess, DigitPredictor
from inkling.ink import InkError
from inkling.ink.mnist import image_to_mnist
from inkling.registry import ModelNotFoundError
from inkling.services.digits import digit_predictor, predict_drawing
from inkling.services.models import PredictorProvider
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.fields import StrictBody
from inkling.web.deps import CurrentUserDep, PredictorsDep, SessionDep
from inkling.web.uploads import media_type, read_limited_body, uploaded_picture

router = APIRouter(prefix="/api/v1/digits", tags=["digits"], responses=ANY_REQUEST)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # PNG uploads and JSON bodies larger than this get 413
MAX_IMAGE_PIXELS = 4096 * 4096  # decoded size limit for uploads (decompression bombs)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class DigitInk(StrictBody):
    """A drawn digit: Quick, Draw! raw ink ``[[xs, ys, ts], ...]`` in canvas pixels and milliseconds."""

    ink: list[Any]


class DigitPredictionPublic(BaseModel):
    """The model's answer: best digit, its probability, all ten probabilities, ``name@version``."""

    digit: int
    confidence: float
    probabilities: list[float]
    model: str


def _public(guess: DigitGuess, predictor: DigitPredictor) -> DigitPredictionPublic:
    return DigitPredictionPublic(
        digit=guess.digit,
        confidence=round(guess.confidence, 6),
        probabilities=[round(p, 6) for p in guess.probabilities],
        model=predictor.label,
    )


def _predictor(session: Session, provider: PredictorProvider) -> DigitPredictor:
    try:
        return digit_predictor(session, provider)
    except ModelNotFoundError as error:
        raise HTTPException(503, str(error)) from None


def _from_ink(
    session: Session, provider: PredictorProvider, raw_ink: Any, user_id: int | None
) -> DigitPredictionPublic:
    predictor = _predictor(session, provider)
    try:
        guess, _ = predict_drawing(session, predictor, raw_ink, user_id=user_id)
    except InkError as error:
        raise HTTPException(422, f"invalid ink: {error}") from None
    return _public(guess, predictor)


def _from_png(session: Session, provider: PredictorProvider, data: bytes) -> DigitPredictionPublic:
    if not data.startswith(PNG_SIGNATURE):
        raise HTTPException(415, "the upload must be a PNG image")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise HTTPException(413, f"the image is larger than {MAX_IMAGE_PIXELS} pixels")
            image.load()
            bitmap = image_to_mnist(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, InkError) as error:
        raise HTTPException(400, f"the PNG could not be read: {error}") from None
    predictor = _predictor(session, provider)
    return _public(predictor.predict(bitmap), predictor)


@router.post(
    "/predict",
    response_model=DigitPredictionPublic,
    responses=error_responses(
        400,
        413,
        415,
        422,
        described={
            400: "An unreadable PNG, an empty or missing file field, or a NUL character",
            413: "A body over 2 MB, or a picture over 4096x4096 pixels",
            415: "Neither JSON nor multipart/form-data, or the upload is not a PNG",
        },
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": DigitInk.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"image": {"type": "string", "format": "binary"}},
                        "required": ["image"],
                    }
                },
            },
            "required": True,
        }
    },
)
async def predict(
    request: Request, session: SessionDep, provider: PredictorsDep, user: CurrentUserDep
) -> DigitPredictionPublic:
    """Predict a digit from JSON ``{"ink": [[xs, ys, ts], ...]}`` (stored, with the user if any) or a PNG."""
    content_type = media_type(request)
    if content_type == "application/json":
        body = await read_limited_body(request, MAX_UPLOAD_BYTES)
        try:
            payload = DigitInk.model_validate_json(body)
        except ValidationError as error:
            raise HTTPException(
                422, f"expected {{'ink': [[xs, ys, ts], ...]}}: {error.errors()[0]['msg']}"
            ) from None
        user_id = user.id if user is not None else None
        return await run_in_threadpool(_from_ink, session, provider, payload.ink, user_id)
    if content_type == "multipart/form-data":
        data = await uploaded_picture(request, MAX_UPLOAD_BYTES)
        return await run_in_threadpool(_from_png, session, provider, data)
    raise HTTPException(415, "send application/json with ink, or multipart/form-data with a PNG")
