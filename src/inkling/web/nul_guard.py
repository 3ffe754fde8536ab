"""Refuse (400) any request that carries a NUL character in its path, query string or text body.

PostgreSQL cannot store or even compare a string with a NUL (``\\x00``) in it: such a value reached
the database as a 500. No Inkling input legitimately holds one, so this ASGI middleware refuses them
all in one place before any route runs:

* the path (``/words/ca%00t``) and the query string (``?category=%00``);
* JSON bodies (and bodies without a ``Content-Type``, which FastAPI reads as JSON): a raw 0 byte, or
  the escape ``\\u0000`` (not ``\\\\u0000``, an escaped backslash followed by ``u0000``);
* URL-encoded form bodies: ``%00`` or a raw 0 byte;
* the text fields of small multipart forms (log-in and sign-up forms may be sent that way). File
  parts are never scanned, since binary files legitimately hold NUL bytes, and multipart bodies over
  ``MULTIPART_SCAN_BYTES`` (picture uploads; every form route has a smaller body limit) pass unscanned.

It runs inside :class:`~inkling.web.security.BodyLimitMiddleware`, so the buffering it does for a
scan is bounded by the route's body limit; a path without one is bounded by ``max_bytes`` (413).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NUL_MESSAGE = "The request contains a NUL character (\\u0000 or %00), which no Inkling field accepts."
MULTIPART_SCAN_BYTES = 64 * 1024  # multipart bodies up to this size have their text fields scanned
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 preceded by an even number of backslashes
JSON_TYPES = ("", "application/json")
FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"


def _media_type(headers: Headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def _scanned(media_type: str) -> bool:
    """Whether bodies of ``media_type`` are read as text by some route (so a NUL could reach the DB)."""
    return media_type in (*JSON_TYPES, FORM_TYPE, MULTIPART_TYPE) or media_type.endswith("+json")


def url_has_nul(scope: Scope) -> bool:
    """Whether the request's path or query string holds a NUL, raw or percent-encoded."""
    query: bytes = scope.get("query_string", b"")
    raw_path: bytes = scope.get("raw_path") or b""
    return "\x00" in scope.get("path", "") or any(
        b"\x00" in part or b"%00" in part for part in (query, raw_path)
    )


async def body_has_nul(media_type: str, headers: Headers, body: bytes) -> bool:
    """Whether a body of ``media_type`` holds a NUL in text that a route would read."""
    if b"\x00" in body and media_type != MULTIPART_TYPE:
        return True
    if media_type == FORM_TYPE:
        return b"%00" in body
    if media_type == MULTIPART_TYPE:
        return len(body) <= MULTIPART_SCAN_BYTES and await _multipart_text_has_nul(headers, body)
    return JSON_NUL.search(body) is not None


async def _multipart_text_has_nul(headers: Headers, body: bytes) -> bool:
    """Whether a text (not file) field of a multipart body holds a NUL; malformed bodies are the route's."""

    async def stream() -> AsyncIterator[bytes]:
        yield body

    try:
        form = await MultiPartParser(headers, stream()).parse()
    except MultiPartException:
        return False
    try:
        return any(
            "\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in form.multi_items()
        )
    finally:
        await form.close()


class NulGuardMiddleware:
    """Answers 400 to a request with a NUL in its path, query string or text body (module docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the URL, then (for text bodies) buffer and check the body before passing it on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if url_has_nul(scope):
            await _refuse(400, NUL_MESSAGE)(scope, receive, send)
            return
        headers = Headers(scope=scope)
        media_type = _media_type(headers)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") or not _scanned(media_type):
            await self.app(scope, receive, send)
            return
        try:
            messages, body = await self._buffer(receive, media_type)
        except HTTPException as error:  # the body limit (BodyLimitMiddleware, or ours) was passed
            await _refuse(error.status_code, str(error.detail))(scope, receive, send)
            return
        if body is not None and await body_has_nul(media_type, headers, body):
            await _refuse(400, NUL_MESSAGE)(scope, receive, send)
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _buffer(self, receive: Receive, media_type: str) -> tuple[list[Message], bytes | None]:
        """The body's messages as received, and the whole body (``None`` when too big to scan)."""
        cap = MULTIPART_SCAN_BYTES if media_type == MULTIPART_TYPE else self.max_bytes
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages, None
            size += len(message.get("body", b""))
            if size > cap:
                if media_type == MULTIPART_TYPE:
                    return messages, None  # an upload: the route reads the rest from the stream
                raise HTTPException(413, f"Request body too large (limit {cap // 1024} KB).")
            if not message.get("more_body", False):
                return messages, b"".join(m.get("body", b"") for m in messages)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that hands out ``messages`` first, then whatever else the client sends."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)
