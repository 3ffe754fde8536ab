"""A turn's live drawing: the drawer's operations appended to ``room_strokes``, replayed, stored at the end.

Appending takes no room lock: one ``UPDATE`` of the turn's row checks that the sender is its drawer,
that the drawing is on and that the turn stays within ``inkling.ink.MAX_POINTS``, and serialises the
drawer's operations; an operation's id is its sequence number in the room's messages. A server
process stores the operations (of all its rooms) that queued up while the previous batch was being
stored in one transaction, so a busy server commits far less often than it receives strokes; it never
waits on a turn's row that a command holds (the turn is changing: those few strokes are dropped).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class PendingInk:
    """One drawing operation on its way to the database: whose, which room, when the server got it."""

    room_id: int
    player_id: int
    op: InkOp
    received_ms: float  # ms since the epoch, passed on as ``rx`` (latency measurements)


def _claim(session: Session, room_id: int, player_id: int, count: int) -> int | None:
    """The id of the turn ``player_id`` draws now in ``room_id``, with ``count`` more points counted in it;
    ``None`` when they do not draw now, the drawing would pass ``MAX_POINTS``, or the turn's row is
    being updated (a command is ending or starting the turn: PostgreSQL skips it instead of waiting)."""
    # FOR NO KEY UPDATE ... SKIP LOCKED: the foreign-key checks of guesses and strokes on the turn (FOR KEY
    # SHARE) neither wait for this claim nor block it; a command updating the turn makes it skip
    turn = (
        select(RoomTurn.id)
        .join(RoomRow, RoomRow.current_turn_id == RoomTurn.id)
        .where(
            RoomRow.id == room_id,
            RoomTurn.drawer_id == player_id,
            RoomTurn.status == "drawing",
            RoomTurn.point_count + count <= MAX_POINTS,
        )
        .with_for_update(of=RoomTurn, skip_locked=True, key_share=True)
        .scalar_subquery()
    )
    return session.execute(
        update(RoomTurn)
        .where(RoomTurn.id == turn)
        .values(point_count=RoomTurn.point_count + count)
        .returning(RoomTurn.id)
    ).scalar()


def _points(op: InkOp) -> int:
    return len(op[2] or ()) if op[0] == POINTS else 0


def _claim_all(session: Session, pending: Sequence[PendingInk]) -> list[tuple[int, int]]:
    """(index, turn id) of the operations that may be stored: one claim per drawer, or one per operation
    for a drawer near the limit (those that still fit) or not drawing now (none)."""
    drawers: dict[tuple[int, int], list[int]] = {}
    for index, item in enumerate(pending):
        drawers.setdefault((item.room_id, item.player_id), []).append(index)
    kept: list[tuple[int, int]] = []
    for (room_id, player_id), indexes in drawers.items():
        turn = _claim(session, room_id, player_id, sum(_points(pending[i].op) for i in indexes))
        if turn is not None:
            kept += [(i, turn) for i in indexes]
            continue
        for i in indexes:
            claimed = _claim(session, room_id, player_id, _points(pending[i].op))
            if claimed is not None:
                kept.append((i, claimed))
    return sorted(kept)


def add_ink(
    session: Session, pending: Sequence[PendingInk], now: datetime
) -> dict[int, list[dict[str, Any]]]:
    """Store drawers' operations (any rooms) in order in one transaction; the stored ones' messages by room.

    A player's operations are stored only while they draw; those that would take the drawing past
    ``MAX_POINTS`` are left out.
    """
    if session.get_bind().dialect.name == "postgresql":
        # live strokes: a commit need not wait for the disk (a crash may lose the last fraction of a second)
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    kept = _claim_all(session, pending)
    if not kept:
        return {}
    rows = [
        {
            "turn_id": turn,
            "op": pending[i].op[0],
            "stroke": pending[i].op[1],
            "points": list(pending[i].op[2] or ()) or None,
            "created_at": now,
        }
        for i, turn in kept
    ]
    ids = session.scalars(insert(RoomStroke).returning(RoomStroke.id, sort_by_parameter_order=True), rows)
    messages: dict[int, list[dict[str, Any]]] = {}
    for seq, row, (i, _) in zip(ids, rows, kept, strict=True):
        item = pending[i]
        messages.setdefault(item.room_id, []).append(
            {
                "type": "ink",
                "seq": seq,
                "op": row["op"],
                "stroke": row["stroke"],
                "points": row["points"],
                "by": item.player_id,  # the drawer's own connections do not get it back
                "rx": item.received_ms,
            }
        )
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
