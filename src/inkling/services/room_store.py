"""Rooms between the database and the rules: find, lock, load a room's rows as a ``game.rooms.Room``, save.

A room's commands are serialised by a lock on its ``rooms`` row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite a first write takes the database's write lock). :func:`save` writes the rules'
state back, syncs the ``room_turns`` row of the current turn (storing the finished drawing), and
turns the rules' events into the messages the caller publishes after committing. Nothing commits here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inkling.db.models import Word
from inkling.db.room_models import Room as RoomRow
from inkling.db.room_models import RoomGuess, RoomPlayer, RoomTurn
from inkling.game.room_settings import ONLINE_GRACE_MS, RoomSettings
from inkling.game.room_state import Phase, Player, RoomState
from inkling.game.rooms import GuessResult, Room
from inkling.services.game import aware, epoch_ms
from inkling.services.room_ink import store_turn_drawing

HEARTBEAT_S = 20  # an open connection refreshes its player's seen_at this often
STALE_CONNECTION_MS = 3 * HEARTBEAT_S * 1000  # a counted connection not seen for this long is a dead one


class RoomNotFoundError(LookupError):
    """No room with that code (404)."""


@dataclass
class LoadedRoom:
    """A room's row, its players' rows by id, and the rules' view of them."""

    row: RoomRow
    players: dict[int, RoomPlayer]
    room: Room
    messages: list[dict[str, Any]] = field(default_factory=list)  # chat lines recorded by this command


def moment(ms: int) -> datetime:
    """A UTC datetime of ms since the epoch."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def is_online(player: RoomPlayer, now: datetime) -> bool:
    """Connected lately (a live connection refreshes ``seen_at``), or lost the connection moments ago."""
    if player.seen_at is None:
        return False
    since = (now - aware(player.seen_at)) / timedelta(milliseconds=1)
    return since <= ONLINE_GRACE_MS or (player.connections > 0 and since <= STALE_CONNECTION_MS)


def find_room(session: Session, code: str) -> RoomRow:
    """The room with ``code`` (``RoomNotFoundError`` otherwise)."""
    row = session.scalar(select(RoomRow).where(RoomRow.code == code))
    if row is None:
        raise RoomNotFoundError("no room with this code")
    return row


def lock_room(session: Session, room_id: int) -> RoomRow | None:
    """The room's row, locked until the transaction ends; ``None`` if it is gone."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(RoomRow).where(RoomRow.id == room_id).values(id=RoomRow.id))
    query = select(RoomRow).where(RoomRow.id == room_id).execution_options(populate_existing=True)
    return session.scalar(query.with_for_update())


def player_rows(session: Session, room_id: int) -> dict[int, RoomPlayer]:
    """Every seat of a room, by id."""
    rows = session.scalars(select(RoomPlayer).where(RoomPlayer.room_id == room_id))
    return {row.id: row for row in rows}


def load(session: Session, row: RoomRow, now: datetime) -> LoadedRoom:
    """The rules' room for ``row`` (lock it first when it is to change)."""
    players = player_rows(session, row.id)
    domain_players = [
        Player(
            id=p.id,
            name=p.name,
            seat=p.seat,
            is_model=p.is_model,
            score=p.score,
            present=p.present,
            online=p.is_model or is_online(p, now),
            kicked=p.kicked,
        )
        for p in players.values()
    ]
    settings = RoomSettings.from_document(row.settings)
    return LoadedRoom(row, players, Room(settings, domain_players, RoomState.from_document(row.state)))


def lock_and_load(session: Session, room_id: int, now: datetime) -> LoadedRoom:
    """Lock and load a room (``RoomNotFoundError`` if it is gone)."""
    row = lock_room(session, room_id)
    if row is None:
        raise RoomNotFoundError("the room is gone")
    return load(session, row, now)


def record_line(session: Session, loaded: LoadedRoom, result: GuessResult, now: datetime) -> RoomGuess:
    """Store a typed (or said) line and queue its chat messages."""
    turn_id = loaded.row.current_turn_id if result.elapsed_ms is not None else None  # a guess at a drawing
    line = RoomGuess(
        room_id=loaded.row.id,
        turn_id=turn_id,
        player_id=result.player,
        text=result.text,
        verdict=None if result.verdict is None else result.verdict.value,
        points=result.points,
        audience=None if result.audience is None else list(result.audience),
        elapsed_ms=result.elapsed_ms,
        created_at=now,
    )
    session.add(line)
    session.flush()
    name = loaded.room.players[result.player].name
    loaded.messages.extend(chat_messages(line, name))
    return line


def chat_messages(line: RoomGuess, name: str) -> list[dict[str, Any]]:
    """What a stored line (a row, or its columns) sends: the line to its audience, "close!" to its guesser."""
    message: dict[str, Any] = {"type": "chat", "id": line.id, "player": line.player_id, "name": name}
    message["text"] = line.text
    if line.verdict == "correct":
        message.update(verdict="correct", points=line.points)
    if line.audience is not None:
        message["to"] = list(line.audience)
    found = [message]
    if line.verdict == "close":
        found.append({"type": "close", "id": line.id, "to": [line.player_id]})
    return found


def _official_word_id(session: Session, word: str) -> int | None:
    return session.scalar(select(Word.id).where(func.lower(Word.text) == word.lower()))


def sync_turn(session: Session, loaded: LoadedRoom, now: datetime) -> None:
    """Make the ``room_turns`` row of the rules' current turn match it (and store a finished drawing)."""
    turn, row = loaded.room.turn, loaded.row
    if turn is None:
        return
    record = session.get(RoomTurn, row.current_turn_id) if row.current_turn_id is not None else None
    if record is None or record.number != turn.number:
        record = RoomTurn(
            room_id=row.id,
            number=turn.number,
            round=turn.round,
            drawer_id=turn.drawer,
            status="choosing",
            offered_at=moment(turn.offered_ms),
        )
        session.add(record)
        session.flush()
        row.current_turn_id = record.id
    if turn.word is not None and record.word is None:
        record.word, record.word_id = turn.word, _official_word_id(session, turn.word)
        record.drawing_at = moment(turn.drawing_ms or epoch_ms(now))
        record.status = "drawing"
    if turn.ended_ms is not None and record.status != "done":
        record.status, record.ended_at, record.end_reason = "done", moment(turn.ended_ms), turn.end_reason
        drawer = loaded.players.get(turn.drawer)
        store_turn_drawing(session, record, drawer.user_id if drawer is not None else None)


def save(session: Session, loaded: LoadedRoom, now: datetime) -> list[dict[str, Any]]:
    """Write the rules' state back; the messages to publish once committed (events, then chat lines)."""
    room, row = loaded.room, loaded.row
    sync_turn(session, loaded, now)
    for player in room.players.values():
        record = loaded.players[player.id]
        record.score, record.present, record.kicked = player.score, player.present, player.kicked
    row.settings = room.settings.to_document()
    row.state = room.state.to_document()
    if room.phase is Phase.FINISHED and row.phase != Phase.FINISHED.value:
        row.finished_at = now
    row.phase = room.phase.value
    due = room.next_due_ms()
    row.next_tick_at = None if due is None else moment(due)
    row.updated_at = now
    session.flush()
    messages = [event_message(event.type, event.data, event.to) for event in room.events]
    room.events.clear()
    messages += loaded.messages
    loaded.messages = []
    return messages


def event_message(kind: str, data: dict[str, Any], to: tuple[int, ...] | None = None) -> dict[str, Any]:
    """A rules event as a message: ``{"type", ...data, "to"?}``."""
    message = {"type": kind, **data}
    if to is not None:
        message["to"] = list(to)
    return message
