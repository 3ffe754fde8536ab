"""The FastAPI application factory: the composition root of the web tier."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

import inkling
from inkling.db.broadcast import broadcaster_for
from inkling.db.engine import PoolSize, engine_for, session_factory
from inkling.services.models import PredictorProvider
from inkling.settings import Settings, get_settings
from inkling.web.admin_access import add_admin_refusal_page
from inkling.web.api import admin as admin_api
from inkling.web.api import analytics as analytics_api
from inkling.web.api import auth as auth_api
from inkling.web.api import captcha, digits, doodles, drawings, games, health, leaderboard, rounds
from inkling.web.api import models as models_api
from inkling.web.api import reports as reports_api
from inkling.web.api import restore as restore_api
from inkling.web.api import restore_jobs as restore_jobs_api
from inkling.web.api import rooms as rooms_api
from inkling.web.api import words as words_api
from inkling.web.not_found import add_not_found_page
from inkling.web.nul_guard import NulGuardMiddleware
from inkling.web.outage import add_outage_handlers
from inkling.web.pages import admin as admin_pages
from inkling.web.pages import auth as auth_pages
from inkling.web.pages import collect as collect_page
from inkling.web.pages import digits as digits_page
from inkling.web.pages import game as game_pages
from inkling.web.pages import home, playground, reports, stats
from inkling.web.pages import restore as restore_page
from inkling.web.pages import rooms as rooms_pages
from inkling.web.pages import words as words_page
from inkling.web.restore_jobs_runtime import RestoreJobRunner
from inkling.web.rooms_runtime import RoomRuntime
from inkling.web.security import CSRF_MESSAGE, BodyLimitMiddleware, CookieMiddleware, CsrfError, is_form
from inkling.web.templating import templates
from inkling.web.uploads import MULTIPART_OVERHEAD
from inkling.web.ws import rooms as rooms_ws

WEB_DIR = Path(__file__).parent
# request bodies larger than this on account routes get 413 before they are read
AUTH_BODY_LIMIT = 64 * 1024
# drawings: 1 MB holds any real doodle many times over (ink limits: inkling.ink.MAX_POINTS)
INK_BODY_LIMIT = 1024 * 1024
BODY_LIMITS = {
    "/api/v1/auth/": AUTH_BODY_LIMIT,
    "/login": AUTH_BODY_LIMIT,
    "/signup": AUTH_BODY_LIMIT,
    "/logout": AUTH_BODY_LIMIT,
    "/api/v1/doodles/": INK_BODY_LIMIT,
    "/api/v1/rounds/": INK_BODY_LIMIT,
    "/api/v1/games": AUTH_BODY_LIMIT,
    "/api/v1/drawings": INK_BODY_LIMIT,
    "/api/v1/rooms": AUTH_BODY_LIMIT,  # settings with a custom word list, a name
    "/rooms": AUTH_BODY_LIMIT,
    "/r/": AUTH_BODY_LIMIT,
}
BODY_LIMITS["/play"] = AUTH_BODY_LIMIT  # the category form
BODY_LIMITS["/admin"] = AUTH_BODY_LIMIT  # the console's forms
BODY_LIMITS["/api/v1/admin/"] = AUTH_BODY_LIMIT
BODY_LIMITS["/drawings/"] = AUTH_BODY_LIMIT  # the Report button
BODY_LIMITS["/api/v1/restore"] = 10 * 1024 * 1024 + 64 * 1024  # a 10 MB image plus the multipart envelope
BODY_LIMITS["/api/v1/jobs/restore"] = restore_jobs_api.MAX_CLIP_BYTES + MULTIPART_OVERHEAD  # a video clip

# the largest text body a route reads (a digit drawing as JSON): caps what the NUL guard buffers
TEXT_BODY_LIMIT = digits.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
BODY_LIMITS["/api/v1/digits/"] = TEXT_BODY_LIMIT  # bounds the CSRF check's form read too


async def _csrf_refused(request: Request, error: Exception) -> Response:
    """403 for a failed CSRF check: a page for form posts to pages, JSON for the API (forms too)."""
    message = getattr(error, "detail", CSRF_MESSAGE)
    if is_form(request) and not request.url.path.startswith("/api/"):
        return templates.TemplateResponse(
            request, "auth/forbidden.html", {"message": message}, status_code=403
        )
    return JSONResponse({"detail": message}, status_code=403)


def serving_pool(settings: Settings) -> PoolSize:
    """One database connection per request thread, a quarter more for bursts, a bounded wait."""
    return PoolSize(
        size=settings.threads, overflow=max(settings.threads // 4, 1), timeout_s=settings.db_pool_timeout
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Size the request thread pool to the settings (the database pool matches it)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threads
    app.state.restore_jobs.start()  # this process's video-restoration worker (jobs live in the database)
    yield
    await anyio.to_thread.run_sync(app.state.restore_jobs.stop, app.state.settings.shutdown_timeout)
    await app.state.rooms.close()  # the rooms' clock and broadcaster of this process


GC_THRESHOLDS = (10_000, 20, 20)  # a request allocates thousands of objects; the default 700 collects often


def create_serving_app() -> FastAPI:
    """The app as ``inkling serve`` runs it in each worker: ``create_app``, then a collector for a server.

    Everything built so far (modules, the app, its routes and models) lives as long as the process:
    ``gc.freeze`` takes it out of the collector's generations, so a full collection no longer walks it,
    and a higher first threshold makes collections rarer (they took ~6 % of a worker's CPU under a crowd).
    """
    app = create_app()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return app


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings``; it keeps no state beyond the database connection pool."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Inkling",
        version=inkling.__version__,
        description="Draw, and a model guesses. Doodle game, digits and VHS frame restoration.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    engine = engine_for(settings.database_url, serving_pool(settings))
    app.state.sessions = session_factory(engine)
    # one intra-op thread per request: faster than two on a small box under concurrent requests
    app.state.predictors = PredictorProvider(engine, threads=1)
    app.state.restore_predictors = PredictorProvider(engine)  # one big frame: all cores help
    app.state.restore_jobs = RestoreJobRunner(
        app.state.sessions, app.state.restore_predictors, settings.jobs_dir
    )
    app.state.rooms = RoomRuntime(
        app.state.sessions, app.state.predictors, broadcaster_for(settings.database_url), app.state
    )
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(NulGuardMiddleware, max_bytes=TEXT_BODY_LIMIT)  # inside the body limits
    app.add_middleware(BodyLimitMiddleware, limits=BODY_LIMITS)
    app.add_middleware(CookieMiddleware)
    app.add_exception_handler(CsrfError, _csrf_refused)
    add_outage_handlers(app)
    add_not_found_page(app)
    add_admin_refusal_page(app)
    app.include_router(health.router)
    app.include_router(auth_api.router)
    app.include_router(digits.router)
    app.include_router(captcha.router)
    app.include_router(doodles.router)
    app.include_router(games.router)
    app.include_router(rounds.router)
    app.include_router(leaderboard.router)
    app.include_router(analytics_api.router)
    app.include_router(words_api.router)
    app.include_router(models_api.router)
    app.include_router(drawings.router)
    app.include_router(home.router)
    app.include_router(game_pages.router)
    app.include_router(stats.router)
    app.include_router(words_page.router)
    app.include_router(playground.router)
    app.include_router(collect_page.router)
    app.include_router(digits_page.router)
    app.include_router(auth_pages.router)
    app.include_router(restore_api.router)
    app.include_router(restore_jobs_api.router)
    app.include_router(restore_page.router)
    app.include_router(rooms_api.router)
    app.include_router(rooms_ws.router)
    app.include_router(rooms_pages.router)
    app.include_router(admin_api.router)
    app.include_router(admin_pages.router)
    app.include_router(reports_api.router)
    app.include_router(reports.router)
    return app
