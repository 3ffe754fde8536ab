"""A crowd of simulated players going through the whole game flow against a real server, and an audit.

Each player does what a person in a classroom does: opens the pick page, plays as a guest or logs in,
starts a game of six rounds and, for each round's word, replays a real Quick, Draw! raw drawing of
that word at its recorded pace, sending the ink the way the game page does (after every stroke and
every 250 ms while the pen is down, never two requests in flight), moves on a moment after the model
names the word or the drawing is done, and finally opens the results. Every round the server
acknowledged closed (a 200 to ``finish``, or an ink answer that says ``closed``) is remembered with
the exact ink it closed with, so :func:`audit` can check afterwards that the database holds every
one of them, with its complete ink. Used by ``benchmarks/game_load.py`` and the crowd test in CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import bindparam, create_engine, text

from benchmarks.light_http import Answer, LightClient, NoAnswer
from inkling.db.engine import normalise_url

RAW_SAMPLES = (
    Path("quickdraw/quickdraw_raw_sample.ndjson.gz"),
    Path("quickdraw_extra/quickdraw_strokes_more_raw.ndjson.gz"),
)
SEND_EVERY_MS = 250  # the game page sends the ink this often while the pen is down
ROUND_LIMIT_MS = 20_000  # the round's clock: a drawing longer than this is cut off
LOOK_MS = 1_000  # how long a player looks at the answer before pressing Next
PASSWORD = "correct horse battery staple"
Ink = list[list[list[float]]]


@dataclass
class Drawings:
    """Real raw drawings by word, to replay when the server asks for that word."""

    by_word: dict[str, list[Ink]]

    @classmethod
    def load(cls, data_dir: Path) -> Drawings:
        """Every raw drawing of the mirror's raw files, grouped by word."""
        by_word: dict[str, list[Ink]] = defaultdict(list)
        for name in RAW_SAMPLES:
            path = data_dir / name
            if not path.exists():
                continue
            with gzip.open(path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    by_word[record["word"]].append(record["drawing"])
        if not by_word:
            raise FileNotFoundError(f"no raw Quick, Draw! drawings under {data_dir}")
        return cls(dict(by_word))

    def pick(self, word: str, rng: random.Random) -> Ink:
        """A drawing of ``word`` (any drawing when the mirror has none of it)."""
        pool = self.by_word.get(word) or self.by_word[rng.choice(sorted(self.by_word))]
        return rng.choice(pool)


def ink_at(drawing: Ink, t_ms: float) -> Ink:
    """The part of a raw drawing drawn by ``t_ms`` (strokes cut at that time), as the canvas holds it."""
    ink = []
    for xs, ys, ts in drawing:
        if ts[0] > t_ms:
            break
        n = sum(1 for t in ts if t <= t_ms)
        ink.append([xs[:n], ys[:n], ts[:n]])
    return ink


def send_times(drawing: Ink, every_ms: float = SEND_EVERY_MS) -> list[float]:
    """When the game page sends, in the drawing's time: every ``every_ms`` of a stroke, and at its end.

    The page ticks every 250 ms of its own clock, so a drawing replayed ``pace`` times faster is sent
    every ``250 * pace`` ms of the drawing's time.
    """
    times: list[float] = []
    for _xs, _ys, ts in drawing:
        start, end = ts[0], ts[-1]
        tick = start + every_ms
        while tick < end:
            times.append(tick)
            tick += every_ms
        times.append(end)
    return sorted(t for t in times if t <= ROUND_LIMIT_MS)


@dataclass
class Stats:
    """Client-side figures of a crowd run: latency per route, errors, acknowledged rounds."""

    latency_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acknowledged: dict[int, Ink] = field(default_factory=dict)  # round id -> the ink it closed with
    games: list[int] = field(default_factory=list)
    players_done: int = 0
    requests: int = 0

    def error(self, key: str, sample: str) -> None:
        """Count one failed request (``key``: status or exception name)."""
        self.errors[key] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(sample[:300])


class GaveUp(Exception):
    """The server did not answer (time-out, refused connection): the player leaves, as a person would."""


class Player:
    """One simulated player with its own cookie jar and CSRF token."""

    send_on_page_clock = True  # ink every 250 ms of the page's clock (else of the drawing's, at any pace)

    def __init__(self, http: LightClient, stats: Stats, pace: float, rng: random.Random) -> None:
        self.http = http
        self.stats = stats
        self.pace = pace  # replay speed: 1.0 is the recorded pace, 4.0 four times faster
        self.rng = rng
        self.csrf: str | None = None

    async def call(self, method: str, route: str, path: str, **kw: Any) -> Answer | None:
        """One request, timed under ``route``; ``None`` (and an error counted) for an error status.

        :class:`GaveUp` when no answer came at all.
        """
        headers = {"X-CSRF-Token": self.csrf} if self.csrf and method != "GET" else {}
        started = time.perf_counter()
        self.stats.requests += 1
        try:
            response = await self.http.request(method, path, headers=headers, **kw)
        except NoAnswer as error:
            self.stats.error("no answer", f"{route}: {error}")
            raise GaveUp from error
        took = (time.perf_counter() - started) * 1000
        self.stats.latency_ms[route].append(took)
        if response.status_code >= 400:
            sample = f"{route}: {response.status_code} after {took:.0f} ms: {response.text}"
            self.stats.error(str(response.status_code), sample)
            return None
        return response

    async def sleep_ms(self, ms: float) -> None:
        """Wait ``ms`` of the player's (paced) time."""
        if ms > 0:
            await asyncio.sleep(ms / 1000 / self.pace)

    async def log_in(self, account: tuple[str, str] | None) -> bool:
        """Become a guest, or log in to ``account`` (username, password)."""
        await self.call("GET", "GET /play", "/play")
        if account is None:
            response = await self.call("POST", "POST /api/v1/auth/guest", "/api/v1/auth/guest")
        else:
            body = {"username": account[0], "password": account[1]}
            response = await self.call("POST", "POST /api/v1/auth/login", "/api/v1/auth/login", json=body)
        if response is None:
            return False
        self.csrf = response.json()["csrf_token"]
        return True

    def choose(self, word: str, drawings: Drawings) -> Ink:
        """What the player draws when asked for ``word`` (here: a real drawing of it)."""
        return drawings.pick(word, self.rng)

    async def play_round(self, game_id: int, drawings: Drawings) -> int | None:
        """Start a round, draw its word at the drawing's pace, move on when it is over; the round's id."""
        route = "POST /api/v1/games/{id}/rounds"
        started = await self.call("POST", route, f"/api/v1/games/{game_id}/rounds")
        if started is None:
            return None
        round_ = started.json()
        drawing = self.choose(round_["word"], drawings)
        round_id = round_["id"]
        began = time.monotonic()
        ink: Ink = []
        every_ms = SEND_EVERY_MS * (self.pace if self.send_on_page_clock else 1.0)
        for at in send_times(drawing, every_ms):
            await self.sleep_ms(at - (time.monotonic() - began) * 1000 * self.pace)
            ink = ink_at(drawing, at)
            body = {"ink": ink, "clock_ms": int(at - drawing[0][2][0])}
            answer = await self.call(
                "POST", "POST /api/v1/rounds/{id}/ink", f"/api/v1/rounds/{round_id}/ink", json=body
            )
            if answer is None:
                continue
            judged = answer.json()
            if judged["closed"]:
                self.stats.acknowledged[round_id] = ink
                return round_id
            if judged["outcome"] == "recognised":
                break
        await self.sleep_ms(LOOK_MS)
        body = {"ink": ink, "clock_ms": int(ink[-1][2][-1] - ink[0][2][0]) if ink else 0}
        finished = await self.call(
            "POST", "POST /api/v1/rounds/{id}/finish", f"/api/v1/rounds/{round_id}/finish", json=body
        )
        if finished is None:
            return None
        self.stats.acknowledged[round_id] = ink
        return round_id

    async def play(self, account: tuple[str, str] | None, drawings: Drawings, rounds: int) -> None:
        """The whole visit: log in or play as a guest, a game of ``rounds`` rounds, the results."""
        if not await self.log_in(account):
            return
        category = self.rng.choice([None, "animals", "food-drink", "home", "vehicles"])
        created = await self.call("POST", "POST /api/v1/games", "/api/v1/games", json={"category": category})
        if created is None:
            return
        game_id = created.json()["id"]
        self.stats.games.append(game_id)
        await self.call("GET", "GET /play/{id}", f"/play/{game_id}")
        for _ in range(rounds):
            await self.play_round(game_id, drawings)
        await self.call("GET", "GET /api/v1/games/{id}", f"/api/v1/games/{game_id}")
        await self.call("GET", "GET /games/{id}", f"/games/{game_id}")
        self.stats.players_done += 1


async def sign_up(base_url: str, count: int, seed: int) -> list[tuple[str, str]]:
    """Create ``count`` accounts before the run (the server must run without the captcha)."""
    accounts = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for index in range(count):
            name = f"pupil{seed}x{index}x{secrets.token_hex(2)}"
            body = {"username": name, "password": PASSWORD, "email": None}
            response = await http.post("/api/v1/auth/signup", json=body)
            response.raise_for_status()
            http.cookies.clear()
            accounts.append((name, PASSWORD))
    return accounts


async def run_crowd(
    base_url: str,
    drawings: Drawings,
    players: int,
    *,
    accounts: Sequence[tuple[str, str]] = (),
    rounds: int = 6,
    pace: float = 1.0,
    stagger_s: float = 5.0,
    timeout_s: float = 30.0,
    seed: int = 0,
    player: type[Player] = Player,
) -> tuple[Stats, float]:
    """``players`` players arriving over ``stagger_s`` seconds, each its own client; (stats, wall seconds).

    The first ``len(accounts)`` players log in to those accounts, the others play as guests.
    """
    stats = Stats()
    rng = random.Random(seed)

    async def one(index: int) -> None:
        await asyncio.sleep(rng.uniform(0, stagger_s))
        http = LightClient(base_url, timeout_s)
        person = player(http, stats, pace, random.Random(seed * 100_003 + index))
        account = accounts[index] if index < len(accounts) else None
        try:
            with contextlib.suppress(GaveUp):
                await person.play(account, drawings, rounds)
        finally:
            await http.aclose()

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(players)))
    return stats, time.perf_counter() - started


@dataclass(frozen=True)
class Audit:
    """What the database holds of the acknowledged rounds."""

    acknowledged: int
    stored: int  # closed in the database with exactly the acknowledged ink
    missing: list[int]  # acknowledged but not closed, or stored without (or with other) ink
    open_rounds: int  # rounds of the run's games still open


ROUNDS_WITH_INK = text(
    "select r.id, r.finished_at, d.ink from rounds r left join drawings d on d.id = r.drawing_id "
    "where r.id in :ids"
).bindparams(bindparam("ids", expanding=True))
OPEN_ROUNDS = text("select count(*) from rounds where finished_at is null and game_id in :ids").bindparams(
    bindparam("ids", expanding=True)
)


def audit(database_url: str, stats: Stats) -> Audit:
    """Check that every acknowledged round is closed in the database and holds its complete ink."""
    engine = create_engine(normalise_url(database_url))
    ids = list(stats.acknowledged)
    stored: dict[int, Any] = {}
    open_rounds = 0
    try:
        with engine.connect() as connection:
            for start in range(0, len(ids), 500):
                rows = connection.execute(ROUNDS_WITH_INK, {"ids": ids[start : start + 500]})
                for round_id, finished_at, ink in rows:
                    stored[round_id] = (finished_at, json.loads(ink) if isinstance(ink, str) else ink)
            if stats.games:
                open_rounds = connection.execute(OPEN_ROUNDS, {"ids": stats.games}).scalar_one()
    finally:
        engine.dispose()
    missing = []
    for round_id, ink in stats.acknowledged.items():
        finished_at, stored_ink = stored.get(round_id, (None, None))
        empty_ok = not ink and stored_ink is None
        if finished_at is None or not (empty_ok or stored_ink == ink):
            missing.append(round_id)
    return Audit(len(ids), len(ids) - len(missing), missing, open_rounds)
