"""A real `inkling serve` on a free port for browser and server tests, and how to start Chromium."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

INKLING = [sys.executable, "-m", "inkling"]
STARTUP_SECONDS = 30  # how long a server may take to answer its health check
MAKE_RUN_SETUP = (("db", "upgrade"), ("words", "load"), ("models", "load"))  # what `make run` does first
CHROMIUM = os.environ.get("INKLING_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def watch_console(page: Any) -> list[str]:
    """A list that collects the page's console errors and uncaught exceptions as they happen."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_test_env() -> dict[str, str]:
    """Variables of a server in the test environment, with its own random secret."""
    return {"INKLING_ENVIRONMENT": "test", "INKLING_SECRET_KEY": secrets.token_hex(32)}


@contextmanager
def live_server(
    workdir: Path,
    *,
    setup: Sequence[Sequence[str]] = MAKE_RUN_SETUP,
    env: dict[str, str] | None = None,
    serve_args: Sequence[str] = (),
) -> Iterator[str]:
    """Run the ``setup`` commands on a fresh SQLite file in ``workdir``, serve it, yield the base URL.

    ``serve_args`` go to ``inkling serve`` after its host and port.
    """
    variables = {**os.environ, "INKLING_DATABASE_URL": f"sqlite:///{workdir / 'inkling.db'}", **(env or {})}
    for args in setup:
        subprocess.run([*INKLING, *args], env=variables, check=True, cwd=workdir, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*INKLING, "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args],
        env=variables,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                httpx.get(f"{base_url}/api/v1/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
