"""The Restore page: upload a frame, compare before/after with a slider, download the restored PNG."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/restore", response_class=HTMLResponse)
def restore(request: Request) -> HTMLResponse:
    """The restore page."""
    return templates.TemplateResponse(request, "restore.html", {})
