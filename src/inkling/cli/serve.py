"""``inkling serve``: run the web app."""

from __future__ import annotations

from typing import Any

import typer
import uvicorn

from inkling.settings import Settings, get_settings

WS_MAX_BYTES = 64 * 1024  # the largest WebSocket frame the server reads (rooms' messages: 16 KB)


SERVING_APP = "inkling.web.app:create_serving_app"  # the app factory each worker process calls


def proxy_options(forwarded_allow_ips: str) -> dict[str, Any]:
    """uvicorn's proxy options: believe ``X-Forwarded-For``/``-Proto`` only from the listed proxies.

    Empty (the default) trusts no one: the client address is the peer's, so a client cannot pick
    the address its rate limits count under by sending a header.
    """
    trusted = ",".join(part.strip() for part in forwarded_allow_ips.split(",") if part.strip())
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


def uvicorn_options(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int = 1,
    reload: bool = False,
    forwarded_allow_ips: str | None = None,
) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` for these options, settings filling in the rest."""
    trusted = settings.forwarded_allow_ips if forwarded_allow_ips is None else forwarded_allow_ips
    return {
        "factory": True,
        "host": host or settings.host,
        "port": port or settings.port,
        "workers": workers,
        "reload": reload,
        "log_level": settings.log_level,
        "timeout_graceful_shutdown": settings.shutdown_timeout,
        # rooms' WebSockets: a frame over 64 KB closes the connection (1009) before it is buffered, and the
        # small, frequent messages go uncompressed (deflating each cost more CPU than it saved bytes)
        "ws_max_size": WS_MAX_BYTES,
        "ws_per_message_deflate": False,
        **proxy_options(trusted),
    }


def serve(
    host: str | None = typer.Option(None, help="Bind address (default INKLING_HOST, 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default INKLING_PORT, 8000)."),
    workers: int = typer.Option(
        1, min=1, help="Worker processes; the app keeps no state, so any number works."
    ),
    reload: bool = typer.Option(False, help="Restart on code changes (development)."),
    forwarded_allow_ips: str | None = typer.Option(
        None,
        "--forwarded-allow-ips",
        metavar="IPS",
        help="Believe X-Forwarded-For/-Proto from these reverse proxies (comma-separated addresses or "
        "networks; default INKLING_FORWARDED_ALLOW_IPS, none).",
    ),
) -> None:
    """Serve the Inkling web app (run `inkling db upgrade` first)."""
    options = uvicorn_options(
        get_settings(),
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    uvicorn.run(SERVING_APP, **options)
