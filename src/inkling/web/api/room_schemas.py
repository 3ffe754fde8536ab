"""Request and answer bodies of ``/api/v1/rooms``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from inkling.db.room_models import Room as RoomRow
from inkling.game.room_settings import (
    MAX_CUSTOM_WORDS,
    MAX_DRAW_SECONDS,
    MAX_NAME_LENGTH,
    MAX_PLAYERS,
    MAX_ROUNDS,
    MAX_WORD_LENGTH,
    MIN_DRAW_SECONDS,
    MIN_PLAYERS,
    MIN_ROUNDS,
)
from inkling.web.api.fields import StrictBody, UtcDatetime
from inkling.web.params import DbId

CustomWord = Annotated[str, Field(min_length=1, max_length=MAX_WORD_LENGTH)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH, description="the name shown")]


class RoomSettingsUpdate(StrictBody):
    """Settings to change; those left out keep their value."""

    rounds: int | None = Field(default=None, ge=MIN_ROUNDS, le=MAX_ROUNDS)
    draw_seconds: int | None = Field(default=None, ge=MIN_DRAW_SECONDS, le=MAX_DRAW_SECONDS)
    max_players: int | None = Field(default=None, ge=MIN_PLAYERS, le=MAX_PLAYERS, description="people")
    model_plays: bool | None = Field(default=None, description="the model guesses as the player Inkling")
    category: str | None = Field(default=None, min_length=1, max_length=64, description="a category slug")
    any_word: bool | None = Field(default=None, description="true: words from every category (no category)")
    custom_words: list[CustomWord] | None = Field(
        default=None, max_length=MAX_CUSTOM_WORDS, description="3-300 words replacing the category; [] none"
    )

    def changes(self) -> dict[str, Any]:
        """The settings to change, as ``RoomSettings`` fields."""
        found = self.model_dump(
            exclude_none=True, include={"rounds", "draw_seconds", "max_players", "model_plays", "category"}
        )
        if self.any_word:
            found["category"] = None
        if self.custom_words is not None:
            found["custom_words"] = tuple(self.custom_words)
        return found


class RoomCreate(RoomSettingsUpdate):
    """A new room: its settings (defaults: 3 rounds of 80 s, 8 people, the model plays, any word)."""

    private: bool = Field(default=True, description="private: only the link (an unguessable code) gets in")
    name: Name | None = None


class RoomJoin(StrictBody):
    """Joining a room: the name to show (default: the username)."""

    name: Name | None = None


class RoomKick(StrictBody):
    """The player the host removes (a player's ``id`` from the room's snapshot)."""

    player: DbId


class RoomPublic(BaseModel):
    """A room: its code and links, privacy, phase and how many people are in it."""

    code: str
    url: str = Field(description="the shareable link")
    tv_url: str = Field(description="a read-only screen of the room (no player slot)")
    private: bool
    phase: str = Field(description="lobby | choosing | drawing | reveal | finished")
    people: int
    created_at: UtcDatetime


class RoomHistoryPublic(BaseModel):
    """A finished room the user played in: their name, score and place."""

    code: str
    name: str
    score: int
    rank: int
    finished_at: UtcDatetime | None


def room_public(row: RoomRow, people: int) -> RoomPublic:
    """The public fields of a room."""
    return RoomPublic(
        code=row.code,
        url=f"/r/{row.code}",
        tv_url=f"/r/{row.code}/tv",
        private=row.is_private,
        phase=row.phase,
        people=people,
        created_at=row.created_at,
    )
