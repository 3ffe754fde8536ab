"""``POST /api/v1/digits/predict``: the digit in a drawing (JSON ink) or a picture (PNG upload)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from inkling.inference.digits import DigitGuess, DigitPredictor
from inkling.ink import InkError
from inkling.ink.mnist import image_to_mnist
from inkling.registry import ModelNotFoundError
from inkling.services.digits import DIGIT_PICTURE_LIMITS, digit_predictor, predict_drawing
from inkling.services.models import PredictorProvider
from inkling.services.pictures import PictureRefused, open_picture
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.fields import StrictBody
from inkling.web.deps import AuthDep, CurrentUserDep, PredictorsDep, SessionDep, SettingsDep
from inkling.web.security import check_csrf
from inkling.web.uploads import media_type, multipart_file_schema, read_limited_body, uploaded_picture

router = APIRouter(prefix="/api/v1/digits", tags=["digits"], responses=ANY_REQUEST)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # PNG uploads and JSON bodies larger than this get 413


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
    try:
        image = open_picture(data, ["PNG"], DIGIT_PICTURE_LIMITS)  # the header's size, before decoding
    except PictureRefused as error:
        raise HTTPException(error.status, str(error)) from None
    try:
        with image:
            image.load()
            bitmap = image_to_mnist(image)
    except (OSError, SyntaxError, ValueError, InkError) as error:
        raise HTTPException(400, f"the PNG could not be read: {error}") from None
    predictor = _predictor(session, provider)
    return _public(predictor.predict(bitmap), predictor)


async def digit_upload(request: Request) -> DigitInk | bytes:
    """The request's ink (JSON) or PNG bytes (multipart), read with the size limit (an async dependency)."""
    content_type = media_type(request)
    if content_type == "application/json":
        body = await read_limited_body(request, MAX_UPLOAD_BYTES)
        try:
            return DigitInk.model_validate_json(body)
        except ValidationError as error:
            raise HTTPException(
                422, f"expected {{'ink': [[xs, ys, ts], ...]}}: {error.errors()[0]['msg']}"
            ) from None
    if content_type == "multipart/form-data":
        return await uploaded_picture(request, MAX_UPLOAD_BYTES)
    raise HTTPException(415, "send application/json with ink, or multipart/form-data with a PNG")


DigitUploadDep = Annotated[DigitInk | bytes, Depends(digit_upload)]


async def csrf_with_session(request: Request, auth: AuthDep, settings: SettingsDep) -> None:
    """The CSRF check (``X-CSRF-Token``) when a session cookie comes along (drawings are stored as its user).

    Unlike ``CsrfProtect``, an upload without a session needs no token even as multipart: it carries no
    ambient authority, and plain API clients (``curl -F image=@7.png``) have none.
    """
    if auth.incoming is not None:
        await check_csrf(request, auth, settings)


@router.post(
    "/predict",
    response_model=DigitPredictionPublic,
    dependencies=[Depends(csrf_with_session)],
    responses=error_responses(
        400,
        403,
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
                "multipart/form-data": multipart_file_schema("image"),
            },
            "required": True,
        }
    },
)
def predict(
    upload: DigitUploadDep, session: SessionDep, provider: PredictorsDep, user: CurrentUserDep
) -> DigitPredictionPublic:
    """Predict a digit from JSON ``{"ink": [[xs, ys, ts], ...]}`` (stored, with the user if any) or a PNG.

    A plain ``def``: the database and the model run in the thread pool; only the body is read on the
    event loop (:func:`digit_upload`). With a session cookie it needs the ``X-CSRF-Token`` header.
    """
    if isinstance(upload, DigitInk):
        return _from_ink(session, provider, upload.ink, user.id if user is not None else None)
    return _from_png(session, provider, upload)
