"""A database or pool outage answers 503 with ``Retry-After``: never a 500, never a hang.

The database is unreachable, a lock or statement ran past its timeout (PostgreSQL ``lock_timeout``,
``statement_timeout``; SQLite "database is locked" after its busy timeout), or every pooled
connection stayed busy for ``INKLING_DB_POOL_TIMEOUT`` seconds: the request is refused cleanly and
the client may try again. Nothing half-done is kept: the request's transaction is rolled back.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

RETRY_AFTER_S = 5  # what the client is told to wait before trying again
OUTAGE_MESSAGE = "The database is busy or unavailable right now; please try again in a few seconds."
OUTAGE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)

log = logging.getLogger(__name__)


async def database_unavailable(request: Request, error: Exception) -> Response:
    """503 with ``Retry-After``: JSON under ``/api/``, a plain page elsewhere (no template: no database)."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error, exc_info=error)
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": OUTAGE_MESSAGE}, status_code=503, headers=headers)
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Inkling is busy</title>"
        f"<main><h1>Inkling is busy</h1><p>{OUTAGE_MESSAGE}</p><p><a href=''>Try again</a></p></main></html>"
    )
    return HTMLResponse(page, status_code=503, headers=headers)


def add_outage_handlers(app: FastAPI) -> None:
    """Answer every database outage error with :func:`database_unavailable`."""
    for error in OUTAGE_ERRORS:
        app.add_exception_handler(error, database_unavailable)
