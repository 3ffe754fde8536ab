"""Jinja2 templates shared by the page routers."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

import inkling

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["version"] = inkling.__version__
