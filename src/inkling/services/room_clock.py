"""The server's clock over rooms: deadlines, hint letters and the model's looks at the drawing.

Every room stores when its clock next changes something (``rooms.next_tick_at``). Any server
process may :func:`claim_due_rooms` — claiming a room moves its ``next_tick_at`` a few seconds on,
so two processes do not work on it at once and a process that dies leaves it to another — and then
:func:`advance_room` it: the model looks at the drawing (outside any lock: it takes a while), then
the room is locked, the clock's steps are applied one by one, the look is judged, and saving sets
the room's next ``next_tick_at``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from inkling.db.room_models import Room as RoomRow
from inkling.db.room_models import RoomTurn
from inkling.services.game import epoch_ms
from inkling.services.room_ink import turn_ink
from inkling.services.room_store import load, lock_room, record_line, save, sync_turn
from inkling.services.rooms import room_words, vocabulary

CLAIM_S = 10  # a claimed room is left to its claimer this long (it is saved long before)
CLAIM_BATCH = 50  # rooms claimed at once

Ranked = Sequence[tuple[str, float]]
Predict = Callable[[list[Any]], Ranked]  # raw ink -> the model's ranked (word, probability) guesses

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Look:
    """What the model made of a turn's drawing (``ranked`` None: the ink had not changed)."""

    turn_number: int
    ranked: Ranked | None
    points: int


def claim_due_rooms(session: Session, now: datetime) -> list[int]:
    """Ids of rooms whose clock is due by ``now``, claimed for this caller for :data:`CLAIM_S`."""
    due = (
        select(RoomRow.id)
        .where(RoomRow.next_tick_at <= now)
        .order_by(RoomRow.next_tick_at)
        .limit(CLAIM_BATCH)
    )
    if session.scalars(due).first() is None:  # most ticks find nothing: a read, no write lock
        return []
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = session.scalars(
        update(RoomRow)
        .where(RoomRow.id.in_(due.scalar_subquery()))
        .values(next_tick_at=now + timedelta(seconds=CLAIM_S))
        .returning(RoomRow.id)
    )
    return sorted(claimed)


def model_look(session: Session, room_id: int, now: datetime, predict: Predict | None) -> Look | None:
    """Let the model look at the room's drawing if it is due to; None when it is not."""
    row = session.get(RoomRow, room_id)
    if predict is None or row is None or row.current_turn_id is None:
        return None
    room = load(session, row, now).room
    turn = room.turn
    if turn is None or not room.model_due(epoch_ms(now)):
        return None
    record = session.get(RoomTurn, row.current_turn_id)
    points = record.point_count if record is not None else 0
    if record is None or points == turn.model_seen_points:
        return Look(turn.number, None, points)
    ink, _ = turn_ink(session, record.id)
    session.rollback()  # hold no transaction while the model works
    try:
        ranked = predict(ink)
    except Exception:  # a model that fails (none active, a bad file) must not stop the room's clock
        log.exception("the model could not look at room %s's drawing", room_id)
        ranked = None
    return Look(turn.number, ranked, points)


def advance_room(
    sessions: sessionmaker[Session],
    room_id: int,
    now: datetime,
    predict: Predict | None,
    rng: random.Random,
) -> list[dict[str, Any]]:
    """Apply what the clock has made due in one room, commit; the messages to publish."""
    with sessions() as session:
        look = model_look(session, room_id, now, predict)
        session.rollback()
        row = lock_room(session, room_id)  # claimed: only commands (short) can hold it
        if row is None:
            return []
        loaded = load(session, row, now)
        room, clock = loaded.room, epoch_ms(now)

        def words() -> list[str]:
            return room_words(session, room.settings)

        while room.step(clock, words, rng):
            sync_turn(session, loaded, now)
        if look is not None:
            said = room.model_guess(
                look.turn_number, look.ranked, clock, look.points, vocabulary(session, room.settings)
            )
            if said is not None:
                record_line(session, loaded, said, now)
        messages = save(session, loaded, now)
        session.commit()
    return messages
