"""Rooms' use cases: create, join, leave, kick, settings, start, choose a word, guess or chat, presence.

Each command locks the room's row, loads it as the rules' ``Room`` (:mod:`inkling.services.room_store`),
applies the command on the server clock, saves it and returns the messages for the caller to
publish once it has committed. Nothing commits here. A player is a ``room_players`` row of a user
(an account or a guest); the model has its own row.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from inkling.db.models import User, Word, WordCategory
from inkling.db.room_models import Room as RoomRow
from inkling.db.room_models import RoomGuess, RoomPlayer
from inkling.game.guessing import vocabulary_forms
from inkling.game.room_settings import (
    GUESS_RATE_LIMIT,
    GUESS_RATE_WINDOW_MS,
    MAX_NAME_LENGTH,
    MODEL_NAME,
    InvalidSettingsError,
    RoomSettings,
)
from inkling.game.room_state import Phase, Player
from inkling.game.rooms import NotInRoomError, Room
from inkling.services.game import aware, epoch_ms
from inkling.services.room_store import find_room, lock_and_load, record_line, save

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out and type
PUBLIC_CODE_LENGTH = 6  # public rooms are listed anyway
PRIVATE_CODE_LENGTH = 16  # 31**16 > 2**79: a private room's code cannot be guessed
CREATION_WINDOW = timedelta(minutes=10)
ROOMS_PER_USER = 5  # rooms one player may create per CREATION_WINDOW
ROOMS_PER_CLIENT = 20  # rooms one address may create per CREATION_WINDOW (INKLING_ROOM_CREATION_LIMIT)
WORDS_CACHE_S = 60.0  # word lists are read from the database at most this often per process

Messages = list[dict[str, Any]]


class RateLimitedError(RuntimeError):
    """Too many rooms created, or lines typed, in a short time (429)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = max(retry_after_s, 1)


class UnknownCategoryError(LookupError):
    """The settings name a category that does not exist (422)."""


class PlayerNotFoundError(LookupError):
    """The kicked player is not in the room (404)."""


@dataclass(frozen=True)
class Seat:
    """A player's seat found by user: the room's row and the player's row."""

    room: RoomRow
    player: RoomPlayer


# --- words -----------------------------------------------------------------------------------------

_words_cache: dict[tuple[str, str | None], tuple[float, tuple[str, ...]]] = {}


def _official_words(session: Session, category: str | None) -> tuple[str, ...]:
    """Enabled official words (of ``category``), cached for :data:`WORDS_CACHE_S`."""
    key = (str(session.get_bind().url), category)
    cached = _words_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < WORDS_CACHE_S:
        return cached[1]
    query = select(Word.text).where(Word.enabled.is_(True)).order_by(Word.text)
    if category is not None:
        query = query.join(WordCategory, WordCategory.id == Word.category_id).where(
            WordCategory.slug == category
        )
    words = tuple(session.scalars(query))
    _words_cache[key] = (time.monotonic(), words)
    return words


def room_words(session: Session, settings: RoomSettings) -> list[str]:
    """The words a drawer is offered: the custom list, else the category's (or every) official word."""
    if settings.custom_words:
        return list(settings.custom_words)
    return list(_official_words(session, settings.category))


def vocabulary(session: Session, settings: RoomSettings) -> frozenset[str]:
    """Comparison keys of every word a guess could mean (a guess naming one is never a typo)."""
    return _vocabulary(_official_words(session, None) + settings.custom_words)


_vocabularies: dict[tuple[str, ...], frozenset[str]] = {}


def _vocabulary(words: tuple[str, ...]) -> frozenset[str]:
    found = _vocabularies.get(words)
    if found is None:
        if len(_vocabularies) > 64:
            _vocabularies.clear()
        found = _vocabularies[words] = vocabulary_forms(words)
    return found


def check_settings(session: Session, settings: RoomSettings) -> RoomSettings:
    """``settings`` if their category exists (``UnknownCategoryError``) and give at least three words."""
    if settings.category is not None and not session.scalar(
        select(WordCategory.id).where(WordCategory.slug == settings.category)
    ):
        raise UnknownCategoryError(f"no category {settings.category!r}")
    if len(room_words(session, settings)) < 3:
        raise InvalidSettingsError("this category has fewer than three words")
    return settings


# --- creating and finding rooms ----------------------------------------------------------------------


def new_code(private: bool) -> str:
    """A random room code: long and unguessable for a private room, short for a public one."""
    length = PRIVATE_CODE_LENGTH if private else PUBLIC_CODE_LENGTH
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _check_creation_rate(
    session: Session, user: User, client_key: str, per_client: int, now: datetime
) -> None:
    since = now - CREATION_WINDOW
    for column, value, limit in (
        (RoomRow.created_by, user.id, ROOMS_PER_USER),
        (RoomRow.creator_key, client_key, per_client),
    ):
        recent = select(RoomRow.created_at).where(column == value, RoomRow.created_at > since)
        times = sorted(aware(t) for t in session.scalars(recent))
        if len(times) >= limit:
            wait = times[-limit] + CREATION_WINDOW - now
            raise RateLimitedError("too many rooms created; try again later", int(wait.total_seconds()) + 1)


def default_name(user: User) -> str:
    """The name a player has in a room unless they pick one: their username, cut to fit."""
    return user.username[:MAX_NAME_LENGTH]


def create_room(
    session: Session,
    user: User,
    *,
    client_key: str,
    settings: RoomSettings,
    private: bool,
    name: str | None,
    now: datetime,
    per_client: int = ROOMS_PER_CLIENT,
) -> RoomRow:
    """A new room in its lobby, ``user`` its host (``RateLimitedError`` past the creation limits)."""
    check_settings(session, settings)
    _check_creation_rate(session, user, client_key, per_client, now)
    code = new_code(private)
    while session.scalar(select(RoomRow.id).where(RoomRow.code == code)) is not None:
        code = new_code(private)
    row = RoomRow(
        code=code,
        is_private=private,
        settings=settings.to_document(),
        state={},
        created_by=user.id,
        creator_key=client_key[:128],
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    model = RoomPlayer(room_id=row.id, name=MODEL_NAME, is_model=True, seat=0, present=settings.model_plays)
    host = RoomPlayer(room_id=row.id, user_id=user.id, name="?", seat=1, present=False, seen_at=now)
    session.add_all([model, host])
    session.flush()
    room = Room(settings, [Player(model.id, MODEL_NAME, 0, is_model=True, present=settings.model_plays)])
    room.add_player(Player(host.id, name or default_name(user), 1, present=False))
    host.name, host.present = room.players[host.id].name, True
    row.state = room.state.to_document()
    session.flush()
    return row


def seat_of(session: Session, room: RoomRow, user: User | None) -> RoomPlayer | None:
    """``user``'s seat in ``room`` (left or kicked ones too), or None."""
    if user is None:
        return None
    return session.scalar(
        select(RoomPlayer).where(RoomPlayer.room_id == room.id, RoomPlayer.user_id == user.id)
    )


def require_seat(session: Session, code: str, user: User | None) -> Seat:
    """The room and ``user``'s present seat in it (``RoomNotFoundError``, ``NotInRoomError``)."""
    room = find_room(session, code)
    seat = seat_of(session, room, user)
    if seat is None or not seat.present:
        raise NotInRoomError("join the room first")
    return Seat(room, seat)


def public_rooms(session: Session, limit: int = 50) -> list[tuple[RoomRow, int]]:
    """Open public rooms, newest first, with how many people are in each."""
    people = (
        select(RoomPlayer.room_id, func.count(RoomPlayer.id).label("people"))
        .where(RoomPlayer.present.is_(True), RoomPlayer.is_model.is_(False))
        .group_by(RoomPlayer.room_id)
        .subquery()
    )
    query = (
        select(RoomRow, people.c.people)
        .join(people, people.c.room_id == RoomRow.id)
        .where(RoomRow.is_private.is_(False), RoomRow.phase != Phase.FINISHED.value)
        .order_by(RoomRow.id.desc())
        .limit(limit)
    )
    return [(row, count) for row, count in session.execute(query)]


def history(session: Session, user: User, limit: int = 50) -> list[tuple[RoomRow, RoomPlayer, int]]:
    """``user``'s finished rooms, newest first: the room, their seat (with the score) and their rank."""
    rows = session.execute(
        select(RoomRow, RoomPlayer)
        .join(RoomPlayer, RoomPlayer.room_id == RoomRow.id)
        .where(RoomPlayer.user_id == user.id, RoomRow.phase == Phase.FINISHED.value)
        .order_by(RoomRow.finished_at.desc(), RoomRow.id.desc())
        .limit(limit)
    ).all()
    found = []
    for room, seat in rows:
        better = select(func.count(RoomPlayer.id)).where(
            RoomPlayer.room_id == room.id, RoomPlayer.score > seat.score
        )
        found.append((room, seat, (session.scalar(better) or 0) + 1))
    return found


# --- commands ----------------------------------------------------------------------------------------


def join_room(
    session: Session, code: str, user: User, name: str | None, now: datetime
) -> tuple[Seat, Messages]:
    """Seat ``user`` in the room or bring them back (KickedError, RoomFullError, NameTakenError)."""
    loaded = lock_and_load(session, find_room(session, code).id, now)
    seat = seat_of(session, loaded.row, user)
    if seat is None:
        seats = [p.seat for p in loaded.players.values()]
        seat = RoomPlayer(
            room_id=loaded.row.id, user_id=user.id, name="?", seat=max(seats) + 1, present=False
        )
        session.add(seat)
        session.flush()
        loaded.players[seat.id] = seat
        player = Player(seat.id, name or default_name(user), seat.seat, present=False)
    else:
        player = loaded.room.players[seat.id]
        if name and not player.present:
            player.name = name
    seat.seen_at = now  # online (for the grace period) until the connection opens
    loaded.room.add_player(player)
    seat.name = player.name
    return Seat(loaded.row, seat), save(session, loaded, now)


def leave_room(session: Session, code: str, user: User | None, now: datetime) -> tuple[int, Messages]:
    """``user`` leaves; their seat (and score) stays for the room's history."""
    found = require_seat(session, code, user)
    loaded = lock_and_load(session, found.room.id, now)
    loaded.room.leave(found.player.id, epoch_ms(now))
    return found.room.id, save(session, loaded, now)


def kick_player(
    session: Session, code: str, user: User | None, target: int, now: datetime
) -> tuple[int, Messages]:
    """The host removes player ``target`` for good (``NotHostError`` for anyone else)."""
    found = require_seat(session, code, user)
    loaded = lock_and_load(session, found.room.id, now)
    loaded.room.require_host(found.player.id)
    victim = loaded.room.players.get(target)
    if victim is None or not victim.present:
        raise PlayerNotFoundError(f"no player {target} in this room")
    loaded.room.kick(found.player.id, target, epoch_ms(now))
    return found.room.id, save(session, loaded, now)


def change_settings(
    session: Session, code: str, user: User | None, changes: dict[str, Any], now: datetime
) -> tuple[int, Messages]:
    """The host changes the settings in the lobby."""
    found = require_seat(session, code, user)
    loaded = lock_and_load(session, found.room.id, now)
    settings = check_settings(session, loaded.room.settings.updated(**changes))
    loaded.room.update_settings(found.player.id, settings)
    loaded.players[_model_seat(loaded.players)].present = settings.model_plays
    return found.room.id, save(session, loaded, now)


def _model_seat(players: dict[int, RoomPlayer]) -> int:
    return next(pid for pid, row in players.items() if row.is_model)


def start_game(
    session: Session, code: str, user: User | None, now: datetime, rng: random.Random
) -> tuple[int, Messages]:
    """The host starts the game: the first drawer is offered three words."""
    found = require_seat(session, code, user)
    loaded = lock_and_load(session, found.room.id, now)
    loaded.room.start(found.player.id, epoch_ms(now), room_words(session, loaded.room.settings), rng)
    return found.room.id, save(session, loaded, now)


def choose_word(
    session: Session, room_id: int, player_id: int, index: int, now: datetime, rng: random.Random
) -> Messages:
    """The drawer picks word ``index`` of three."""
    loaded = lock_and_load(session, room_id, now)
    loaded.room.choose(player_id, index, epoch_ms(now), rng)
    return save(session, loaded, now)


def _check_line_rate(session: Session, player_id: int, now: datetime) -> None:
    since = now - timedelta(milliseconds=GUESS_RATE_WINDOW_MS)
    recent = select(RoomGuess.created_at).where(
        RoomGuess.player_id == player_id, RoomGuess.created_at > since
    )
    times = sorted(aware(t) for t in session.scalars(recent))
    if len(times) >= GUESS_RATE_LIMIT:
        wait = times[-GUESS_RATE_LIMIT] + timedelta(milliseconds=GUESS_RATE_WINDOW_MS) - now
        raise RateLimitedError("slow down: too many guesses", int(wait.total_seconds()) + 1)


def send_line(session: Session, room_id: int, player_id: int, text: str, now: datetime) -> Messages:
    """A guess (while someone draws) or a chat line; ``RateLimitedError`` past the typing limit."""
    loaded = lock_and_load(session, room_id, now)
    _check_line_rate(session, player_id, now)
    result = loaded.room.guess(player_id, text, epoch_ms(now), vocabulary(session, loaded.room.settings))
    record_line(session, loaded, result, now)
    return save(session, loaded, now)


def release_shared_seats(session: Session, guest: User, account: User) -> None:
    """Before a guest's rows pass to ``account`` (log-in): the guest's seat in a room where the account
    sits already keeps its turns and guesses but loses its owner (one seat per user and room)."""
    sits = select(RoomPlayer.room_id).where(RoomPlayer.user_id == account.id)
    session.execute(
        update(RoomPlayer)
        .where(RoomPlayer.user_id == guest.id, RoomPlayer.room_id.in_(sits))
        .values(user_id=None, present=False)
    )


# --- presence ----------------------------------------------------------------------------------------


def connect(session: Session, room_id: int, player_id: int, now: datetime) -> bool:
    """Count one more open connection of a present player; False if they are not in the room."""
    result = session.execute(
        update(RoomPlayer)
        .where(RoomPlayer.id == player_id, RoomPlayer.room_id == room_id, RoomPlayer.present.is_(True))
        .values(connections=RoomPlayer.connections + 1, seen_at=now)
    )
    return bool(result.rowcount)


def disconnect(session: Session, player_id: int, now: datetime) -> None:
    """Count one connection fewer (the player stays online for the grace period)."""
    fewer = case((RoomPlayer.connections > 0, RoomPlayer.connections - 1), else_=0)
    session.execute(
        update(RoomPlayer).where(RoomPlayer.id == player_id).values(connections=fewer, seen_at=now)
    )


def heartbeat(session: Session, player_id: int, now: datetime) -> None:
    """An open connection is alive."""
    session.execute(update(RoomPlayer).where(RoomPlayer.id == player_id).values(seen_at=now))


def room_for_viewing(session: Session, code: str, user: User | None) -> tuple[RoomRow, int | None]:
    """The room and ``user``'s present seat id in it (None: watching only)."""
    room = find_room(session, code)
    seat = seat_of(session, room, user)
    return room, (seat.id if seat is not None and seat.present else None)
