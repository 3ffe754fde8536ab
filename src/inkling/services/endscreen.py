"""The end of a game, like Quick, Draw!'s: for each drawing, how others drew the word asked and the
words the model confused it with — players' drawings first, then the shipped Quick, Draw! sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from inkling.datasets.others import CREDIT, others_drew
from inkling.game import same_word
from inkling.services.collect import UnknownWordError, word_gallery

OTHERS_PER_WORD = 6  # drawings shown for the word asked
CONFUSED_WORDS = 2  # words the model confused a drawing with, shown at most
CONFUSED_PER_WORD = 4  # drawings shown for each of them


@dataclass(frozen=True)
class SeenDrawing:
    """Someone else's drawing of a word: its ink, and whose it is (``player`` or ``quickdraw``)."""

    ink: list[Any]
    source: str
    # the stored drawing (players' drawings: what the Report button names), None for Quick, Draw!'s
    drawing_id: int | None = None

    @property
    def credit(self) -> str:
        """How the drawing is marked on the page."""
        return CREDIT if self.source == "quickdraw" else "drawn by a player here"


@dataclass(frozen=True)
class WordDrawings:
    """Drawings of one word by other people."""

    word: str
    drawings: tuple[SeenDrawing, ...]


def others_of(session: Session, word: str, limit: int, exclude: int | None = None) -> WordDrawings:
    """Up to ``limit`` drawings of ``word``: the players' newest (not ``exclude``), then Quick, Draw!'s."""
    found: list[SeenDrawing] = []
    try:
        gallery = word_gallery(session, word, per_page=limit + 1)
        found = [
            SeenDrawing(i.ink, "player", i.drawing_id) for i in gallery.items if i.drawing_id != exclude
        ][:limit]
    except UnknownWordError:
        pass
    found += [SeenDrawing(d.drawing, "quickdraw") for d in others_drew(word, limit - len(found))]
    return WordDrawings(word, tuple(found))


def confused_with(
    word: str, said: Sequence[str], top: Sequence[str], limit: int = CONFUSED_WORDS
) -> list[str]:
    """Words the model took the drawing for: what it said, then its final top guesses; never the word."""
    picked: list[str] = []
    for guess in [*said, *top]:
        if not same_word(guess, word) and not any(same_word(guess, p) for p in picked):
            picked.append(guess)
    return picked[:limit]


@dataclass(frozen=True)
class RoundExtras:
    """What the end screen shows beside one drawing."""

    others: WordDrawings
    confused: tuple[WordDrawings, ...]


def round_extras(
    session: Session, word: str, said: Sequence[str], top: Sequence[str], drawing_id: int | None
) -> RoundExtras:
    """How others drew ``word`` and each word the model confused this drawing with."""
    confused = tuple(
        others_of(session, other, CONFUSED_PER_WORD, drawing_id) for other in confused_with(word, said, top)
    )
    return RoundExtras(others_of(session, word, OTHERS_PER_WORD, drawing_id), confused)
