"""Helpers for the game tests: table counts, a movable clock, a word picker, real drawings from the mirror."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, Feedback, Game, Round
from inkling.game import MIN_GUESS_PROBABILITY
from inkling.inference import DoodlePredictor
from inkling.ink import InkError
from inkling.services.models import default_shipped_model

COUNTED = (Drawing, Feedback, Game, Round)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in the tables the game writes."""
    with session_scope(engine) as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in COUNTED}


# --- real drawings the shipped model recognises ------------------------------------------------------

RAW_SAMPLE = ("quickdraw", "quickdraw_raw_sample.ndjson.gz")


def raw_drawings(data_dir: Path, word: str) -> list[list[Any]]:
    """The official raw drawings of ``word`` in the mirror's sample, in file order."""
    found = []
    with gzip.open(data_dir.joinpath(*RAW_SAMPLE), "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["word"] == word:
                found.append(record["drawing"])
    return found


@lru_cache(maxsize=1)
def shipped_predictor() -> DoodlePredictor:
    """The doodle model a fresh installation serves, straight from its files."""
    return DoodlePredictor.from_files(default_shipped_model("doodle").path, threads=1)


def recognised_drawing(data_dir: Path, word: str) -> list[Any]:
    """The first sample drawing of ``word`` whose full ink the shipped model names as ``word`` (said)."""
    predictor = shipped_predictor()
    for drawing in raw_drawings(data_dir, word):
        try:
            top = predictor.predict(drawing, 1)
        except InkError:  # a few official raw drawings have times that step back: skip them here
            continue
        if top and top[0].word == word and top[0].probability >= MIN_GUESS_PROBABILITY:
            return drawing
    raise AssertionError(f"the shipped model recognises no sample drawing of {word!r}")


def drawing_with_times_stepping_back(data_dir: Path) -> list[Any]:
    """The first raw sample drawing with a stroke whose times step back (about one drawing in 600)."""
    with gzip.open(data_dir.joinpath(*RAW_SAMPLE), "rt", encoding="utf-8") as lines:
        for line in lines:
            drawing = json.loads(line)["drawing"]
            if any(later < earlier for _, _, ts in drawing for earlier, later in pairwise(ts)):
                return drawing
    raise AssertionError("no sample drawing has times that step back")


class WordPicker(random.Random):
    """A word picker for tests: the first preferred word still available, else the first candidate."""

    def __init__(self, preferred: list[str]) -> None:
        super().__init__(0)
        self.preferred = preferred

    def choice(self, seq):
        """The first preferred word in ``seq``."""
        return next((w for w in self.preferred if w in seq), seq[0])


class Clock:
    """A server clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, ms: int) -> None:
        """Move time forward by ``ms`` milliseconds."""
        self.now += timedelta(milliseconds=ms)
