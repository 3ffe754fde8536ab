"""``POST /api/v1/restore``: an uploaded picture in, the same-size restored PNG out; nothing stored.

No CSRF check: the route changes no state (nothing is stored, no session is touched), so a forged
cross-site post could only spend CPU, which the size limits bound, and plain API clients (``curl -F``)
need no token. The page's script sends ``X-CSRF-Token`` anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from PIL import Image
from starlette.concurrency import run_in_threadpool

from inkling.inference.restore import RestorePredictor
from inkling.registry import ModelNotFoundError
from inkling.services.models import PredictorProvider
from inkling.services.pictures import PictureRefused, decode_rgb
from inkling.services.restore import RestoreCancelled, encode_png, open_upload, restore_predictor
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.deps import RestorePredictorsDep
from inkling.web.heavy import CLIENT_CLOSED_REQUEST, run_while_connected, slots
from inkling.web.uploads import media_type, multipart_file_body, uploaded_picture

router = APIRouter(prefix="/api/v1/restore", tags=["restore"], responses=ANY_REQUEST)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # uploads larger than this get 413
MAX_CONCURRENT = 2  # restores at once per server process (each uses every core); one more gets 503
BUSY_RETRY_AFTER_S = 5  # the Retry-After of that 503


def _open(data: bytes) -> Image.Image:
    """The upload opened lazily, its header's size checked (4xx before any pixel is decoded)."""
    try:
        return open_upload(data)
    except PictureRefused as error:
        raise HTTPException(error.status, str(error)) from None


def _predictor(request: Request, provider: PredictorProvider) -> RestorePredictor:
    """The active restore model's predictor, looked up in a short database session of its own."""
    try:
        with request.app.state.sessions() as session:
            predictor = restore_predictor(session, provider)
            session.commit()  # the shipped model may just have been registered
    except ModelNotFoundError as error:
        raise HTTPException(503, str(error)) from None
    return predictor


def _restore(
    request: Request, provider: PredictorProvider, image: Image.Image, should_stop: Callable[[], bool]
) -> tuple[bytes, str]:
    """Decode, restore and encode one picture (in a worker thread; no database session held meanwhile)."""
    try:
        pixels = decode_rgb(image)
    except PictureRefused as error:
        raise HTTPException(error.status, str(error)) from None
    predictor = _predictor(request, provider)
    return encode_png(predictor.restore(pixels, should_stop)), predictor.label


@router.post(
    "",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "the restored picture, same size"},
        **error_responses(
            400,
            413,
            415,
            422,
            503,
            described={
                400: "A corrupt picture, an empty or missing file field, or an unreadable form",
                413: "An upload over 10 MB, or a picture over 4096x4096 pixels",
                415: "Not multipart/form-data, or the upload is not a picture in an accepted format",
                422: "A picture with a side under 16 pixels, or longer than 16 times its other side",
                503: "Two restorations run already, no restore model is active, or the database is "
                "unavailable (try again after Retry-After seconds)",
            },
        ),
    },
    openapi_extra=multipart_file_body("image"),
)
async def restore(request: Request, provider: RestorePredictorsDep) -> Response:
    """Restore an uploaded PNG/JPEG frame (<= 10 MB, <= 4096x4096 px, sides >= 16 px and within 16:1).

    Answers ``image/png``; 503 with ``Retry-After`` while two restores run already. The work stops
    (between tiles) when the client disconnects. Everything heavy, and the database, runs off the loop.
    """
    if media_type(request) != "multipart/form-data":
        raise HTTPException(415, "send the picture as multipart/form-data in the field 'image'")
    data = await uploaded_picture(request, MAX_UPLOAD_BYTES)
    with await run_in_threadpool(_open, data) as image:
        if await request.is_disconnected():
            return Response(status_code=CLIENT_CLOSED_REQUEST)
        busy = slots(request.app, "restore", MAX_CONCURRENT, BUSY_RETRY_AFTER_S, "restorations")
        with busy.hold():
            try:
                png, label = await run_while_connected(request, partial(_restore, request, provider, image))
            except RestoreCancelled:
                return Response(status_code=CLIENT_CLOSED_REQUEST)
    return Response(
        png, media_type="image/png", headers={"X-Inkling-Model": label, "Cache-Control": "no-store"}
    )
