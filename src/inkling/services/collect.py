"""Labelled drawings: store drawings players make for the data set, show a word's drawings, export them.

* ``store_collected`` (= ``validate_collected`` then ``store_valid``) checks the word and the raw ink
  (``parse_ink``, strict times) and stores a ``drawings`` row with source ``collect``.
* ``word_gallery`` pages through the stored drawings of one word (game rounds and collected ones), with
  whether the machine recognised each.
* Reported, flagged and hidden drawings are left out (``inkling.services.visibility``); the export of
  labelled drawings lives in ``inkling.services.examples``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inkling.db.models import Drawing, Round, User, Word
from inkling.ink import Ink, InkError, parse_ink
from inkling.services.visibility import visible

COLLECT_SOURCE = "collect"  # drawings.source of drawings made for the data set
GALLERY_SOURCES = ("game", "collect", "feedback", "import")  # never digits
MAX_PER_PAGE = 60
MIN_COLLECT_POINTS = 5  # a contributed drawing needs this many points at least: one dot is no drawing
MIN_COLLECT_EXTENT = 10  # ...and must span this many canvas pixels (its bounding box's longer side)


class UnknownWordError(LookupError):
    """No enabled word by that name."""


@dataclass(frozen=True)
class GalleryItem:
    """One drawing of a word, with what the machine made of it (``None``: not judged, e.g. collected)."""

    drawing_id: int
    ink: list[Any]
    source: str
    recognized: bool | None
    recognized_ms: int | None
    created_at: datetime


@dataclass(frozen=True)
class GalleryPage:
    """One page of a word's drawings."""

    word: Word
    items: list[GalleryItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def find_word(session: Session, text: str) -> Word:
    """The enabled word named ``text`` (any letter case, surrounding spaces ignored)."""
    wanted = " ".join(str(text).split()).casefold()
    word = session.scalars(
        select(Word).where(func.lower(Word.text) == wanted, Word.enabled.is_(True)).limit(1)
    ).first()
    if word is None:
        raise UnknownWordError(f"unknown word {text!r}; see GET /api/v1/words")
    return word


@dataclass(frozen=True)
class ValidDrawing:
    """A drawing that passed :func:`validate_collected`: its word and parsed raw ink."""

    word: Word
    ink: Ink


def validate_collected(session: Session, *, word: str, raw_ink: Any) -> ValidDrawing:
    """The word and parsed ink (times required, never stepping back); raises before anything is stored."""
    target = find_word(session, word)
    ink = parse_ink(raw_ink, strict_times=True)
    if not ink.has_times:
        raise InkError("ink needs times: send raw strokes [xs, ys, ts]")
    _require_enough_ink(ink)
    return ValidDrawing(target, ink)


def _require_enough_ink(ink: Ink) -> None:
    """Refuse a drawing too small to show anything (a dot, a tick): it would be a wrong training label."""
    points = sum(len(s.xs) for s in ink)
    xs = [float(x) for s in ink for x in (s.xs.min(), s.xs.max())]
    ys = [float(y) for s in ink for y in (s.ys.min(), s.ys.max())]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) if xs else 0.0
    if points < MIN_COLLECT_POINTS or extent < MIN_COLLECT_EXTENT:
        raise InkError(
            f"too little ink to be a drawing: at least {MIN_COLLECT_POINTS} points spanning "
            f"{MIN_COLLECT_EXTENT:g} px are needed (got {points} spanning {extent:g} px)"
        )


def store_valid(session: Session, valid: ValidDrawing, user: User | None) -> Drawing:
    """Store a validated drawing as a labelled ``collect`` drawing of ``user``."""
    drawing = Drawing(
        ink=valid.ink.to_lists(),
        word_id=valid.word.id,
        user_id=user.id if user is not None else None,
        source=COLLECT_SOURCE,
        stroke_count=len(valid.ink),
        point_count=valid.ink.num_points,
    )
    session.add(drawing)
    session.flush()
    return drawing


def store_collected(session: Session, *, word: str, raw_ink: Any, user: User | None) -> Drawing:
    """Validate raw ink (with times) and store it as a labelled ``collect`` drawing; raises on bad input."""
    return store_valid(session, validate_collected(session, word=word, raw_ink=raw_ink), user)


def word_gallery(session: Session, word: str, *, page: int = 1, per_page: int = 24) -> GalleryPage:
    """The stored drawings of ``word``, newest first: from game rounds (recognised or not) and collected."""
    target = find_word(session, word)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    of_word = (
        select(Drawing.id)
        .outerjoin(Round, Round.drawing_id == Drawing.id)
        .where(or_(Drawing.word_id == target.id, Round.word_id == target.id))
        .where(Drawing.source.in_(GALLERY_SOURCES), visible())
    )
    total = session.scalar(select(func.count()).select_from(of_word.distinct().subquery())) or 0
    query = (
        select(Drawing, Round.recognized, Round.recognized_ms)
        .outerjoin(Round, Round.drawing_id == Drawing.id)
        .where(or_(Drawing.word_id == target.id, Round.word_id == target.id))
        .where(Drawing.source.in_(GALLERY_SOURCES), visible())
        .order_by(Drawing.created_at.desc(), Drawing.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    items, seen = [], set()
    for drawing, recognized, recognized_ms in session.execute(query):
        if drawing.id in seen:
            continue
        seen.add(drawing.id)
        judged = None if recognized is None else bool(recognized)
        items.append(
            GalleryItem(drawing.id, drawing.ink, drawing.source, judged, recognized_ms, drawing.created_at)
        )
    return GalleryPage(target, items, total, page, per_page)
