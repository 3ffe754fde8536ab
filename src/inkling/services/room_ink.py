"""A turn's live drawing: the drawer's operations appended to ``room_strokes``, replayed, stored at the end.

Appending takes no room lock: one ``UPDATE`` of the turn's row checks that the sender is its drawer,
that the drawing is on and that the turn stays within ``inkling.ink.MAX_POINTS``, and serialises the
drawer's operations; an operation's id is its sequence number in the room's messages. A connection
hands over the operations that queued up while the previous batch was being stored, so a busy server
stores several in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, select, text, update
from sqlalchemy.orm import Session

from inkling.db.models import Drawing, Word
from inkling.db.room_models import Room as RoomRow
from inkling.db.room_models import RoomGuess, RoomStroke, RoomTurn
from inkling.game.sketch import POINTS, point_count, replay
from inkling.ink import MAX_POINTS, InkError, parse_ink

ROOM_SOURCE = "room"  # drawings.source of a turn's drawing; labelled with the chosen word


InkOp = tuple[str, int | None, Sequence[Sequence[float]] | None]  # (points | undo | clear, stroke, points)


def _claim(session: Session, room_id: int, player_id: int, count: int) -> int | None:
    """The id of the turn ``player_id`` draws now in ``room_id``, with ``count`` more points counted in it;
    ``None`` when they do not draw now or the drawing would pass ``MAX_POINTS``."""
    current = select(RoomRow.current_turn_id).where(RoomRow.id == room_id).scalar_subquery()
    return session.execute(
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


def _points(op: InkOp) -> int:
    return len(op[2] or ()) if op[0] == POINTS else 0


def add_ink(
    session: Session,
    room_id: int,
    player_id: int,
    ops: Sequence[InkOp],
    now: datetime,
    received: Sequence[float] | None = None,
) -> list[dict[str, Any]]:
    """Append ``player_id``'s operations in order to the drawing on in ``room_id``; the stored ones' messages.

    Nothing is stored when the player does not draw now; operations that would take the drawing past
    ``MAX_POINTS`` are left out. One claim of the turn's row covers the whole batch. ``received``: when
    the server got each operation (ms since the epoch), passed on as ``rx`` for latency measurements.
    """
    if session.get_bind().dialect.name == "postgresql":
        # live strokes: a commit need not wait for the disk (a crash may lose the last fraction of a second)
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    turn = _claim(session, room_id, player_id, sum(_points(op) for op in ops))
    kept = list(range(len(ops))) if turn is not None else []
    if turn is None:  # near the limit, or not drawing: operation by operation, those that still fit
        for index, op in enumerate(ops):
            claimed = _claim(session, room_id, player_id, _points(op))
            if claimed is not None:
                turn = claimed
                kept.append(index)
    if turn is None or not kept:
        return []
    rows = [
        {"turn_id": turn, "op": op, "stroke": stroke, "points": list(points or ()) or None, "created_at": now}
        for op, stroke, points in (ops[i] for i in kept)
    ]
    ids = session.scalars(insert(RoomStroke).returning(RoomStroke.id, sort_by_parameter_order=True), rows)
    messages = [
        {
            "type": "ink",
            "seq": seq,
            "op": row["op"],
            "stroke": row["stroke"],
            "points": row["points"],
            "by": player_id,  # the drawer's own connections do not get them back
        }
        for seq, row in zip(ids, rows, strict=True)
    ]
    for message, index in zip(messages, kept, strict=True):
        if received is not None:
            message["rx"] = received[index]
    return messages


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
