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

The clients are asyncio streams speaking plain HTTP/1.1 on keep-alive connections (about 0.1 ms of CPU
per request, where httpx took about 5): on a small machine the load generator shares the cores with the
server, and a heavy client would measure itself.
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


class Connection:
    """One keep-alive HTTP/1.1 connection that posts JSON and reads the answer."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """Status code and body of ``POST path`` with a JSON ``body`` (reconnects when closed)."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(b":", 1) for line in lines[1:] if b":" in line)
        length = int(headers.get(b"content-length", headers.get(b"Content-Length", b"0")))
        answer = await self.reader.readexactly(length)
        if headers.get(b"connection", b"").strip().lower() == b"close":
            self.close()
        return status, answer

    def close(self) -> None:
        """Close the connection (the next ``post`` opens a new one)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def client(
    connection: Connection, work: list[bytes], stop_at: float, budget: list[int], stats: Stats
) -> None:
    """Send this client's requests one after another (closed loop) until time or the budget runs out."""
    for body in cycle(work):
        if time.monotonic() > stop_at or budget[0] <= 0:
            return
        budget[0] -= 1
        started = time.perf_counter()
        try:
            status, answer = await connection.post(ROUTE, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            stats.errors.append(f"{type(error).__name__}: {error}")
            connection.close()
            continue
        took = (time.perf_counter() - started) * 1000
        if status != 200:
            stats.errors.append(f"{status}: {answer[:120]!r}")
            continue
        stats.client.append(took)
        stats.server.append(json.loads(answer)["elapsed_ms"])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its waited-for children (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


async def run(url: str, pid: int, work: list[bytes], clients: int, seconds: float, limit: int) -> Stats:
    """Warm up, then ``clients`` concurrent clients; returns the raw figures."""
    host, port = url.removeprefix("http://").split(":")
    connections = [Connection(host, int(port)) for _ in range(clients)]
    warm_up = [(connections[0], body) for body in work[:WARM_UP]] + [(c, work[0]) for c in connections]
    for connection, body in warm_up:  # the model loaded and every connection open
        status, answer = await connection.post(ROUTE, body)
        if status != 200:
            raise RuntimeError(f"warm-up request failed: {status} {answer[:200]!r}")
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
        connection.close()
    return stats


def load(args: argparse.Namespace, work: list[bytes], source: Path | None) -> Stats:
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
    work = [json.dumps({"ink": ink, "top": 5}).encode() for ink in prefixes(args.data_dir, args.every)]
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
