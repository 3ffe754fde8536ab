"""What a room's WebSocket accepts from the browser, and the close codes it answers bad messages with.

Client messages are JSON text of at most :data:`MAX_MESSAGE_BYTES`, one of::

    {"type": "ink", "stroke": 0..499, "points": [[x, y, t], ...]}   points added to a stroke (drawer)
    {"type": "undo"}  {"type": "clear"}                              (drawer)
    {"type": "choose", "index": 0..2}                                the word to draw (drawer)
    {"type": "guess", "text": "..."}                                 a guess, or chat (1..100 characters)
    {"type": "ping"}                                                 answered {"type": "pong"}

Anything else — binary, too big, not JSON, an unknown type or field, a value out of range — closes
the connection with the code below and a reason, and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from inkling.game.room_settings import MAX_MESSAGE_LENGTH
from inkling.ink import MAX_STROKES

MAX_MESSAGE_BYTES = 16 * 1024  # a stroke update every 100 ms carries a few dozen points
MAX_POINTS_PER_MESSAGE = 200
MAX_COORDINATE = 100_000.0  # the drawing canvas is 1000 units wide
MAX_TIME_MS = 3_600_000.0

CLOSE_UNSUPPORTED = 1003  # binary data
CLOSE_INVALID = 1007  # not JSON, or not a message we know
CLOSE_POLICY = 1008  # a read-only view sent a command, or a page of another site connected
CLOSE_TOO_BIG = 1009
CLOSE_ERROR = 1011  # the server failed
CLOSE_NOT_MEMBER = 4003  # not (or no longer) a player of the room: kicked, left, never joined
CLOSE_NO_ROOM = 4004
MAX_REASON_BYTES = 123  # the WebSocket protocol's limit on a close reason


class InvalidMessage(ValueError):
    """A client message that breaks the protocol: the connection is closed with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason.encode()[:MAX_REASON_BYTES].decode(errors="ignore")


Coordinate = Annotated[float, Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE, allow_inf_nan=False)]
Time = Annotated[float, Field(ge=0, le=MAX_TIME_MS, allow_inf_nan=False)]


class _Message(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class InkIn(_Message):
    """Points added to stroke ``stroke`` of the drawing."""

    type: Literal["ink"]
    stroke: int = Field(ge=0, lt=MAX_STROKES)
    points: list[tuple[Coordinate, Coordinate, Time]] = Field(min_length=1, max_length=MAX_POINTS_PER_MESSAGE)


class UndoIn(_Message):
    """Remove the last stroke."""

    type: Literal["undo"]


class ClearIn(_Message):
    """Remove every stroke."""

    type: Literal["clear"]


class ChooseIn(_Message):
    """The drawer's word: one of the three offered."""

    type: Literal["choose"]
    index: int = Field(ge=0, le=2)


class GuessIn(_Message):
    """A guess, or a chat line."""

    type: Literal["guess"]
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)


class PingIn(_Message):
    """Keep-alive."""

    type: Literal["ping"]


ClientMessage = Annotated[InkIn | UndoIn | ClearIn | ChooseIn | GuessIn | PingIn, Field(discriminator="type")]
_ADAPTER: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


def parse_message(text: str | None) -> ClientMessage:
    """The message of one WebSocket frame's text (None: a binary frame); ``InvalidMessage`` if bad."""
    if text is None:
        raise InvalidMessage(CLOSE_UNSUPPORTED, "send JSON text, not binary data")
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode()) > MAX_MESSAGE_BYTES:
        raise InvalidMessage(CLOSE_TOO_BIG, f"message over {MAX_MESSAGE_BYTES} bytes")
    try:
        return _ADAPTER.validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            raise InvalidMessage(CLOSE_INVALID, f"not JSON: {first['msg']}") from None
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidMessage(CLOSE_INVALID, f"invalid message: {where}: {first['msg']}") from None
