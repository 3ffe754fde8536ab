""".venv/bin/python -m benchmarks.guess_load --data-dir ../shared/data --seconds 30 [--baseline-rev 57799da]

Load check of ``POST /api/v1/doodles/guess``: starts a real ``inkling serve`` on a free port of 127.0.0.1
(fresh SQLite database with the shipped models), then 50 concurrent clients replay official raw Quick,
Draw! drawings stroke by stroke (each request sends the drawing's first k strokes, as the game does after
every stroke) for a bounded time and number of requests. Reports errors, client latency and the server's
own compute time (``elapsed_ms``) p50/p99, requests per second and the server's CPU time per request, as
Markdown. ``--baseline-rev REV`` first runs the same load against a server of git revision ``REV``
(its ``src`` extracted with ``git archive``, first on ``PYTHONPATH``), then against this tree, and
prints both and their ratios; ``--rounds N`` alternates the two N times (on a shared machine the
load of others moves every figure) and compares the medians.

The clients speak plain HTTP/1.1 on keep-alive connections (``benchmarks.light_http``, about 0.1 ms of
CPU per request, where httpx took about 5): on a small machine the load generator shares the cores with
the server, and a heavy client would measure itself.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script (benchmarks/guess_load.py): make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.light_http import LightClient, NoAnswer
from benchmarks.serving import serve, source_tree

RAW = Path("quickdraw/quickdraw_raw_sample.ndjson.gz")
ROUTE = "/api/v1/doodles/guess"
WARM_UP = 20  # requests before the clock starts (then one more on each connection)


def prefixes(data_dir: Path, every: int) -> list[list[Any]]:
    """Stroke prefixes (1..n strokes) of every ``every``-th raw sample drawing, drawing by drawing."""
    requests = []
    with gzip.open(data_dir / RAW, "rt", encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if index % every:
                continue
            drawing = json.loads(line)["drawing"]
            requests.extend(drawing[:k] for k in range(1, len(drawing) + 1))
    return requests


@dataclass
class Stats:
    """What the clients saw: latencies (ms), the server's ``elapsed_ms``, errors, and the wall time."""

    client: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0  # the server process's CPU time during the run


async def client(
    connection: LightClient, work: list[dict[str, Any]], stop_at: float, budget: list[int], stats: Stats
) -> None:
    """Send this client's requests one after another (closed loop) until time or the budget runs out."""
    for body in cycle(work):
        if time.monotonic() > stop_at or budget[0] <= 0:
            return
        budget[0] -= 1
        started = time.perf_counter()
        try:
            answer = await connection.request("POST", ROUTE, json=body)
        except NoAnswer as error:
            stats.errors.append(str(error))
            continue
        took = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            stats.errors.append(f"{answer.status_code}: {answer.text[:120]}")
            continue
        stats.client.append(took)
        stats.server.append(answer.json()["elapsed_ms"])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its waited-for children (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


async def run(
    url: str, pid: int, work: list[dict[str, Any]], clients: int, seconds: float, limit: int
) -> Stats:
    """Warm up, then ``clients`` concurrent clients; returns the raw figures."""
    connections = [LightClient(url) for _ in range(clients)]
    warm_up = [(connections[0], body) for body in work[:WARM_UP]] + [(c, work[0]) for c in connections]
    for connection, body in warm_up:  # the model loaded and every connection open
        answer = await connection.request("POST", ROUTE, json=body)
        if answer.status_code != 200:
            raise RuntimeError(f"warm-up request failed: {answer.status_code} {answer.text[:200]}")
    stats = Stats()
    shares = [work[i::clients] for i in range(clients)]
    budget = [limit]
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    stop_at = time.monotonic() + seconds
    await asyncio.gather(
        *(client(c, s, stop_at, budget, stats) for c, s in zip(connections, shares, strict=True))
    )
    stats.wall_s = time.perf_counter() - started
    stats.cpu_s = cpu_seconds(pid) - cpu_before
    for connection in connections:
        await connection.aclose()
    return stats


def load(args: argparse.Namespace, work: list[dict[str, Any]], source: Path | None) -> Stats:
    """Serve ``source`` (this tree when ``None``) on a fresh database and put the load on it."""
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{Path(tmp) / 'inkling.db'}"
        with serve(database, Path(tmp), workers=args.workers, source=source) as server:
            return asyncio.run(
                run(server.url, server.process.pid, work, args.clients, args.seconds, args.requests)
            )


def requests_per_second(stats: Stats) -> float:
    """Answered requests per second of wall time."""
    return len(stats.client) / stats.wall_s


def cpu_per_request(stats: Stats) -> float:
    """Server CPU seconds per answered request."""
    return stats.cpu_s / max(len(stats.client), 1)


def client_p50(stats: Stats) -> float:
    """Median client latency, ms."""
    return float(np.percentile(stats.client, 50))


def client_p99(stats: Stats) -> float:
    """99th percentile of client latency, ms."""
    return float(np.percentile(stats.client, 99))


def median_of(runs: list[tuple[str, Stats]], figure: Callable[[Stats], float]) -> float:
    """The median of ``figure`` over ``runs``."""
    return float(np.median([figure(stats) for _, stats in runs]))


def row(name: str, clients: int, stats: Stats) -> str:
    """One Markdown table row of figures."""
    done = len(stats.client)
    server_ms = np.array(stats.server)
    return (
        f"| {name} | {clients} | {done} | {len(stats.errors)} | {requests_per_second(stats):.0f} "
        f"| {cpu_per_request(stats) * 1000:.2f} ms "
        f"| {client_p50(stats):.1f} ms | {client_p99(stats):.1f} ms "
        f"| {np.percentile(server_ms, 50):.2f} ms | {np.percentile(server_ms, 99):.2f} ms |"
    )


def main() -> None:
    """Parse arguments, run the load (on the baseline first, if asked), print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--workers", type=int, default=1, help="server worker processes (`inkling serve --workers`)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="stop sending after this long")
    parser.add_argument("--requests", type=int, default=50_000, help="stop after this many requests")
    parser.add_argument("--every", type=int, default=4, help="use every n-th raw sample drawing")
    parser.add_argument("--baseline-rev", help="also load a server of this git revision first, and compare")
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --baseline-rev: alternate the two N times"
    )
    args = parser.parse_args()
    work = [{"ink": ink, "top": 5} for ink in prefixes(args.data_dir, args.every)]
    load_before = os.getloadavg()[0]
    results: list[tuple[str, Stats]] = []
    if args.baseline_rev:
        with source_tree(args.baseline_rev) as old_source:
            for _ in range(args.rounds):
                results.append((f"baseline {args.baseline_rev}", load(args, work, old_source)))
                results.append(("this tree", load(args, work, None)))
    else:
        results.append(("this tree", load(args, work, None)))
    machine = platform.processor() or platform.machine()
    print(f"{len(work)} prefixes (every {args.every}th raw sample drawing), {args.seconds:.0f} s per server")
    print(f"{os.cpu_count()} CPUs ({machine}); 1-minute load average before the run: {load_before:.1f}")
    print()
    print(
        "| server | clients | requests | errors | req/s | server CPU per request "
        "| client p50 | client p99 | server p50 | server p99 |"
    )
    print(
        "|---|--------:|---------:|-------:|------:|---:|-----------:|-----------:|-----------:|-----------:|"
    )
    for name, stats in results:
        print(row(name, args.clients, stats))
    if args.baseline_rev:
        old, new = results[0::2], results[1::2]
        rate = median_of(new, requests_per_second) / median_of(old, requests_per_second)
        p50 = median_of(old, client_p50) / median_of(new, client_p50)
        p99 = median_of(old, client_p99) / median_of(new, client_p99)
        cpu = median_of(old, cpu_per_request) / median_of(new, cpu_per_request)
        medians = f"medians of {args.rounds} runs each" if args.rounds > 1 else "one run each"
        print(
            f"\nthis tree vs baseline ({medians}): {rate:.2f}x guesses per second; "
            f"client p50 {p50:.2f}x and p99 {p99:.2f}x lower; {cpu:.2f}x less server CPU per request"
        )
    for _, stats in results:
        for error in stats.errors[:5]:
            print("error:", error)


if __name__ == "__main__":
    main()
