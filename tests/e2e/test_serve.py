"""What `make run` does, on a real server process: migrate, load words, serve pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.live import live_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A real `inkling serve` on a free port, on a fresh SQLite database set up like `make run`."""
    with live_server(tmp_path, setup=(("db", "upgrade"), ("words", "load"))) as base_url:
        yield base_url


def test_a_fresh_server_serves_the_home_page_with_words(server: str) -> None:
    health = httpx.get(f"{server}/api/v1/health").json()
    assert health["words"] >= 10
    page = httpx.get(f"{server}/")
    assert page.status_code == 200
    assert "Draw it. The machine guesses." in page.text
