"""A room's players and live state as plain data, and the JSON document it is stored as."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import InvalidStateError

ROOM_DOCUMENT_VERSION = 1  # bump when the shape of the ``rooms.state`` document changes


class Phase(StrEnum):
    """Where a room stands."""

    LOBBY = "lobby"  # players gather, the host sets the game up
    CHOOSING = "choosing"  # the drawer picks one of three words
    DRAWING = "drawing"  # the drawer draws, the others (and the model) guess
    REVEAL = "reveal"  # the word and the turn's points (and after a round's last turn, the standings)
    FINISHED = "finished"  # the podium


@dataclass(slots=True)
class Player:
    """A seat in the room: a person, or the model ("Inkling")."""

    id: int
    name: str
    seat: int  # join order; turns go round in this order
    is_model: bool = False
    score: int = 0
    present: bool = True  # in the room (has not left, was not kicked)
    online: bool = True  # connected now, or lost the connection only moments ago
    kicked: bool = False


@dataclass(frozen=True, slots=True)
class Correct:
    """A correct guess within a turn."""

    player: int
    points: int
    elapsed_ms: int  # on the drawing clock


@dataclass(slots=True)
class Turn:
    """One player's turn at drawing; times are on the server clock (ms since the epoch) unless named."""

    number: int  # 1-based over the game
    round: int
    drawer: int  # player id
    choices: tuple[str, ...]
    offered_ms: int  # when the choices were shown
    word: str | None = None
    drawing_ms: int | None = None  # when the word was chosen and the drawing clock started
    hint_order: tuple[int, ...] = ()  # letter positions, revealed in this order
    hints: int = 0  # letters revealed so far
    correct: list[Correct] = field(default_factory=list)  # in the order they came
    drawer_points: int = 0
    model_said: tuple[str, ...] = ()  # words the model said this turn
    model_next_ms: int | None = None  # when the model looks at the drawing again
    model_seen_points: int = 0  # ink points the model last looked at
    ended_ms: int | None = None
    end_reason: str | None = None  # all_guessed | time | drawer_left

    def guessed(self, player: int) -> bool:
        """Whether ``player`` guessed the word this turn."""
        return any(c.player == player for c in self.correct)

    def to_document(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "number": self.number,
            "round": self.round,
            "drawer": self.drawer,
            "choices": list(self.choices),
            "offered_ms": self.offered_ms,
            "word": self.word,
            "drawing_ms": self.drawing_ms,
            "hint_order": list(self.hint_order),
            "hints": self.hints,
            "correct": [[c.player, c.points, c.elapsed_ms] for c in self.correct],
            "drawer_points": self.drawer_points,
            "model_said": list(self.model_said),
            "model_next_ms": self.model_next_ms,
            "model_seen_points": self.model_seen_points,
            "ended_ms": self.ended_ms,
            "end_reason": self.end_reason,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Turn:
        """A turn read back from :meth:`to_document`'s output."""
        values = dict(document)
        values["choices"] = tuple(values["choices"])
        values["hint_order"] = tuple(values.get("hint_order") or ())
        values["model_said"] = tuple(values.get("model_said") or ())
        values["correct"] = [Correct(*item) for item in values.get("correct") or ()]
        return cls(**values)


@dataclass(slots=True)
class RoomState:
    """The live part of a room: phase, host, round, the current turn, and what was used up."""

    phase: Phase = Phase.LOBBY
    host: int | None = None  # player id; None while no person is in the room
    round: int = 0
    turn: Turn | None = None
    drawn: tuple[int, ...] = ()  # players who drew (or were picked to draw) in this round
    used: tuple[str, ...] = ()  # words already drawn in this game
    deadline_ms: int | None = None  # when the current phase ends

    def to_document(self) -> dict[str, Any]:
        """The JSON stored in ``rooms.state``."""
        return {
            "v": ROOM_DOCUMENT_VERSION,
            "phase": self.phase.value,
            "host": self.host,
            "round": self.round,
            "turn": None if self.turn is None else self.turn.to_document(),
            "drawn": list(self.drawn),
            "used": list(self.used),
            "deadline_ms": self.deadline_ms,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any] | None) -> RoomState:
        """The state stored in ``rooms.state`` (an empty document is a new room's lobby)."""
        if not document:
            return cls()
        if document.get("v") != ROOM_DOCUMENT_VERSION:
            raise InvalidStateError(f"unknown room document version {document.get('v')!r}")
        try:
            turn = document.get("turn")
            return cls(
                phase=Phase(document["phase"]),
                host=document.get("host"),
                round=document.get("round", 0),
                turn=None if turn is None else Turn.from_document(turn),
                drawn=tuple(document.get("drawn") or ()),
                used=tuple(document.get("used") or ()),
                deadline_ms=document.get("deadline_ms"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidStateError(f"the room document is malformed: {error}") from error
