"""Play for the learning loop's tests: future players' real drawings, scribbles and wrong-word drawings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from inkling.datasets.quickdraw import iter_drawings
from inkling.db.models import Drawing
from inkling.learn.doodle_extra import EXTRA_STROKES
from tests import play_factories as make

WORDS = ["apple", "star", "candle", "fork"]  # words with thousands of drawings in quickdraw_extra
SKIP = 2000  # future players draw from this row of a word on (base data reads far fewer)


def future_drawings(
    data_dir: Path, words: list[str], per_word: int, skip: int = SKIP
) -> list[tuple[str, Any]]:
    """``per_word`` drawings of each word from row ``skip`` of the extra stroke file (never base data)."""
    seen: dict[str, int] = dict.fromkeys(words, 0)
    out = []
    for row in iter_drawings(data_dir / EXTRA_STROKES, words=words):
        seen[row["word"]] += 1
        if skip < seen[row["word"]] <= skip + per_word:
            out.append((row["word"], row["drawing"]))
        if all(n > skip + per_word for n in seen.values()):
            break
    return out


def scribble(rng: np.random.Generator) -> list[list[list[int]]]:
    """A random scribble: a few strokes of random points."""
    return [
        [rng.integers(0, 255, 12).tolist(), rng.integers(0, 255, 12).tolist()]
        for _ in range(int(rng.integers(2, 5)))
    ]


def play_round(
    session: Session, word: str, ink: Any, *, recognised: bool = False, confirmed: bool = False
) -> int:
    """A closed game round of ``word`` whose drawing is ``ink``; returns the drawing's id."""
    target = make.word(session, word)
    game = make.game(session, make.user(session))
    drawing = session.get(Drawing, make.round_(
        session, game, target, recognized_ms=900 if recognised else None, with_drawing=True
    ).drawing_id)  # fmt: skip
    assert drawing is not None
    drawing.ink = ink
    if confirmed:
        make.feedback(session, drawing, target, confirmed=True)
    session.flush()
    return drawing.id
