"""A class of 30 plays at once against a real ``inkling serve``: no error, no hang, no lost round.

Each player goes through the whole flow (guest or log-in, a game of six rounds replaying real Quick,
Draw! raw drawings with the game page's cadence, results): see ``benchmarks/crowd.py``. SQLite runs in
one process, PostgreSQL with ``--workers 2``. No timing is asserted, only a bound on the whole run.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

import httpx
import pytest
from benchmarks.crowd import Drawings, audit, run_crowd, sign_up
from benchmarks.serving import fresh_database, serve

from tests.conftest import POSTGRES_URL_ENV

PLAYERS = 30
ROUNDS = 6
PACE = 3.0  # drawings replayed three times as fast keep the run short; the ink is still sent every 250 ms
RUN_LIMIT_S = 300  # a hang fails the test instead of stalling CI


@pytest.mark.parametrize(
    ("kind", "workers"), [("sqlite", 1), pytest.param("postgresql", 2, marks=pytest.mark.postgres)]
)
def test_thirty_players_play_whole_games_at_once(
    data_dir: Path, tmp_path: Path, kind: str, workers: int
) -> None:
    """Every player finishes, no request fails, every acknowledged round is stored with its ink."""
    postgres_url = os.environ.get(POSTGRES_URL_ENV)
    if kind == "postgresql" and not postgres_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    drawings = Drawings.load(data_dir)
    env = {
        "INKLING_ENVIRONMENT": "test",
        "INKLING_SECRET_KEY": secrets.token_hex(32),
        "INKLING_CAPTCHA_REQUIRED": "false",
        "INKLING_LOG_LEVEL": "warning",
    }
    with fresh_database(kind, tmp_path, postgres_url or "") as url:
        with serve(url, tmp_path, workers=workers, env=env) as server:
            accounts = asyncio.run(sign_up(server.url, PLAYERS // 3, seed=1))
            crowd = run_crowd(server.url, drawings, PLAYERS, accounts=accounts, rounds=ROUNDS, pace=PACE)
            stats, _ = asyncio.run(asyncio.wait_for(crowd, RUN_LIMIT_S))
            assert httpx.get(f"{server.url}/api/v1/health", timeout=10).status_code == 200
            server.stop(grace_s=30)
        checked = audit(url, stats)
    assert dict(stats.errors) == {}, stats.error_samples
    assert stats.players_done == PLAYERS
    assert checked.acknowledged == PLAYERS * ROUNDS
    assert checked.missing == []
    assert checked.open_rounds == 0
    assert not server.killed
