""".venv/bin/python benchmarks/guess_load.py --data-dir ../shared/data --clients 50 --seconds 30

Load check of ``POST /api/v1/doodles/guess``: starts a real ``inkling serve`` on a free port of 127.0.0.1
(fresh SQLite database with the shipped models), then 50 concurrent httpx async clients replay official
raw Quick, Draw! drawings stroke by stroke (each request sends the drawing's first k strokes, as the game
does after every stroke) for a bounded time and number of requests. Reports errors, client latency and
the server's own compute time (``elapsed_ms``) p50/p99, and requests per second, as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

INKLING = [sys.executable, "-m", "inkling"]
RAW = Path("quickdraw/quickdraw_raw_sample.ndjson.gz")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def start_server(workdir: Path, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """``inkling serve`` on a fresh database; returns the process and its base URL once healthy."""
    env = {**os.environ, "INKLING_DATABASE_URL": f"sqlite:///{workdir / 'inkling.db'}"}
    for command in (["db", "upgrade"], ["models", "load"]):
        subprocess.run([*INKLING, *command], env=env, check=True, cwd=workdir, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*INKLING, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/api/v1/health", timeout=1).raise_for_status()
            return process, url
        except httpx.HTTPError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.2)


async def client(
    http: httpx.AsyncClient, work: list[list[Any]], stop_at: float, budget: list[int], stats: dict[str, list]
) -> None:
    """Send this client's prefixes one after another (closed loop) until time or the budget runs out."""
    for ink in work:
        if time.monotonic() > stop_at or budget[0] <= 0:
            return
        budget[0] -= 1
        started = time.perf_counter()
        try:
            response = await http.post("/api/v1/doodles/guess", json={"ink": ink, "top": 5})
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                stats["errors"].append(f"{response.status_code}: {response.text[:120]}")
                continue
            stats["client"].append(took)
            stats["server"].append(response.json()["elapsed_ms"])
        except httpx.HTTPError as error:
            stats["errors"].append(f"{type(error).__name__}: {error}")


async def run(url: str, work: list[list[Any]], clients: int, seconds: float, limit: int) -> dict[str, Any]:
    """Warm up, then ``clients`` concurrent clients; returns the raw figures."""
    stats: dict[str, list] = {"client": [], "server": [], "errors": []}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        for ink in work[:20]:  # warm-up: model loaded, connections open
            (await http.post("/api/v1/doodles/guess", json={"ink": ink})).raise_for_status()
        shares = [work[i::clients] for i in range(clients)]
        budget = [limit]
        started = time.perf_counter()
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(client(http, share, stop_at, budget, stats) for share in shares))
        stats["wall_s"] = [time.perf_counter() - started]
    return stats


def main() -> None:
    """Parse arguments, run the load, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--workers", type=int, default=1, help="server worker processes (`inkling serve --workers`)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="stop sending after this long")
    parser.add_argument("--requests", type=int, default=20_000, help="stop after this many requests")
    parser.add_argument("--every", type=int, default=4, help="use every n-th raw sample drawing")
    args = parser.parse_args()
    work = prefixes(args.data_dir, args.every)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(Path(tmp), args.workers)
        try:
            stats = asyncio.run(run(url, work, args.clients, args.seconds, args.requests))
        finally:
            process.terminate()
            process.wait(timeout=10)
    done = len(stats["client"])
    client_ms, server_ms = np.array(stats["client"]), np.array(stats["server"])
    wall = stats["wall_s"][0]
    machine = platform.processor() or platform.machine()
    print(f"{done} requests of {len(work)} prefixes (every {args.every}th raw sample drawing), {wall:.1f} s")
    print(f"{os.cpu_count()} CPUs ({machine}); 1-minute load average before the run: {load_before:.1f}")
    print()
    print("| clients | requests | errors | req/s | client p50 | client p99 | server p50 | server p99 |")
    print("|--------:|---------:|-------:|------:|-----------:|-----------:|-----------:|-----------:|")
    print(
        f"| {args.clients} | {done} | {len(stats['errors'])} | {done / wall:.0f} "
        f"| {np.percentile(client_ms, 50):.1f} ms | {np.percentile(client_ms, 99):.1f} ms "
        f"| {np.percentile(server_ms, 50):.2f} ms | {np.percentile(server_ms, 99):.2f} ms |"
    )
    for error in stats["errors"][:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
