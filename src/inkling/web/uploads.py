"""Request bodies: their media type, size-limited reads and multipart picture uploads (digit, restore APIs).

The body is streamed with a cap (so neither a false ``Content-Length`` nor a chunked body can make
the server read more than the limit) and then handed to Starlette's form parser. Answers: 413 when
the request or file is over the limit, 400 when the file field is missing or the file is empty.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

UPLOAD_FIELDS = ("image", "file")  # multipart field names accepted for the picture
MULTIPART_OVERHEAD = 64 * 1024  # room for the multipart envelope around the file


def multipart_file_schema(field: str) -> dict[str, Any]:
    """The OpenAPI ``multipart/form-data`` media entry of a form with one required file ``field``."""
    return {
        "schema": {
            "type": "object",
            "properties": {field: {"type": "string", "format": "binary"}},
            "required": [field],
        }
    }


def multipart_file_body(field: str) -> dict[str, Any]:
    """``openapi_extra`` of a route that reads its body by hand: a required form with one file ``field``."""
    return {
        "requestBody": {"content": {"multipart/form-data": multipart_file_schema(field)}, "required": True}
    }


def media_type(request: Request) -> str:
    """The request's ``Content-Type`` without parameters, lower-cased (``""`` when absent)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _size(limit: int) -> str:
    """``limit`` bytes in words: whole megabytes where it is one ("10 MB"), else bytes."""
    return f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit} bytes"


async def read_limited_body(request: Request, max_bytes: int) -> bytes:
    """The body, refusing (413) more than ``max_bytes`` plus the multipart envelope; cached for ``form()``."""
    too_large = HTTPException(413, f"the upload is larger than {_size(max_bytes)}")
    limit = max_bytes + MULTIPART_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    request._body = bytes(body)  # Request.body()'s cache: Starlette's form parser reads it from here
    return request._body


async def uploaded_picture(request: Request, max_bytes: int) -> bytes:
    """The bytes of the picture in a multipart form (field ``image`` or ``file``), at most ``max_bytes``."""
    if getattr(request, "_form", None) is None:  # a CSRF check may have parsed it for its field already
        await read_limited_body(request, max_bytes)
    form = await request.form(max_files=1, max_fields=4)
    upload = next((form.get(name) for name in UPLOAD_FIELDS if form.get(name) is not None), None)
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, "send the picture as the multipart file field 'image'")
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise HTTPException(413, f"the image is larger than {_size(max_bytes)}")
    if not data:
        raise HTTPException(400, "the uploaded file is empty")
    return data
