"""Moderation of drawings: players report, the outlier filter flags, an admin hides, keeps or relabels.

A drawing's ``moderation`` state:

- null: ordinary (shown, trains);
- ``reported`` (a player reported it) or ``flagged`` (the outlier filter did): hidden from galleries,
  never trains, waits in the moderation queue;
- ``hidden``: an admin hid it for good (never shown, never trains);
- ``kept``: an admin reviewed it and kept it (shown, trains; later reports are recorded, not acted on);
- ``relabelled``: an admin set the word it shows (``drawings.word_id``; shown, trains with that word).

Every admin action writes an audit row. Functions flush but never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inkling.db.models import Drawing, Round, User, Word
from inkling.db.moderation_models import DrawingReport
from inkling.services import audit
from inkling.services.collect import GALLERY_SOURCES, find_word
from inkling.services.visibility import PENDING

REPORTABLE_SOURCES = (*GALLERY_SOURCES, "room")
REPORTS_PER_HOUR = 20  # a player's (or guest's) reports per hour at most
REASON_MAX = 200


class DrawingNotFoundError(LookupError):
    """No reportable drawing with that id (404)."""


class TooManyReportsError(RuntimeError):
    """The player reported too many drawings lately (429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"at most {REPORTS_PER_HOUR} reports an hour; try again later")
        self.retry_after = retry_after


@dataclass(frozen=True)
class ReportResult:
    """What a report did: whether it is new, and the drawing's state after it."""

    created: bool
    moderation: str | None


def report_drawing(
    session: Session, drawing_id: int, reporter: User, reason: str, now: datetime
) -> ReportResult:
    """Record ``reporter``'s report (one per player and drawing); an unreviewed drawing is hidden."""
    drawing = session.get(Drawing, drawing_id)
    if drawing is None or drawing.source not in REPORTABLE_SOURCES:
        raise DrawingNotFoundError(f"no drawing {drawing_id}")
    existing = session.scalars(
        select(DrawingReport).where(
            DrawingReport.drawing_id == drawing_id, DrawingReport.user_id == reporter.id
        )
    ).first()
    if existing is not None:
        return ReportResult(False, drawing.moderation)
    since = now - timedelta(hours=1)
    recent = session.scalars(
        select(DrawingReport.created_at)
        .where(DrawingReport.user_id == reporter.id, DrawingReport.created_at >= since)
        .order_by(DrawingReport.created_at)
    ).all()
    if len(recent) >= REPORTS_PER_HOUR:
        oldest = recent[0] if recent[0].tzinfo else recent[0].replace(tzinfo=now.tzinfo)
        raise TooManyReportsError(max(1, int((oldest + timedelta(hours=1) - now).total_seconds())))
    session.add(
        DrawingReport(drawing_id=drawing_id, user_id=reporter.id, reason=reason[:REASON_MAX], created_at=now)
    )
    if drawing.moderation in (None, "flagged"):
        drawing.moderation = "reported"
    session.flush()
    return ReportResult(True, drawing.moderation)


def flag_drawings(session: Session, drawing_ids: list[int]) -> int:
    """Put ordinary drawings in the queue as ``flagged`` (the outlier filter's verdict); returns how many."""
    if not drawing_ids:
        return 0
    rows = session.scalars(
        select(Drawing).where(Drawing.id.in_(drawing_ids), Drawing.moderation.is_(None))
    ).all()
    for drawing in rows:
        drawing.moderation = "flagged"
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class QueueItem:
    """A drawing waiting for review: its ink, label, state, and the reports about it."""

    drawing_id: int
    ink: list[Any]
    word: str | None
    source: str
    moderation: str
    reports: int
    reasons: tuple[str, ...]
    created_at: datetime


def _label(session: Session, drawing: Drawing) -> str | None:
    """The word a drawing is labelled with: its own word, else its round's prompt."""
    if drawing.word is not None:
        return drawing.word.text
    return session.scalar(
        select(Word.text).join(Round, Round.word_id == Word.id).where(Round.drawing_id == drawing.id)
    )


def queue(session: Session, limit: int = 50) -> list[QueueItem]:
    """Reported and flagged drawings, oldest first, with their reports."""
    drawings = session.scalars(
        select(Drawing).where(Drawing.moderation.in_(PENDING)).order_by(Drawing.id).limit(limit)
    ).all()
    reasons: dict[int, list[str]] = {d.id: [] for d in drawings}
    counts: dict[int, int] = dict.fromkeys(reasons, 0)
    if drawings:
        for drawing_id, reason in session.execute(
            select(DrawingReport.drawing_id, DrawingReport.reason)
            .where(DrawingReport.drawing_id.in_(list(reasons)))
            .order_by(DrawingReport.id)
        ):
            counts[drawing_id] += 1
            if reason:
                reasons[drawing_id].append(reason)
    return [
        QueueItem(
            d.id,
            d.ink,
            _label(session, d),
            d.source,
            str(d.moderation),
            counts[d.id],
            tuple(reasons[d.id]),
            d.created_at,
        )
        for d in drawings
    ]


def pending_count(session: Session) -> int:
    """How many drawings wait for review."""
    return session.scalar(select(func.count(Drawing.id)).where(Drawing.moderation.in_(PENDING))) or 0


def _reviewed(session: Session, drawing_id: int) -> Drawing:
    drawing = session.get(Drawing, drawing_id)
    if drawing is None:
        raise DrawingNotFoundError(f"no drawing {drawing_id}")
    return drawing


def hide(session: Session, drawing_id: int, actor: User | None) -> Drawing:
    """Hide a drawing for good: never shown, never trains (audited)."""
    drawing = _reviewed(session, drawing_id)
    previous, drawing.moderation = drawing.moderation, "hidden"
    audit.record(session, actor, "hide_drawing", f"drawing:{drawing_id}", {"from": previous})
    return drawing


def keep(session: Session, drawing_id: int, actor: User | None) -> Drawing:
    """Keep a drawing as it is: shown again, trains (audited)."""
    drawing = _reviewed(session, drawing_id)
    previous, drawing.moderation = drawing.moderation, "kept"
    audit.record(session, actor, "keep_drawing", f"drawing:{drawing_id}", {"from": previous})
    return drawing


def relabel(session: Session, drawing_id: int, word: str, actor: User | None) -> Drawing:
    """Label a drawing with another word (raises ``UnknownWordError``); shown and trains with it (audited)."""
    drawing = _reviewed(session, drawing_id)
    target = find_word(session, word)
    before = _label(session, drawing)
    previous = drawing.moderation
    drawing.word_id, drawing.moderation = target.id, "relabelled"
    session.flush()
    details = {"from": previous, "word_from": before, "word_to": target.text}
    audit.record(session, actor, "relabel_drawing", f"drawing:{drawing_id}", details)
    return drawing


ACTIONS = ("hide", "keep", "relabel")


def review(session: Session, drawing_id: int, action: str, actor: User | None, word: str = "") -> Drawing:
    """Apply one of :data:`ACTIONS` (``relabel`` with ``word``) to a drawing; audited."""
    if action == "relabel":
        return relabel(session, drawing_id, word, actor)
    if action == "hide":
        return hide(session, drawing_id, actor)
    if action == "keep":
        return keep(session, drawing_id, actor)
    raise ValueError(f"unknown moderation action {action!r}; expected one of {', '.join(ACTIONS)}")
