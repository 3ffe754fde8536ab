"""Server CPU per request of the live-ink call and of the bare stack, this code against another revision.

    INKLING_DATA_DIR=../shared/data .venv/bin/python -m benchmarks.route_cost --baseline-rev 57799da

One ``inkling serve`` process (``--workers 1``) on a fresh PostgreSQL database; ``--clients`` keep-alive
clients send ``--requests`` requests in all to each route, one in flight per client: ``GET
/api/v1/health`` (the floor: uvicorn, FastAPI and the middleware), the live-ink call with an empty
canvas (session, round, answer: no model) and with a real two-stroke drawing (plus the ink pipeline and
the model). The figure is the server processes' CPU time per request (from ``/proc``), which a busy
machine disturbs much less than latency; the two revisions run one after the other, twice, in
alternation.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.light_http import LightClient
from benchmarks.serving import Server, fresh_database, serve, source_tree

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
Setup = Callable[[LightClient], Awaitable[tuple[dict[str, str], str]]]


async def _new_round(client: LightClient) -> tuple[dict[str, str], str]:
    """A guest's game and its first round: the CSRF header and the round's ink path."""
    guest = await client.request("POST", "/api/v1/auth/guest")
    headers = {"X-CSRF-Token": guest.json()["csrf_token"]}  # as benchmarks.crowd's players do
    game = await client.request("POST", "/api/v1/games", json={}, headers=headers)
    shown = await client.request("POST", f"/api/v1/games/{game.json()['id']}/rounds", headers=headers)
    return headers, f"/api/v1/rounds/{shown.json()['id']}/ink"


async def _health(_client: LightClient) -> tuple[dict[str, str], str]:
    return {}, "/api/v1/health"


async def _hammer(url: str, setup: Setup, body: Any, requests: int, clients: int) -> None:
    """``requests`` requests over ``clients`` connections, one in flight on each; any error fails."""
    connections = [LightClient(url) for _ in range(clients)]
    targets = [await setup(c) for c in connections]
    method = "GET" if body is None else "POST"

    async def client_loop(client: LightClient, target: tuple[dict[str, str], str]) -> None:
        headers, path = target
        for _ in range(requests // clients):
            answer = await client.request(method, path, json=body, headers=headers)
            if answer.status_code >= 400:
                raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:200]}")

    await asyncio.gather(*(client_loop(c, t) for c, t in zip(connections, targets, strict=True)))
    for client in connections:
        await client.aclose()


Cases = dict[str, tuple[Setup, Any]]  # label -> (per-client set-up, JSON body; None: GET)


def measure(server: Server, cases: Cases, requests: int, clients: int) -> dict[str, float]:
    """Server CPU ms per request of each case."""
    figures = {}
    for label, (setup, body) in cases.items():
        before = server.cpu_s()
        asyncio.run(_hammer(server.url, setup, body, requests, clients))
        figures[label] = (server.cpu_s() - before) * 1000 / requests
    return figures


def run_revision(source: Path | None, args: argparse.Namespace, cases: Cases) -> dict[str, float]:
    """Serve ``source`` (None: this tree) on a fresh database and measure every case."""
    env = {
        "INKLING_SECRET_KEY": os.urandom(32).hex(),
        "INKLING_CAPTCHA_REQUIRED": "false",
        "INKLING_LOG_LEVEL": "warning",
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with (
            fresh_database("postgresql", workdir, args.postgres_url) as url,
            serve(url, workdir, workers=1, source=source, env=env) as server,
        ):
            measure(server, cases, args.clients * 5, args.clients)  # warm-up: models loaded, caches filled
            figures = measure(server, cases, args.requests, args.clients)
            server.stop()
    return figures


def main() -> None:
    """Measure both revisions in alternation and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-rev", required=True, help="git revision to compare with")
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("INKLING_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    args = parser.parse_args()
    with gzip.open(args.data_dir / "quickdraw" / "quickdraw_raw_sample.ndjson.gz", "rt") as lines:
        two_strokes = json.loads(lines.readline())["drawing"][:2]
    cases: Cases = {
        "GET /api/v1/health": (_health, None),
        "live ink, empty canvas": (_new_round, {"ink": []}),
        "live ink, a two-stroke drawing": (_new_round, {"ink": two_strokes}),
    }
    results: dict[str, list[dict]] = {"baseline": [], "this tree": []}
    started = time.monotonic()
    with source_tree(args.baseline_rev) as baseline:
        for _ in range(args.repeats):
            results["baseline"].append(run_revision(baseline, args, cases))
            results["this tree"].append(run_revision(None, args, cases))
    load = os.getloadavg()[0]
    print(
        f"\n{args.requests} requests a case, {args.clients} clients, {args.repeats} alternated runs each; "
        f"{time.monotonic() - started:.0f} s; 1-minute load average at the end {load:.1f}\n"
    )
    print(f"| route | {args.baseline_rev} CPU ms/request | this tree | ratio |")
    print("|---|---:|---:|---:|")
    for label in cases:
        old = min(run[label] for run in results["baseline"])
        new = min(run[label] for run in results["this tree"])
        print(f"| {label} | {old:.2f} | {new:.2f} | {old / new:.2f}x |")


if __name__ == "__main__":
    main()
