"""The tables of rooms (drawing with friends): rooms, their players, turns, the live ink log, guesses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inkling.db.base import Base, JsonDocument, utcnow


class Room(Base):
    """A room: its code, settings and live state (the rules' JSON document), and when its clock ticks next."""

    __tablename__ = "rooms"
    __table_args__ = (Index("ix_rooms_creator_key_created_at", "creator_key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # what the link names: 6 characters for a public room, 16 (80 random bits) for a private one
    code: Mapped[str] = mapped_column(String(16), unique=True)
    is_private: Mapped[bool] = mapped_column(Boolean, default=True)
    # inkling.game.room_settings.RoomSettings.to_document()
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # inkling.game.room_state.RoomState.to_document(); players live in room_players
    state: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # lobby | choosing | drawing | reveal | finished (a copy of the state's phase, for listing)
    phase: Mapped[str] = mapped_column(String(16), default="lobby")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # who asked (``ip:<address>``), for the room-creation rate limit
    creator_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # the next moment the server's clock changes something in the room (null: nothing due)
    next_tick_at: Mapped[datetime | None] = mapped_column(index=True)
    # the turn being played or last played (room_turns.id; no foreign key: the turn points back)
    current_turn_id: Mapped[int | None] = mapped_column(Integer)


class RoomPlayer(Base):
    """A seat in a room: an account or guest (``user_id``), or the model (``is_model``), with its score."""

    __tablename__ = "room_players"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    is_model: Mapped[bool] = mapped_column(Boolean, default=False)
    seat: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    kicked: Mapped[bool] = mapped_column(Boolean, default=False)
    # open WebSocket connections of this player, over all server processes
    connections: Mapped[int] = mapped_column(Integer, default=0)
    # last sign of life of a connection (a connection refreshes it; online = connected and seen lately)
    seen_at: Mapped[datetime | None]
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoomTurn(Base):
    """One turn at drawing: who drew, the word they chose, when, and the stored drawing."""

    __tablename__ = "room_turns"
    __table_args__ = (UniqueConstraint("room_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer)
    drawer_id: Mapped[int] = mapped_column(ForeignKey("room_players.id", ondelete="CASCADE"), index=True)
    word: Mapped[str | None] = mapped_column(String(64))
    # the official word when the chosen word is one (the drawing's label)
    word_id: Mapped[int | None] = mapped_column(ForeignKey("words.id", ondelete="SET NULL"), index=True)
    # choosing | drawing | done; the ink log takes points only while drawing
    status: Mapped[str] = mapped_column(String(16), default="choosing")
    # points in the ink log so far (bounded by inkling.ink.MAX_POINTS)
    point_count: Mapped[int] = mapped_column(Integer, default=0)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    drawing_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # all_guessed | time | drawer_left
    end_reason: Mapped[str | None] = mapped_column(String(16))
    drawing_id: Mapped[int | None] = mapped_column(ForeignKey("drawings.id", ondelete="SET NULL"))


class RoomStroke(Base):
    """One operation of a turn's live drawing: points added to a stroke, undo or clear (game.sketch)."""

    __tablename__ = "room_strokes"
    __table_args__ = (Index("ix_room_strokes_turn_id_id", "turn_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("room_turns.id", ondelete="CASCADE"))
    # points | undo | clear
    op: Mapped[str] = mapped_column(String(8))
    stroke: Mapped[int | None] = mapped_column(Integer)
    # [[x, y, t], ...] for points
    points: Mapped[list[Any] | None] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoomGuess(Base):
    """A line typed in a room (or said by the model): a guess with its verdict and points, or chat."""

    __tablename__ = "room_guesses"
    __table_args__ = (
        Index("ix_room_guesses_room_id_id", "room_id", "id"),
        Index("ix_room_guesses_player_id_created_at", "player_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("room_turns.id", ondelete="CASCADE"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("room_players.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(128))
    # correct | close | wrong; null for chat
    verdict: Mapped[str | None] = mapped_column(String(8))
    points: Mapped[int] = mapped_column(Integer, default=0)
    # player ids who may read it; null: everyone
    audience: Mapped[list[int] | None] = mapped_column(JsonDocument)
    # on the drawing clock, for guesses made while a drawing was on
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
