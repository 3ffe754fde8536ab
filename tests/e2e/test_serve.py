"""What `make run` does, on a real server process: migrate, load words, serve pages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

INKLING = [sys.executable, "-m", "inkling"]
STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A real `inkling serve` on a free port, on a fresh SQLite database set up like `make run`."""
    env = {**os.environ, "INKLING_DATABASE_URL": f"sqlite:///{tmp_path / 'inkling.db'}"}
    subprocess.run([*INKLING, "db", "upgrade"], env=env, check=True, cwd=tmp_path)
    subprocess.run([*INKLING, "words", "load"], env=env, check=True, cwd=tmp_path)
    port = _free_port()
    process = subprocess.Popen([*INKLING, "serve", "--port", str(port)], env=env, cwd=tmp_path)
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


def test_a_fresh_server_serves_the_home_page_with_words(server: str) -> None:
    health = httpx.get(f"{server}/api/v1/health").json()
    assert health["words"] >= 10
    page = httpx.get(f"{server}/")
    assert page.status_code == 200
    assert "Draw it. The machine guesses." in page.text
