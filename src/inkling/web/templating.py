"""Jinja2 templates shared by the page routers."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

import inkling
from inkling.web.charts import percent, seconds
from inkling.web.ink_svg import ink_to_svg
from inkling.web.security import template_context

# every page gets ``current_user`` and ``csrf_token`` (for forms and <meta name="csrf-token">)
templates = Jinja2Templates(
    directory=Path(__file__).parent / "templates", context_processors=[template_context]
)
templates.env.globals["version"] = inkling.__version__
templates.env.globals["ink_svg"] = ink_to_svg
templates.env.filters["seconds"] = seconds
templates.env.filters["percent"] = percent
