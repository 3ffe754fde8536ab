"""``POST /api/v1/restore``: an uploaded picture in, the same-size restored PNG out; nothing stored.

No CSRF check: the route changes no state (nothing is stored, no session is touched), so a forged
cross-site post could only spend CPU, which the size limits bound, and plain API clients (``curl -F``)
need no token. The page's script sends ``X-CSRF-Token`` anyway.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

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
from inkling.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/restore", tags=["restore"])

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # uploads larger than this get 413
MULTIPART_OVERHEAD = 64 * 1024  # room for the multipart envelope around the file
UPLOAD_FIELDS = ("image", "file")  # multipart field names accepted for the picture


def get_provider(request: Request) -> PredictorProvider:
    """The app's cache of restore predictors (created on first use, bound to the app's database)."""
    provider = getattr(request.app.state, "restore_predictors", None)
    if provider is None:
        provider = PredictorProvider(request.app.state.sessions.kw["bind"])
        request.app.state.restore_predictors = provider
    return provider


ProviderDep = Annotated[PredictorProvider, Depends(get_provider)]


async def _upload_bytes(request: Request) -> bytes:
    """The uploaded file of a multipart form (field ``image`` or ``file``), at most ``MAX_UPLOAD_BYTES``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        raise HTTPException(415, "send the picture as multipart/form-data in the field 'image'")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
        raise HTTPException(413, f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    form = await request.form(max_files=1, max_fields=4)
    upload = next((form.get(name) for name in UPLOAD_FIELDS if form.get(name) is not None), None)
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, "send the picture as the multipart file field 'image'")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"the image is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if not data:
        raise HTTPException(400, "the uploaded file is empty")
    return data


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
    responses={200: {"content": {"image/png": {}}, "description": "the restored picture, same size"}},
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
async def restore(request: Request, session: SessionDep, provider: ProviderDep) -> Response:
    """Restore an uploaded PNG/JPEG frame (<= 10 MB, <= 4096x4096 px); answers ``image/png``."""
    data = await _upload_bytes(request)
    png, label = await run_in_threadpool(_restore, data, session, provider)
    return Response(
        png, media_type="image/png", headers={"X-Inkling-Model": label, "Cache-Control": "no-store"}
    )
