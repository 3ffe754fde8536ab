"""Unknown URLs: an HTML "page not found" in the site's layout for pages; JSON stays JSON under /api/."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from inkling.web.templating import templates

JSON_PREFIXES = ("/api/", "/static/", "/openapi.json", "/docs", "/redoc")  # never an HTML page


def http_error(request: Request, error: HTTPException) -> Response:
    """A 404 for a page: the site's page; any other HTTP error, or under /api/: ``{"detail"}`` JSON.

    A plain function on purpose: Starlette runs it in the thread pool, where the page's session (the
    menu shows who is logged in) may touch the database.
    """
    path = request.url.path
    if error.status_code == 404 and not path.startswith(JSON_PREFIXES):
        return templates.TemplateResponse(request, "not_found.html", {"path": path}, status_code=404)
    return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


def add_not_found_page(app: FastAPI) -> None:
    """Route HTTP errors through :func:`http_error`."""
    app.add_exception_handler(HTTPException, http_error)
