"""The digit pad page: draw a digit, see the model's ten probabilities after every stroke."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/digits", response_class=HTMLResponse)
def digits(request: Request) -> HTMLResponse:
    """The digit pad."""
    return templates.TemplateResponse(request, "digits.html", {})
