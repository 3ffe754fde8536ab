"""``POST /api/v1/restore``: an uploaded picture in, the same-size restored PNG out; nothing stored.

No CSRF check: the route changes no state (nothing is stored, no session is touched), so a forged
cross-site post could only spend CPU, which the size limits bound, and plain API clients (``curl -F``)
need no token. The page's script sends ``X-CSRF-Token`` anyway.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from inkling.registry import ModelNotFoundError
from inkling.services.models import PredictorProvider
from inkling.services.restore import (
    MAX_IMAGE_PIXELS,
    CorruptImage,
    ImageTooLarge,
    NotAnImage,
    decode_image,
    encode_png,
    restore_predictor,
)
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.deps import RestorePredictorsDep, SessionDep
from inkling.web.uploads import media_type, uploaded_picture

router = APIRouter(prefix="/api/v1/restore", tags=["restore"], responses=ANY_REQUEST)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # uploads larger than this get 413


def _restore(data: bytes, session: SessionDep, provider: PredictorProvider) -> tuple[bytes, str]:
    """Decode, restore and encode one picture (runs in a worker thread)."""
    try:
        image = decode_image(data, MAX_IMAGE_PIXELS)
    except NotAnImage as error:
        raise HTTPException(415, f"the upload is not a PNG or JPEG image: {error}") from None
    except CorruptImage as error:
        raise HTTPException(400, str(error)) from None
    except ImageTooLarge as error:
        raise HTTPException(413, str(error)) from None
    try:
        predictor = restore_predictor(session, provider)
    except ModelNotFoundError as error:
        raise HTTPException(503, str(error)) from None
    return encode_png(predictor.restore(image)), predictor.label


@router.post(
    "",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "the restored picture, same size"},
        **error_responses(
            400,
            413,
            415,
            described={
                400: "A corrupt picture, an empty or missing file field, or an unreadable form",
                413: "An upload over 10 MB, or a picture over 4096x4096 pixels",
                415: "Not multipart/form-data, or the upload is not a PNG or JPEG",
            },
        ),
    },
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"image": {"type": "string", "format": "binary"}},
                        "required": ["image"],
                    }
                }
            },
            "required": True,
        }
    },
)
async def restore(request: Request, session: SessionDep, provider: RestorePredictorsDep) -> Response:
    """Restore an uploaded PNG/JPEG frame (<= 10 MB, <= 4096x4096 px); answers ``image/png``."""
    if media_type(request) != "multipart/form-data":
        raise HTTPException(415, "send the picture as multipart/form-data in the field 'image'")
    data = await uploaded_picture(request, MAX_UPLOAD_BYTES)
    png, label = await run_in_threadpool(_restore, data, session, provider)
    return Response(
        png, media_type="image/png", headers={"X-Inkling-Model": label, "Cache-Control": "no-store"}
    )
