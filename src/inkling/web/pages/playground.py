"""``/playground``: "What is this?" — draw anything and watch the model's top 10 change live."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inkling.services.analytics import ModelVersion, model_versions
from inkling.web.deps import SessionDep
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


def model_choices(models: list[ModelVersion]) -> list[ModelVersion]:
    """One entry per model name (its newest version), leaving out names that have an active version."""
    active = {m.name for m in models if m.is_active}
    newest: dict[str, ModelVersion] = {}
    for m in models:
        if m.name not in active and (m.name not in newest or m.version > newest[m.name].version):
            newest[m.name] = m
    return list(newest.values())


@router.get("/playground", response_class=HTMLResponse)
def playground(request: Request, session: SessionDep) -> HTMLResponse:
    """The drawing pad, the model picker (refreshed from ``GET /api/v1/models``) and the live bars."""
    models = model_versions(session, "doodle")
    active = next((m for m in models if m.is_active), None)
    context = {"active": active, "choices": model_choices(models)}
    return templates.TemplateResponse(request, "playground/playground.html", context)
