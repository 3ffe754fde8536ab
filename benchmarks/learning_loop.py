"""Proof by simulation: future players play through the real HTTP API, the loop learns, cycle by cycle.

    INKLING_DATA_DIR=/work/shared/data .venv/bin/python -m benchmarks.learning_loop --cycles 3 --players 36 \
        --steps 250 --play-repeat 4

The future players' drawings: the ``quickdraw_extra`` keyed stroke drawings of ``WORDS`` (words the shipped
``inkling-doodle`` names worst among those with 440+ such drawings). The shipped model never trained on that
file (it was trained on the sample and the 64-word bitmaps; ``training`` in its metadata has no extra data),
and the loop runs with ``--no-extra``, so its base replay and its fixed benchmark (the sample's all-words
validation split) hold none of them. The first ``TEST_PER_WORD`` of each word are a held-back test set that
is never played; players draw the rest.

A series: a fresh SQLite database served by a real ``inkling serve`` whose enabled words are ``WORDS``;
each cycle, ``--players`` guests play a game of six rounds each (``benchmarks/crowd.py``, the ink sent as
the game page does, ``--pace`` times faster than the pen's pace), then ``inkling learn run`` runs once
against the same database and the server follows its decision. Players: ``HONEST`` draw the word asked
(``CONFIRM`` of them confirm it through the feedback API), ``SCRIBBLE`` scribble (``TROLL`` of those
confirm the scribble), the rest draw another of the words (``TROLL`` confirm the prompt, ``CORRECT``
correct it to what they drew). The simplified drawings carry no times: each is drawn at the raw sample's
median pen speed with its median pause between strokes.

After every cycle the active champion is scored on the fixed all-words split (top-1, top-3, live replay
named-rate over stroke prefixes), on its drawings of ``WORDS``, and on the held-back test set. Series: the
loop as shipped (filter + pseudo-labels), ``--no-filter``, ``--no-pseudo``, each from the same start.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import bindparam, create_engine, select, text
from sqlalchemy.orm import Session
from tests.loop_world import scribble

from benchmarks.crowd import Drawings, Ink, Player, run_crowd
from benchmarks.serving import INKLING, fresh_database, serve
from inkling.datasets.quickdraw import iter_drawings
from inkling.db.engine import normalise_url
from inkling.db.models import RegisteredModel
from inkling.inference.doodle import DoodlePredictor
from inkling.learn.doodle_data import RAW, SIMPLIFIED, DoodleData
from inkling.learn.doodle_extra import EXTRA_STROKES
from inkling.learn.eval_doodle import build_eval_set
from inkling.learn.loop.evaluate import benchmark_scores
from inkling.learn.loop.run import _predictor
from inkling.learn.loop.snapshot import base_data
from inkling.registry import get_active
from inkling.services.models import ShippedModel, shipped_models

WORDS = [
    "dog",
    "mosquito",
    "bird",
    "monkey",
    "cat",
    "duck",
    "swan",
    "flamingo",
    "horse",
    "square",
    "ant",
    "triangle",
]
TEST_PER_WORD = 100  # the first drawings of each word: the held-back test set, never played
SCRIBBLE, WRONG = 0.1, 0.1  # shares of players who scribble / draw another word (the rest: honest)
CONFIRM, TROLL, CORRECT = 0.4, 0.3, 0.3  # feedback: honest confirm; bad confirm; wrong-word correct
SERIES = {
    "filter + pseudo (as shipped)": [],
    "no outlier filter": ["--no-filter"],
    "no pseudo-labels": ["--no-pseudo"],
    "each word's probability floor": ["--per-word-floor"],
    "prior kept (logit-adjusted labels)": ["--logit-adjust", "1"],
}
ENV = {
    "INKLING_ENVIRONMENT": "development",
    "INKLING_CAPTCHA_REQUIRED": "false",
    "INKLING_LOG_LEVEL": "warning",
}


def pen_pace(data_dir: Path) -> tuple[float, float]:
    """(ms per unit of simplified path, ms between strokes): medians over the raw sample's drawings."""
    raw = {}
    with gzip.open(data_dir / RAW, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            raw[record["key_id"]] = record["drawing"]
    speeds, gaps = [], []
    with gzip.open(data_dir / SIMPLIFIED, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            strokes = raw.get(record["key_id"])
            if strokes is None:
                continue
            drawn = sum(s[2][-1] - s[2][0] for s in strokes)
            length = sum(np.hypot(np.diff(xs), np.diff(ys)).sum() for xs, ys in record["drawing"])
            if length > 0 and drawn > 0:
                speeds.append(drawn / length)
            gaps += [b[2][0] - a[2][-1] for a, b in itertools.pairwise(strokes)]
    return float(np.median(speeds)), float(np.median(gaps))


def timed(drawing: Any, pace: tuple[float, float]) -> Ink:
    """A simplified drawing as raw ink with times: drawn at ``pace`` (ms per unit, ms between strokes)."""
    ms_per_unit, gap = pace
    out, t = [], 0.0
    for stroke in drawing:
        xs, ys = np.asarray(stroke[0], float), np.asarray(stroke[1], float)
        ts = t + np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)) * ms_per_unit)])
        out.append([xs.tolist(), ys.tolist(), np.round(ts).tolist()])
        t = float(ts[-1]) + gap
    return out


def future_drawings(data_dir: Path) -> dict[str, list[Any]]:
    """The extra file's keyed drawings of ``WORDS`` that the sample does not hold, in file order."""
    known = set()
    with gzip.open(data_dir / SIMPLIFIED, "rt", encoding="utf-8") as lines:
        known = {json.loads(line)["key_id"] for line in lines}
    by_word: dict[str, list[Any]] = {w: [] for w in WORDS}
    for row in iter_drawings(data_dir / EXTRA_STROKES, words=WORDS):
        if row["key_id"] not in known:
            by_word[row["word"]].append(row["drawing"])
    return by_word


class FuturePlayer(Player):
    """A player who draws the word asked, scribbles or draws another word, and may say so."""

    intent: tuple[str, str] = ("honest", "")  # (behaviour, the word actually drawn)
    send_on_page_clock = False  # every 250 ms of the pen's time: the model sees what a real-pace page sends

    def choose(self, word: str, drawings: Drawings) -> Ink:
        """Draw the prompt, a scribble, or another word (by the shares above); remember which."""
        roll = self.rng.random()
        if roll < SCRIBBLE:
            self.intent = ("scribble", "")
            assert isinstance(drawings, FutureDrawings)
            return timed(scribble(np.random.default_rng(self.rng.randrange(2**32))), drawings.pace)
        if roll < SCRIBBLE + WRONG:
            other = self.rng.choice([w for w in drawings.by_word if w != word])
            self.intent = ("wrong", other)
            return drawings.pick(other, self.rng)
        self.intent = ("honest", word)
        return drawings.pick(word, self.rng)

    async def play_round(self, game_id: int, drawings: Drawings) -> int | None:
        """Play the round, then give feedback as this player's behaviour says."""
        round_id = await super().play_round(game_id, drawings)
        kind, drawn = self.intent
        roll = self.rng.random()
        body: dict[str, Any] | None = None
        if (kind == "honest" and roll < CONFIRM) or (kind != "honest" and roll < TROLL):
            body = {"confirmed": True}
        elif kind == "wrong" and roll < TROLL + CORRECT:
            body = {"confirmed": False, "word": drawn}
        if round_id is not None and body is not None:
            route = "POST /api/v1/rounds/{id}/feedback"
            await self.call("POST", route, f"/api/v1/rounds/{round_id}/feedback", json=body)
        return round_id


@dataclass
class FutureDrawings(Drawings):
    """The played share of the future drawings, timed at the pen's pace."""

    pace: tuple[float, float] = (1.0, 0.0)


def subset(es: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    """The evaluation arrays of the drawings ``keep`` (full drawings and their replay prefixes)."""
    index = np.full(len(keep), -1)
    index[keep] = np.arange(int(keep.sum()))
    rows = keep[es["owner"]]
    return {
        "sx": es["sx"][keep],
        "sy": es["sy"][keep],
        "rx": es["rx"][rows],
        "owner": index[es["owner"][rows]],
        "k": es["k"][rows],
        "n": es["n"][rows],
        "tfrac": es["tfrac"][rows],
    }


@dataclass
class Judge:
    """The fixed all-words split, its drawings of ``WORDS``, and the held-back test set."""

    splits: dict[str, dict[str, np.ndarray]]
    cache: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)

    @classmethod
    def build(cls, data_dir: Path, classes: list[str], test: dict[str, list[Any]]) -> Judge:
        """Load the mirror like the loop does (no extra data) and render every split once."""
        data = base_data(data_dir, classes, extra=False, workers=1)
        fixed = build_eval_set(data)
        fixed["sy"] = np.array([classes.index(w) for w in data.classes])[fixed["sy"]]
        records = [
            {"simplified": ink, "raw": None, "label": classes.index(w)}
            for w, inks in test.items()
            for ink in inks
        ]
        none = np.zeros(0, np.int64)
        held = DoodleData(
            classes,
            records,
            np.zeros((0, 28, 28), np.uint8),
            none,
            np.arange(len(records)),
            np.zeros((0, 28, 28), np.uint8),
            none,
            none,
            none,
        )
        words = np.isin(fixed["sy"], [classes.index(w) for w in WORDS])
        return cls(
            {
                "all words": fixed,
                "fixed, held-back words": subset(fixed, words),
                "held-back test": build_eval_set(held),
            }
        )

    def score(self, model: RegisteredModel) -> dict[str, dict[str, float]]:
        """Top-1, top-3 and live-replay named-rate of ``model`` on each split (cached by checksum)."""
        if model.sha256 not in self.cache:
            predictor: DoodlePredictor = _predictor(model.onnx, model.meta)
            self.cache[model.sha256] = {
                name: benchmark_scores(predictor, es)[1] for name, es in self.splits.items()
            }
        return self.cache[model.sha256]


@dataclass
class Cycle:
    """One cycle's figures: play, the loop's decision, the champion's scores after it."""

    cycle: int
    rounds: int = 0
    named_in_play: float = float("nan")
    decision: str = "start"
    p_values: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    learn_s: float = 0.0


def restrict_words(url: str) -> None:
    """Enable only ``WORDS`` (the server asks only those)."""
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("update words set enabled = false"))
        connection.execute(
            text("update words set enabled = true where text in :w").bindparams(
                bindparam("w", expanding=True)
            ),
            {"w": WORDS},
        )
    engine.dispose()


def named_in_play(url: str, games: list[int]) -> tuple[int, float]:
    """(rounds closed, share the model named during play) of the cycle's games."""
    engine = create_engine(normalise_url(url))
    query = text(
        "select count(*), sum(case when recognized then 1 else 0 end) from rounds "
        "where finished_at is not null and game_id in :g"
    ).bindparams(bindparam("g", expanding=True))
    with engine.connect() as connection:
        total, named = connection.execute(query, {"g": games or [-1]}).one()
    engine.dispose()
    return int(total), (named or 0) / max(total, 1)


def champion_and_latest(url: str) -> tuple[RegisteredModel, RegisteredModel]:
    """The active doodle model and the newest doodle model (the last challenger)."""
    engine = create_engine(normalise_url(url))
    with Session(engine, expire_on_commit=False) as session:
        active = get_active(session, "doodle")
        latest = session.scalars(
            select(RegisteredModel)
            .where(RegisteredModel.task == "doodle")
            .order_by(RegisteredModel.id.desc())
        ).first()
        session.expunge_all()
    engine.dispose()
    assert latest is not None
    return active, latest


def p_values(model: RegisteredModel) -> str:
    """``split p=... (+wins/-losses)`` of the challenger's gate tests."""
    tests = (model.metrics or {}).get("tests", {})
    return "; ".join(f"{k} p={t['p_value']:.2g} (+{t['wins']}/-{t['losses']})" for k, t in tests.items())


def shipped_model(name: str) -> ShippedModel:
    """The shipped model called ``name``."""
    return next(m for m in shipped_models() if m.name == name)


def learn_options(args: argparse.Namespace) -> list[str]:
    """The fine-tuning options every ``inkling learn run`` of the simulation gets."""
    return [
        "--steps", str(args.steps), "--kd-weight", str(args.kd_weight), "--lr", str(args.lr),
        "--wise", str(args.wise), "--play-share", str(args.play_share),
    ]  # fmt: skip


def run_series(
    args: argparse.Namespace, flags: list[str], drawings: FutureDrawings, judge: Judge
) -> list[Cycle]:
    """A fresh database and server; ``args.cycles`` x (play, learn, score)."""
    cycles = []
    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite", Path(tmp), "") as url:
        env = {**ENV, "INKLING_SECRET_KEY": os.urandom(32).hex()}
        with serve(url, Path(tmp), env=env) as server:
            restrict_words(url)
            activate = [*INKLING, "models", "activate", args.champion]
            subprocess.run(activate, check=True, env={**os.environ, **env, "INKLING_DATABASE_URL": url})
            time.sleep(6)  # servers re-read the active model every 5 s
            start = Cycle(0)
            start.scores = judge.score(champion_and_latest(url)[0])
            cycles.append(start)
            for c in range(1, args.cycles + 1):
                cycle = Cycle(c)
                stats, _ = asyncio.run(
                    run_crowd(
                        server.url,
                        drawings,
                        args.players,
                        pace=args.pace,
                        stagger_s=args.stagger,
                        seed=c,
                        player=FuturePlayer,
                    )
                )
                cycle.rounds, cycle.named_in_play = named_in_play(url, stats.games)
                started = time.monotonic()
                command = [
                    *INKLING,
                    "learn",
                    "run",
                    "--no-extra",
                    *learn_options(args),
                    "--work-dir",
                    str(Path(tmp) / "loop"),
                    "--quiet",
                    *flags,
                ]
                subprocess.run(command, check=True, env={**os.environ, **env, "INKLING_DATABASE_URL": url})
                cycle.learn_s = time.monotonic() - started
                champion, latest = champion_and_latest(url)
                cycle.decision, cycle.p_values = latest.decision or "?", p_values(latest)
                cycle.counts = (latest.metrics or {}).get("counts", {})
                cycle.scores = judge.score(champion)
                cycles.append(cycle)
                print(f"  cycle {c}: {cycle.rounds} rounds, {cycle.decision}, {cycle.p_values}", flush=True)
                time.sleep(6)  # servers re-read the active model every 5 s
    return cycles


def report(args: argparse.Namespace, results: dict[str, list[Cycle]]) -> None:
    """Print the Markdown tables."""
    print(
        f"\n{len(WORDS)} held-back words; {args.players} guests x 6 rounds a cycle at pace x{args.pace:g}; "
        f"champion {args.champion}; learn run --no-extra {' '.join(learn_options(args))}\n"
    )
    print(
        "| series | cycle | rounds played | named in play | decision | gate (one-sided McNemar) "
        "| training rows from play (labelled / pseudo / flagged) | all words top-1 / top-3 / named "
        "| fixed, held-back words top-1 / named | held-back test top-1 / top-3 / named |"
    )
    print("|---|---:|---:|---:|---|---|---|---|---|---|")
    for name, cycles in results.items():
        for c in cycles:
            a, f, h = (c.scores[k] for k in ("all words", "fixed, held-back words", "held-back test"))
            counts = (
                f"{c.counts.get('play_labelled', 0)} / {c.counts.get('pseudo', 0)} / "
                f"{c.counts.get('flagged', 0)}"
                if c.counts
                else ""
            )
            played = f"{c.named_in_play:.3f}" if c.rounds else ""
            print(
                f"| {name} | {c.cycle} | {c.rounds or ''} | {played} | {c.decision} | {c.p_values} "
                f"| {counts} "
                f"| {a['top1']:.3f} / {a['top3']:.3f} / {a['replay_named_rate']:.3f} "
                f"| {f['top1']:.3f} / {f['replay_named_rate']:.3f} "
                f"| {h['top1']:.3f} / {h['top3']:.3f} / {h['replay_named_rate']:.3f} |"
            )


def main() -> None:
    """Hold back the future drawings, run each series, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=3, help="play + learn cycles per series")
    parser.add_argument("--players", type=int, default=40, help="guests per cycle (6 rounds each)")
    parser.add_argument("--pace", type=float, default=10.0, help="replay speed (1 = the pen's pace)")
    parser.add_argument("--stagger", type=float, default=20.0, help="players arrive over this many seconds")
    parser.add_argument("--steps", type=int, default=300, help="inkling learn run --steps")
    parser.add_argument("--kd-weight", type=float, default=0.5, help="inkling learn run --kd-weight")
    parser.add_argument("--lr", type=float, default=3e-4, help="inkling learn run --lr")
    parser.add_argument("--wise", type=float, default=0.6, help="inkling learn run --wise")
    parser.add_argument("--play-share", type=float, default=0.3, help="inkling learn run --play-share")
    parser.add_argument(
        "--champion", default="inkling-doodle-lite", help="shipped doodle model activated before play"
    )
    parser.add_argument("--series", default=",".join(SERIES), help="comma-separated series names")
    args = parser.parse_args()
    data_dir = Path(os.environ["INKLING_DATA_DIR"])
    future = future_drawings(data_dir)
    test = {w: inks[:TEST_PER_WORD] for w, inks in future.items()}
    pace = pen_pace(data_dir)
    played = {w: [timed(ink, pace) for ink in inks[TEST_PER_WORD:]] for w, inks in future.items()}
    drawings = FutureDrawings(played, pace)
    print(
        f"pen: {pace[0]:.1f} ms per unit, {pace[1]:.0f} ms between strokes; "
        f"{sum(map(len, played.values()))} drawings to play, {sum(map(len, test.values()))} held-back test"
    )
    classes = list(shipped_model(args.champion).meta["classes"])
    judge = Judge.build(data_dir, classes, test)
    results = {}
    for name in args.series.split(","):
        print(f"series: {name}", flush=True)
        results[name] = run_series(args, SERIES[name], drawings, judge)
    report(args, results)


if __name__ == "__main__":
    main()
