"""Plain factory functions for users, games, rounds, drawings, models and feedback (tests only)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inkling.db.models import Drawing, Feedback, Game, RegisteredModel, Round, User, Word, WordCategory

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
INK = [[[10, 20, 30], [10, 12, 30], [0, 16, 33]], [[30, 40], [30, 10], [60, 90]]]
_serial = itertools.count(1)


def category(session: Session, slug: str = "things", name: str | None = None) -> WordCategory:
    """The category ``slug``, created when missing."""
    found = session.scalar(select(WordCategory).where(WordCategory.slug == slug))
    if found is None:
        found = WordCategory(slug=slug, name=name or slug.title(), description="")
        session.add(found)
        session.flush()
    return found


def word(session: Session, text: str, category_slug: str = "things") -> Word:
    """The word ``text`` (in ``category_slug``), created when missing."""
    found = session.scalar(select(Word).where(Word.text == text))
    if found is None:
        found = Word(text=text, category_id=category(session, category_slug).id, enabled=True)
        session.add(found)
        session.flush()
    return found


def user(session: Session, name: str | None = None, *, guest: bool = False) -> User:
    """A user (a guest with a generated name when ``guest``)."""
    name = name or (f"guest-{next(_serial):06x}" if guest else f"player{next(_serial)}")
    found = User(username=name, is_guest=guest, password_hash=None if guest else "x")
    session.add(found)
    session.flush()
    return found


def model(session: Session, name: str = "doodlenet", version: int = 1, **meta: Any) -> RegisteredModel:
    """A registered doodle model row with fake ONNX bytes."""
    found = RegisteredModel(
        name=name,
        version=version,
        task=meta.pop("task", "doodle"),
        onnx=b"onnx",
        sha256=f"{next(_serial):064x}",
        meta={"classes": ["a", "b", "c"], **meta},
        is_active=bool(meta.pop("active", False)),
    )
    session.add(found)
    session.flush()
    return found


def game(
    session: Session,
    player: User,
    *,
    score: int = 0,
    status: str = "finished",
    rounds_total: int = 6,
    finished_at: datetime | None = None,
    category_slug: str | None = None,
) -> Game:
    """A game of ``player``."""
    found = Game(
        user_id=player.id,
        category_id=category(session, category_slug).id if category_slug else None,
        rounds_total=rounds_total,
        status=status,
        score=score,
        started_at=T0,
        finished_at=finished_at or (T0 + timedelta(minutes=2) if status == "finished" else None),
    )
    session.add(found)
    session.flush()
    return found


def drawing(
    session: Session, target: Word | None, *, source: str = "game", player: User | None = None
) -> Drawing:
    """A stored drawing of ``target``."""
    found = Drawing(
        ink=INK,
        word_id=target.id if target else None,
        user_id=player.id if player else None,
        source=source,
        stroke_count=len(INK),
        point_count=sum(len(s[0]) for s in INK),
        created_at=T0 + timedelta(seconds=next(_serial)),
    )
    session.add(found)
    session.flush()
    return found


def round_(
    session: Session,
    of: Game,
    target: Word,
    *,
    recognized_ms: int | None = None,
    attempts: int = 0,
    model_id: int | None = None,
    closed: bool = True,
    with_drawing: bool = False,
    started_at: datetime | None = None,
    blank: bool = False,
) -> Round:
    """A round of ``of``: recognised at ``recognized_ms`` when given, else missed (``blank``: not drawn)."""
    number = len(session.scalars(select(Round.id).where(Round.game_id == of.id)).all()) + 1
    start = started_at or T0 + timedelta(seconds=30 * number)
    found = Round(
        game_id=of.id,
        number=number,
        word_id=target.id,
        drawing_id=drawing(session, target).id if with_drawing else None,
        model_id=model_id,
        shown_at=start,
        started_at=start,
        finished_at=start + timedelta(seconds=20) if closed else None,
        first_stroke_ms=None if blank else 500,
        recognized_ms=recognized_ms,
        drawing_ms=None if blank else (recognized_ms or 20_000),
        recognized=recognized_ms is not None,
        attempts=attempts,
        guesses={},
    )
    session.add(found)
    session.flush()
    return found


def feedback(session: Session, of: Drawing, correct: Word, *, confirmed: bool = False) -> Feedback:
    """A player's label for a drawing."""
    source = "confirmed" if confirmed else "corrected"
    found = Feedback(drawing_id=of.id, correct_word_id=correct.id, confirmed=confirmed, source=source)
    session.add(found)
    session.flush()
    return found
