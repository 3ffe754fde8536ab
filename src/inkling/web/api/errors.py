"""What error answers look like, for the OpenAPI document: ``responses=error_responses(404, 409, ...)``.

Every error the API gives is JSON with a ``detail``: a sentence for ours (``HTTPException``, the
CSRF check, the body limits, the NUL guard, a database outage), and for a request FastAPI cannot
validate (422) its list of field errors. Some 422s name a problem with the content instead
(``"invalid ink: ..."``), so a documented 422 is either.

Statuses every route can give are declared once per router (:data:`ANY_REQUEST`, :data:`ANY_POST`);
a route adds its own with a sentence saying when.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorPublic(BaseModel):
    """An error answer: what went wrong, in words."""

    detail: str


class FieldErrorPublic(BaseModel):
    """One reason a request failed validation: where (``["body", "top"]``), what, and its kind."""

    model_config = ConfigDict(extra="allow")  # FastAPI adds the offending ``input`` and a ``ctx``

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorPublic(BaseModel):
    """422: the request's fields did not validate (a list), or its content is wrong (a sentence)."""

    detail: list[FieldErrorPublic] | str


RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
}
DESCRIPTIONS: dict[int, str] = {
    400: "A NUL character in the URL or body, or an unreadable form or upload",
    401: "Not logged in",
    403: "A session cookie without its X-CSRF-Token header (or a form without csrf_token)",
    404: "Not found",
    409: "Conflicts with the current state",
    410: "Gone",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request: FastAPI's list of field errors, or one sentence naming the problem",
    429: "Too many attempts; try again after Retry-After seconds",
    503: "The database is busy or unavailable (try again after Retry-After seconds), or no model is active",
}
HEADERS: dict[int, dict[str, Any]] = {429: RETRY_AFTER, 503: RETRY_AFTER}


def error_responses(
    *statuses: int, described: Mapping[int, str] | None = None, model: type[BaseModel] = ErrorPublic
) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries of ``statuses``: JSON ``model`` (422: :class:`ValidationErrorPublic`).

    ``described`` words the statuses for one route (``{409: "Username or email taken"}``).
    """
    wording = {**DESCRIPTIONS, **(described or {})}
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "model": ValidationErrorPublic if status == 422 else model,
            "description": wording[status],
        }
        if status in HEADERS:
            entry["headers"] = HEADERS[status]
        responses[status] = entry
    return responses


# any request may meet the NUL guard (400) and a database outage (503)
ANY_REQUEST = error_responses(400, 503)
# any request with a body may also be too large for its route (413)
ANY_POST = error_responses(400, 413, 503)
