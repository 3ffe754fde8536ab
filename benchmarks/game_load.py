""".venv/bin/python -m benchmarks.game_load --db postgresql --workers 2 --players 20,50,100,200

A classroom (or a school) playing at once: N simulated players go through the whole game flow against a
real ``inkling serve`` (fresh database set up like ``make run``): half log in to accounts made before the
run, half play as guests; each starts a game of six rounds and replays, for each round's word, a real
Quick, Draw! raw drawing from the mirror (``INKLING_DATA_DIR``) at its recorded pace, sending the ink
like the game page (after every stroke and every 250 ms while drawing, one request in flight), then
opens the results (see ``benchmarks/crowd.py``). Reports client-side p50/p95/p99 per route, errors by
status, throughput, whether the server still answered and stopped in time afterwards, and a database
audit: every round the server acknowledged closed must be stored, closed, with its complete ink.
``--source-rev REV`` serves the code of another git revision instead (the "before" figures).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from benchmarks.crowd import Audit, Drawings, Stats, audit, run_crowd, sign_up
from benchmarks.serving import fresh_database, serve, source_tree

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
INK_ROUTE = "POST /api/v1/rounds/{id}/ink"
FINISH_ROUTE = "POST /api/v1/rounds/{id}/finish"


@dataclass
class Outcome:
    """One crowd run: its figures and what happened to the server."""

    players: int
    stats: Stats
    wall_s: float
    audit: Audit
    healthy_after: bool
    stop_s: float
    killed: bool
    client_cpu_ms: float  # the load generator's own CPU per request (it shares the machine's cores)
    server_cpu_ms: float  # the server processes' CPU per request (all routes, workers included)
    load_before: float  # the machine's 1-minute load average when the run started


def percentiles(values: list[float]) -> str:
    """``p50 / p95 / p99`` of ``values`` in ms ("-" when there are none)."""
    if not values:
        return "-"
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return f"{p50:.0f} / {p95:.0f} / {p99:.0f}"


def run_once(args: argparse.Namespace, drawings: Drawings, players: int, source: Path | None) -> Outcome:
    """Set up a fresh database, serve it, sign the account holders up, run the crowd, stop, audit."""
    load_before = os.getloadavg()[0]
    env = {
        "INKLING_ENVIRONMENT": "development",  # real argon2 costs on log-in, as in production
        "INKLING_SECRET_KEY": os.urandom(32).hex(),
        "INKLING_CAPTCHA_REQUIRED": "false",  # the accounts are made by the script before the run
        "INKLING_LOG_LEVEL": "warning",
    }
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.db, Path(tmp), args.postgres_url) as url:
        with serve(url, Path(tmp), workers=args.workers, source=source, env=env) as server:
            accounts = asyncio.run(sign_up(server.url, int(players * args.account_share), seed=players))
            cpu_before, server_cpu_before = time.process_time(), server.cpu_s()
            stats, wall = asyncio.run(
                run_crowd(
                    server.url,
                    drawings,
                    players,
                    accounts=accounts,
                    rounds=args.rounds,
                    pace=args.pace,
                    stagger_s=args.stagger,
                    timeout_s=args.timeout,
                )
            )
            client_cpu_ms = (time.process_time() - cpu_before) * 1000 / max(stats.requests, 1)
            server_cpu_ms = (server.cpu_s() - server_cpu_before) * 1000 / max(stats.requests, 1)
            try:
                healthy = httpx.get(f"{server.url}/api/v1/health", timeout=10).status_code == 200
            except httpx.HTTPError:
                healthy = False
            server.stop(grace_s=60)
        checked = audit(url, stats)
    stopped = server.stop_seconds or 0.0
    cpu = (client_cpu_ms, server_cpu_ms)
    return Outcome(players, stats, wall, checked, healthy, stopped, server.killed, *cpu, load_before)


def report(args: argparse.Namespace, outcomes: list[Outcome]) -> None:
    """Print the Markdown tables."""
    machine = platform.processor() or platform.machine()
    label = f"{args.db}, --workers {args.workers}" + (
        f", code of {args.source_rev}" if args.source_rev else ""
    )
    load = ", ".join(f"{o.load_before:.1f}" for o in outcomes)
    print(f"\n{label}; {os.cpu_count()} CPUs ({machine}); pace x{args.pace:g}; {args.rounds} rounds a game")
    print(f"1-minute load average before each run: {load}\n")
    print(
        "| players | done | requests | req/s | errors (by status) | rounds acknowledged | stored with ink "
        "| lost | ink p50/p95/p99 ms | finish p50/p95/p99 ms | health after | stop s | server CPU/req "
        "| client CPU/req |"
    )
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for o in outcomes:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(o.stats.errors.items())) or "0"
        rate = o.stats.requests / o.wall_s
        latency = o.stats.latency_ms
        stopped = f"{o.stop_s:.1f}{' (killed)' if o.killed else ''}"
        print(
            f"| {o.players} | {o.stats.players_done} | {o.stats.requests} | {rate:.0f} | {errors} "
            f"| {o.audit.acknowledged} | {o.audit.stored} | {len(o.audit.missing)} "
            f"| {percentiles(latency[INK_ROUTE])} | {percentiles(latency[FINISH_ROUTE])} "
            f"| {'yes' if o.healthy_after else 'NO'} | {stopped} | {o.server_cpu_ms:.2f} ms "
            f"| {o.client_cpu_ms:.2f} ms |"
        )
    for o in outcomes:
        print(f"\n{o.players} players, client latency per route (ms):\n")
        print("| route | requests | p50 / p95 / p99 |")
        print("|---|---:|---:|")
        for route, values in sorted(o.stats.latency_ms.items()):
            print(f"| `{route}` | {len(values)} | {percentiles(values)} |")
        for sample in o.stats.error_samples[:5]:
            print(f"\nerror sample: {sample}")


def main() -> None:
    """Parse arguments, run one crowd per player count, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="`inkling serve --workers`")
    parser.add_argument("--players", default="20,50", help="comma-separated crowd sizes, one run each")
    parser.add_argument("--rounds", type=int, default=6, help="rounds each player plays")
    parser.add_argument("--pace", type=float, default=1.0, help="replay speed (1 = the recorded pace)")
    parser.add_argument("--stagger", type=float, default=10.0, help="players arrive over this many seconds")
    parser.add_argument("--account-share", type=float, default=0.5, help="share of players who log in")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (s)")
    parser.add_argument("--source-rev", default=None, help="serve this git revision's code instead")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("INKLING_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    args = parser.parse_args()
    drawings = Drawings.load(args.data_dir)
    outcomes = []
    with source_tree(args.source_rev) as source:
        for players in (int(n) for n in args.players.split(",")):
            outcomes.append(run_once(args, drawings, players, source))
            print(f"done: {players} players", flush=True)
    report(args, outcomes)


if __name__ == "__main__":
    main()
