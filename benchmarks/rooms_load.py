"""INKLING_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
    .venv/bin/python -m benchmarks.rooms_load --rooms 50 --players 5 --workers 2

Rooms under load: N rooms of P simulated players play a whole game (one round: every player draws
once) over the rooms' WebSocket against a real ``inkling serve --workers W`` on a fresh PostgreSQL
database (set up like ``make run``), so messages fan out across processes through LISTEN/NOTIFY.
Each drawer sends a stroke update every 100 ms (8 points) until the turn ends; the guessers send a
wrong guess, then the word, 4-10 s into the drawing (``--guess-after``). Measures the delivery latency
of strokes (the drawer's send to each other player's receipt, on one clock: this process), counts
errors (HTTP failures, error messages, connections lost) and audits the database afterwards: every
room finished, every turn stored with its drawing, and every player saw every turn (no lost turn).
The load generator shares the machine's cores with the server and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, func, select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from benchmarks.serving import fresh_database, serve
from inkling.db.engine import normalise_url
from inkling.db.models import Drawing
from inkling.db.room_models import Room, RoomTurn

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SEND_EVERY_S = 0.1  # the drawer's stroke updates (the room page sends at least this often)
POINTS_PER_UPDATE = 8
UPDATES_PER_STROKE = 20
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class Stats:
    """What the players saw."""

    latencies_ms: list[float] = field(default_factory=list)  # the drawer's send to a player's receipt
    server_ms: list[float] = field(default_factory=list)  # the server's receipt (rx) to its send (tx)
    sent: dict[tuple[str, int, float], float] = field(default_factory=dict)  # (room, stroke, t0) -> sent at
    ink_sent: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    turns_seen: dict[tuple[str, str], set[int]] = field(default_factory=dict)  # (room, player) -> turns
    finished: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Player:
    """One simulated player: a name, its own cookies, its seat."""

    name: str
    http: httpx.AsyncClient
    seat: int | None = None


@dataclass
class SimRoom:
    """A room and what its drawers told the others (the words, as friends in one room would)."""

    code: str
    players: list[Player]
    words: dict[int, str] = field(default_factory=dict)


async def _create_rooms(base: str, args: argparse.Namespace, stats: Stats) -> list[SimRoom]:
    """Each room's host creates it; the others join by its code (each a guest with its own cookies)."""
    gate = asyncio.Semaphore(16)
    settings = {"rounds": 1, "draw_seconds": args.draw_seconds, "model_plays": args.model, "private": True}

    async def one(index: int) -> SimRoom | None:
        players = [
            Player(f"p{index}-{n}", httpx.AsyncClient(base_url=base, timeout=30)) for n in range(args.players)
        ]
        async with gate:
            try:
                created = await players[0].http.post(
                    "/api/v1/rooms", json={**settings, "name": players[0].name}
                )
                created.raise_for_status()
                code = created.json()["code"]
                players[0].seat = (await players[0].http.get(f"/api/v1/rooms/{code}")).json()["you"]
                for player in players[1:]:
                    joined = await player.http.post(f"/api/v1/rooms/{code}/join", json={"name": player.name})
                    joined.raise_for_status()
                    player.seat = joined.json()["you"]
            except httpx.HTTPError as error:  # counted; the room is left out
                stats.errors[f"setup: {type(error).__name__}"] += 1
                return None
        return SimRoom(code, players)

    made = await asyncio.gather(*(one(i) for i in range(args.rooms)))
    return [room for room in made if room is not None]


async def _draw(ws: ClientConnection, room: SimRoom, turn: int, stats: Stats, drawing: asyncio.Event) -> None:
    """Stroke updates every 100 ms while ``drawing`` is set; (stroke, first time) is unique in the room."""
    update = 0
    while drawing.is_set():
        stroke, t0 = update // UPDATES_PER_STROKE, turn * 100_000 + update * 100
        points = [[random.uniform(0, 1000), random.uniform(0, 750), t0 + i] for i in range(POINTS_PER_UPDATE)]
        stats.sent[(room.code, stroke, float(t0))] = time.perf_counter()
        stats.ink_sent += 1
        await ws.send(json.dumps({"type": "ink", "stroke": stroke, "points": points}))
        update += 1
        await asyncio.sleep(SEND_EVERY_S)


async def _guess(ws: ClientConnection, room: SimRoom, turn: int, after_s: tuple[float, float]) -> None:
    await asyncio.sleep(random.uniform(*after_s))
    await ws.send(json.dumps({"type": "guess", "text": "a very wrong guess"}))
    await asyncio.sleep(0.3)
    word = room.words.get(turn)
    if word:
        await ws.send(json.dumps({"type": "guess", "text": word}))


async def _play(
    base: str,
    room: SimRoom,
    player: Player,
    stats: Stats,
    ready: asyncio.Barrier,
    guess_after: tuple[float, float],
) -> None:
    """Connect, wait for everyone, then play until the podium (choose, draw, guess as the turns come)."""
    cookie = f"inkling_session={player.http.cookies.get('inkling_session')}"
    url = base.replace("http://", "ws://") + f"/ws/rooms/{room.code}"
    seen = stats.turns_seen.setdefault((room.code, player.name), set())
    drawing = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    try:
        async with connect(url, additional_headers={"Cookie": cookie}, max_size=2**22) as ws:
            await ready.wait()
            handled: set[tuple[int, str]] = set()
            async for raw in ws:
                message = json.loads(raw)
                kind = message["type"]
                if kind == "ink":
                    sent = stats.sent.get((room.code, message["stroke"], float(message["points"][0][2])))
                    if sent is not None:
                        stats.latencies_ms.append((time.perf_counter() - sent) * 1000)
                    if "rx" in message and "tx" in message:
                        stats.server_ms.append(message["tx"] - message["rx"])
                elif kind == "error":
                    stats.errors[f"error message: {message['detail'][:40]}"] += 1
                elif kind == "snapshot":
                    phase, turn = message["phase"], message.get("turn") or {}
                    number, mine = turn.get("number", 0), turn.get("drawer") == player.seat
                    if phase != "drawing":
                        drawing.clear()
                    if phase == "finished":
                        stats.finished.add((room.code, player.name))
                        return
                    if (number, phase) in handled:
                        continue
                    handled.add((number, phase))
                    if phase == "choosing" and mine and turn.get("choices"):
                        await ws.send(json.dumps({"type": "choose", "index": 0}))
                    elif phase == "drawing":
                        seen.add(number)
                        if mine:
                            room.words[number] = turn["word"]
                            drawing.set()
                            tasks.append(asyncio.create_task(_draw(ws, room, number, stats, drawing)))
                        else:
                            tasks.append(asyncio.create_task(_guess(ws, room, number, guess_after)))
    except ConnectionClosed as error:
        code = error.rcvd.code if error.rcvd else error.sent.code if error.sent else None
        stats.errors[f"connection closed: {code} {error.rcvd.reason if error.rcvd else 'by us'}"] += 1
    except OSError as error:
        stats.errors[f"connection lost: {type(error).__name__}"] += 1
    finally:
        drawing.clear()
        for task in tasks:
            task.cancel()


async def _start(room: SimRoom, stats: Stats) -> None:
    # on a new connection: the set-up's keep-alive connection has idled while everyone connected
    cookies = {"inkling_session": room.players[0].http.cookies.get("inkling_session") or ""}
    async with httpx.AsyncClient(
        base_url=str(room.players[0].http.base_url), cookies=cookies, timeout=30
    ) as host:
        try:
            page = await host.get(f"/r/{room.code}")
            match = CSRF_META.search(page.text)
            token = match.group(1) if match else ""
            started = await host.post(f"/api/v1/rooms/{room.code}/start", headers={"X-CSRF-Token": token})
            if started.status_code != 204:
                stats.errors[f"start {started.status_code}"] += 1
        except httpx.HTTPError as error:
            stats.errors[f"start: {type(error).__name__}"] += 1


async def run(base: str, args: argparse.Namespace) -> tuple[Stats, float]:
    """Set the rooms up, connect every player, start every game, play to the end; the stats and wall time."""
    stats = Stats()
    rooms = await _create_rooms(base, args, stats)
    everyone = [(room, player) for room in rooms for player in room.players if player.seat is not None]
    ready = asyncio.Barrier(len(everyone) + 1)
    guess_after = tuple(args.guess_after)
    players = [
        asyncio.create_task(_play(base, room, player, stats, ready, guess_after)) for room, player in everyone
    ]
    await asyncio.wait_for(ready.wait(), 120)
    started = time.monotonic()
    await asyncio.gather(*(_start(room, stats) for room in rooms))
    per_turn = args.draw_seconds + 6 + 1
    budget = args.players * per_turn + 9 + args.slack
    _, pending = await asyncio.wait(players, timeout=budget)
    for task in pending:
        task.cancel()
        stats.errors["player still playing at the deadline"] += 1
    wall = time.monotonic() - started
    for room in rooms:
        for player in room.players:
            await player.http.aclose()
    return stats, wall


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` and its children so far, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    while pending:
        current = pending.pop()
        total += stats.get(current, (0, 0.0))[1]
        pending += [child for child, (parent, _) in stats.items() if parent == current]
    return total


def audit(database_url: str, wanted_rooms: int, stats: Stats, players: int) -> dict[str, int]:
    """Finished rooms, stored turns and drawings, and turns a player never saw drawn (of ``wanted_rooms``)."""
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as connection:
            finished = connection.scalar(
                select(func.count()).select_from(Room).where(Room.phase == "finished")
            )
            done = connection.scalar(
                select(func.count()).select_from(RoomTurn).where(RoomTurn.status == "done")
            )
            drawn = connection.scalar(
                select(func.count()).select_from(Drawing).where(Drawing.source == "room")
            )
    finally:
        engine.dispose()
    expected = set(range(1, players + 1))
    lost = sum(len(expected - seen) for seen in stats.turns_seen.values())
    return {
        "rooms finished": finished or 0,
        "turns stored": done or 0,
        "drawings stored": drawn or 0,
        "turns expected": wanted_rooms * players,
        "lost turns": lost,
    }


def _spread(values: list[float]) -> str:
    """``p50 / p95 / p99 / max`` in ms."""
    found = np.asarray(values or [float("nan")])
    p50, p95, p99 = np.percentile(found, [50, 95, 99])
    return f"{p50:.1f} / {p95:.1f} / {p99:.1f} / {found.max():.0f}"


def table(args: argparse.Namespace, stats: Stats, checks: dict[str, int], wall: float) -> str:
    """The Markdown row of this run."""
    header = (
        "| rooms x players | workers | turns stored / expected | strokes sent | deliveries "
        "| server in → out p50 / p95 / p99 / max (ms) | drawer → player p50 / p95 / p99 / max (ms) "
        "| errors | lost turns | wall |\n" + "|---" * 10 + "|"
    )
    stored = f"{checks['turns stored']} / {checks['turns expected']}"
    row = (
        f"| {args.rooms} x {args.players} | {args.workers} | {stored} | {stats.ink_sent} "
        f"| {len(stats.latencies_ms)} | {_spread(stats.server_ms)} | {_spread(stats.latencies_ms)} "
        f"| {sum(stats.errors.values())} | {checks['lost turns']} | {wall:.0f} s |"
    )
    return f"{header}\n{row}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--players", type=int, default=5, help="people per room (each draws once)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16, help="INKLING_THREADS of each worker")
    parser.add_argument("--draw-seconds", type=int, default=15)
    parser.add_argument(
        "--model", action="store_true", help="Inkling plays too (the model looks every 1.5 s)"
    )
    parser.add_argument(
        "--guess-after",
        type=float,
        nargs=2,
        default=[4.0, 10.0],
        metavar=("MIN", "MAX"),
        help="the guessers type the word at a random moment this many seconds into the drawing",
    )
    parser.add_argument("--slack", type=int, default=60, help="seconds allowed beyond the game's length")
    parser.add_argument("--postgres", default=os.environ.get("INKLING_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    args = parser.parse_args()
    env = {"INKLING_THREADS": str(args.threads), "INKLING_ROOM_CREATION_LIMIT": str(args.rooms + 10)}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp), args.postgres) as url:
        with serve(url, Path(tmp), workers=args.workers, env=env) as server:
            server_cpu, client_cpu = process_cpu_s(server.process.pid), time.process_time()
            stats, wall = asyncio.run(run(server.url, args))
            server_cpu = process_cpu_s(server.process.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
        if stats.errors:  # what the server said about them
            for log in Path(tmp).glob("serve-*.log"):
                print("".join(log.read_text(errors="replace").splitlines(keepends=True)[-40:]))
        checks = audit(url, args.rooms, stats, args.players)
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after"
    )
    print(table(args, stats, checks, wall))
    print(
        f"server CPU {server_cpu:.0f} s ({server_cpu / wall:.2f} cores, "
        f"{server_cpu / max(stats.ink_sent, 1) * 1000:.1f} ms per stroke update incl. everything else); "
        f"load generator CPU {client_cpu:.0f} s"
    )
    print(json.dumps({**checks, "errors": dict(stats.errors)}, indent=1))


if __name__ == "__main__":
    main()
