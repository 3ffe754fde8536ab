"""The admin console under ``/admin`` (role ``admin`` only): models, data, learning runs, moderation, audit.

Every action is a POST form with its CSRF token, audited in ``admin_audit``, answered with a redirect
back to the page it came from.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from inkling.db.models import RegisteredModel
from inkling.registry import ModelNotFoundError
from inkling.registry.store import TASKS
from inkling.services import audit, lineage, moderation
from inkling.services.admin_views import LineageRow, default_metric, overview
from inkling.services.collect import UnknownWordError
from inkling.web.admin_access import AdminPageUser
from inkling.web.charts import Bar, bar_chart
from inkling.web.deps import CsrfProtect, SessionDep
from inkling.web.params import DbId
from inkling.web.templating import templates

router = APIRouter(prefix="/admin", tags=["admin"], include_in_schema=False)

Task = Annotated[str, Query(pattern="^(doodle|digit|restore)$")]
MetricName = Annotated[str | None, Query(max_length=128)]
ModelId = Annotated[DbId, Path(description="the model's id")]
DrawingId = Annotated[DbId, Path(description="the drawing's id")]
ERRORS = {  # ?error= codes of the redirects below, in words
    "no-such-model": "There is no such model.",
    "no-previous-champion": "There is no earlier champion to roll back to.",
    "no-such-drawing": "There is no such drawing.",
    "unknown-word": "That is not one of the words.",
}


def _error(request: Request) -> str | None:
    return ERRORS.get(request.query_params.get("error", ""))


def metric_chart(rows: list[LineageRow], metric: str | None) -> Markup:
    """``metric`` of each model version, oldest first (versions without it are left out)."""
    measured = [r for r in rows if metric is not None and metric in r.metrics]
    top = max((r.metrics[metric] for r in measured), default=1.0) if metric else 1.0
    scale = 1.0 if top <= 1.0 else top
    bars = [
        Bar(
            f"{r.model.name} v{r.model.version}",
            r.metrics[metric],
            f"{r.metrics[metric]:.3g}",
            low=r.model.decision in ("rejected", "rolled_back"),
            tooltip=f"{r.model.name} v{r.model.version} ({r.model.created_at:%Y-%m-%d}): "
            f"{metric} {r.metrics[metric]:.4g}, {r.model.decision or 'undecided'}",
        )
        for r in measured
        if metric is not None
    ]
    ticks = [(scale * f, f"{scale * f:.2g}") for f in (0.0, 0.25, 0.5, 0.75, 1.0)]
    title = f"{metric or 'metric'} by model version, oldest first"
    description = "Each bar is a model version in the order it was registered; red: rejected or rolled back."
    return bar_chart(bars, title=title, description=description, max_value=scale, ticks=ticks)


@router.get("", response_class=HTMLResponse)
def console(
    request: Request,
    session: SessionDep,
    admin: AdminPageUser,
    task: Task = "doodle",
    metric: MetricName = None,
) -> HTMLResponse:
    """Model lineage with a metrics chart, promote/rollback, learning runs and data counts."""
    view = overview(session, task)
    shown = metric if metric in view.metric_names else default_metric(view.metric_names)
    context = {"view": view, "metric": shown, "chart": metric_chart(view.rows, shown), "tasks": TASKS}
    context["error"] = _error(request)
    return templates.TemplateResponse(request, "admin/console.html", context)


@router.get("/moderation", response_class=HTMLResponse)
def moderation_queue(request: Request, session: SessionDep, admin: AdminPageUser) -> HTMLResponse:
    """Reported and outlier-flagged drawings with hide, keep and relabel."""
    context = {"items": moderation.queue(session, limit=100), "error": _error(request)}
    return templates.TemplateResponse(request, "admin/moderation.html", context)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, admin: AdminPageUser) -> HTMLResponse:
    """The latest administrative actions."""
    return templates.TemplateResponse(request, "admin/audit.html", {"rows": audit.recent(session, 200)})


def _back(task: str, error: str | None = None) -> RedirectResponse:
    suffix = f"&error={error}" if error else ""
    return RedirectResponse(f"/admin?task={task}{suffix}", status_code=303)


@router.post("/models/{model_id}/promote", dependencies=[CsrfProtect])
def promote_model(
    session: SessionDep,
    admin: AdminPageUser,
    model_id: ModelId,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Make a model its task's champion (audited)."""
    model = session.get(RegisteredModel, model_id)
    if model is None:
        return _back("doodle", "no-such-model")
    lineage.promote(session, model, reason=reason, actor=admin)
    return _back(model.task)


@router.post("/models/rollback", dependencies=[CsrfProtect])
def rollback_model(
    session: SessionDep,
    admin: AdminPageUser,
    task: Annotated[str, Form(pattern="^(doodle|digit|restore)$")] = "doodle",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Serve the task's previous champion again (audited)."""
    try:
        lineage.rollback(session, task, reason=reason, actor=admin)
    except (ModelNotFoundError, lineage.NoPreviousChampionError):
        return _back(task, "no-previous-champion")
    return _back(task)


@router.post("/drawings/{drawing_id}/{action}", dependencies=[CsrfProtect])
def moderate(
    session: SessionDep,
    admin: AdminPageUser,
    drawing_id: DrawingId,
    action: Annotated[str, Path(pattern="^(hide|keep|relabel)$")],
    word: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Hide, keep or relabel a drawing of the queue (audited)."""
    try:
        moderation.review(session, drawing_id, action, admin, word)
    except moderation.DrawingNotFoundError:
        return RedirectResponse("/admin/moderation?error=no-such-drawing", status_code=303)
    except UnknownWordError:
        return RedirectResponse("/admin/moderation?error=unknown-word", status_code=303)
    return RedirectResponse("/admin/moderation", status_code=303)
