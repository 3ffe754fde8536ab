"""``inkling serve``: run the web app."""

from __future__ import annotations

import typer
import uvicorn

from inkling.settings import get_settings


def serve(
    host: str | None = typer.Option(None, help="Bind address (default INKLING_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default INKLING_PORT, 8000)."),
    workers: int = typer.Option(
        1, min=1, help="Worker processes; the app keeps no state, so any number works."
    ),
    reload: bool = typer.Option(False, help="Restart on code changes (development)."),
) -> None:
    """Serve the Inkling web app (run `inkling db upgrade` first)."""
    settings = get_settings()
    uvicorn.run(
        "inkling.web.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level,
        timeout_graceful_shutdown=settings.shutdown_timeout,
    )
