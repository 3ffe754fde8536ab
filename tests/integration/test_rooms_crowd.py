"""Rooms played whole against a real ``inkling serve``: SQLite in one process, PostgreSQL with
``--workers 2`` (players of one room land on either process; LISTEN/NOTIFY carries the messages).

Every player of every room sees every turn, every stroke update reaches the others, no error, and every
turn is stored with its drawing (see ``benchmarks/rooms_load.py``). No timing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
from pathlib import Path

import pytest
from benchmarks.rooms_load import audit, run
from benchmarks.serving import fresh_database, serve

from tests.conftest import POSTGRES_URL_ENV

ROOMS, PLAYERS = 4, 3


@pytest.mark.parametrize(
    ("kind", "workers"), [("sqlite", 1), pytest.param("postgresql", 2, marks=pytest.mark.postgres)]
)
def test_rooms_play_whole_games_across_workers(tmp_path: Path, kind: str, workers: int) -> None:
    postgres_url = os.environ.get(POSTGRES_URL_ENV)
    if kind == "postgresql" and not postgres_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    env = {
        "INKLING_ENVIRONMENT": "test",
        "INKLING_SECRET_KEY": secrets.token_hex(32),
        "INKLING_LOG_LEVEL": "warning",
        "INKLING_THREADS": "8",
    }
    args = argparse.Namespace(
        rooms=ROOMS, players=PLAYERS, draw_seconds=15, model=False, guess_after=[1.0, 2.0], slack=60
    )
    with fresh_database(kind, tmp_path, postgres_url or "") as url:
        with serve(url, tmp_path, workers=workers, env=env) as server:
            stats, _ = asyncio.run(run(server.url, args))
        checks = audit(url, ROOMS, stats, PLAYERS)
    assert dict(stats.errors) == {}
    assert checks == {
        "rooms finished": ROOMS,
        "turns stored": ROOMS * PLAYERS,
        "drawings stored": ROOMS * PLAYERS,
        "turns expected": ROOMS * PLAYERS,
        "lost turns": 0,
    }
    assert stats.ink_sent > 0 and len(stats.latencies_ms) >= stats.ink_sent  # two others got most updates
