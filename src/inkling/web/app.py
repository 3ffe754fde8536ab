"""The FastAPI application factory: the composition root of the web tier."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import inkling
from inkling.db.engine import engine_for, session_factory
from inkling.settings import Settings, get_settings
from inkling.web.api import health
from inkling.web.pages import home

WEB_DIR = Path(__file__).parent


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings``; it keeps no state beyond the database connection pool."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Inkling",
        version=inkling.__version__,
        description="Draw, and a model guesses. Doodle game, digits and VHS frame restoration.",
    )
    app.state.settings = settings
    app.state.sessions = session_factory(engine_for(settings.database_url))
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(health.router)
    app.include_router(home.router)
    return app
