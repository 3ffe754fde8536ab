"""A turn's live drawing: the drawer's operations appended to ``room_strokes``, replayed, stored at the end.

Appending takes no room lock: one ``UPDATE`` of the turn's row checks that the sender is its drawer,
that the drawing is on and that the turn stays within ``inkling.ink.MAX_POINTS``, and serialises the
drawer's operations; the operation's id is its sequence number in the room's messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from inkling.db.models import Drawing, Word
from inkling.db.room_models import Room as RoomRow
from inkling.db.room_models import RoomGuess, RoomStroke, RoomTurn
from inkling.game.sketch import POINTS, point_count, replay
from inkling.ink import MAX_POINTS, InkError, parse_ink

ROOM_SOURCE = "room"  # drawings.source of a turn's drawing; labelled with the chosen word


def add_ink(
    session: Session,
    room_id: int,
    player_id: int,
    op: str,
    stroke: int | None,
    points: Sequence[Sequence[float]] | None,
    now: datetime,
) -> dict[str, Any] | None:
    """Append one operation of ``player_id`` to the drawing on in ``room_id``; its message, or ``None``.

    ``None`` (nothing stored) when the player is not drawing now or the drawing would pass
    ``MAX_POINTS``.
    """
    count = len(points or ()) if op == POINTS else 0
    current = select(RoomRow.current_turn_id).where(RoomRow.id == room_id).scalar_subquery()
    claimed = session.execute(
        update(RoomTurn)
        .where(
            RoomTurn.id == current,
            RoomTurn.drawer_id == player_id,
            RoomTurn.status == "drawing",
            RoomTurn.point_count + count <= MAX_POINTS,
        )
        .values(point_count=RoomTurn.point_count + count)
        .returning(RoomTurn.id)
    ).scalar()
    if claimed is None:
        return None
    record = RoomStroke(
        turn_id=claimed, op=op, stroke=stroke, points=list(points or ()) or None, created_at=now
    )
    session.add(record)
    session.flush()
    return {
        "type": "ink",
        "seq": record.id,
        "op": record.op,
        "stroke": record.stroke,
        "points": record.points,
        "by": player_id,  # the drawer's own connections do not get it back
    }


def turn_ink(session: Session, turn_id: int) -> tuple[list[list[list[float]]], int]:
    """A turn's drawing so far as raw ink, and the id of the last operation in it (0: none)."""
    rows = session.execute(
        select(RoomStroke.id, RoomStroke.op, RoomStroke.stroke, RoomStroke.points)
        .where(RoomStroke.turn_id == turn_id)
        .order_by(RoomStroke.id)
    ).all()
    return replay((op, stroke, points) for _, op, stroke, points in rows), (rows[-1][0] if rows else 0)


def store_turn_drawing(session: Session, turn: RoomTurn, user_id: int | None) -> Drawing | None:
    """Store a finished turn's drawing in ``drawings`` (source ``room``, the chosen word as its label)."""
    ink, _ = turn_ink(session, turn.id)
    if not ink:
        return None
    try:
        parsed = parse_ink(ink)
    except InkError:  # cannot happen for replayed ink; an unusable drawing is simply not kept
        return None
    drawing = Drawing(
        ink=ink,
        word_id=turn.word_id,
        user_id=user_id,
        source=ROOM_SOURCE,
        stroke_count=len(parsed.strokes),
        point_count=point_count(ink),
    )
    session.add(drawing)
    session.flush()
    turn.drawing_id = drawing.id
    return drawing


def labelled_room_drawings(session: Session, *, batch: int = 500) -> Iterator[tuple[Drawing, str, bool]]:
    """Turns' drawings of an official word: the drawing, its word, whether anyone (or the model) got it."""
    guessed = exists().where(RoomGuess.turn_id == RoomTurn.id, RoomGuess.verdict == "correct")
    query = (
        select(Drawing, Word.text, guessed)
        .join(Word, Word.id == Drawing.word_id)
        .join(RoomTurn, RoomTurn.drawing_id == Drawing.id)
        .where(Drawing.source == ROOM_SOURCE)
        .order_by(Drawing.id)
        .execution_options(yield_per=batch)
    )
    for drawing, word, hit in session.execute(query):
        yield drawing, word, bool(hit)
