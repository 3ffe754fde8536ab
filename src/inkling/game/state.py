"""A round's state as plain data, and its mapping to and from the ``rounds`` table's columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .errors import InvalidGuessesError, InvalidStateError
from .guesses import Guess, rank_guesses
from .rules import GRACE_MS, ROUND_MS, STORED_GUESSES, normalise_word, same_word

LIVE_GUESS_FIELDS = frozenset({"last", "last_at_ms", "drawing_ms"})  # what every judged update refreshes
GUESSES_DOCUMENT_VERSION = 1  # bump when the shape of the ``guesses`` JSON document changes


@dataclass(frozen=True, slots=True)
class RoundState:
    """Everything a round remembers; times are ms on the round's clock (0 = round start) except started_at."""

    number: int  # 1-based position in the game
    word: str  # the word to draw
    started_at_ms: int | None  # server clock (e.g. ms since the epoch) when the clock started; None: card up
    first_stroke_ms: int | None = None  # when the first stroke began
    recognized_ms: int | None = None  # when the model first named the word; None = not (yet) recognised
    drawing_ms: int | None = None  # time of the latest accepted update that carried ink
    finished_ms: int | None = None  # when the round was closed; None = still open
    model_id: int | None = None  # registry id of the model that judged the round (opaque to the rules)
    said: tuple[str, ...] = ()  # distinct top guesses the model said, in order; frozen at recognition
    last: tuple[Guess, ...] = ()  # the model's latest ranked guesses (top STORED_GUESSES)
    last_at_ms: int | None = None  # when ``last`` was computed; older updates are stale
    shown_at_ms: int | None = None  # server clock when the word card was shown (None: = started_at_ms)

    def __post_init__(self) -> None:
        """Refuse inconsistent data, whether built in memory or restored from storage."""
        _check(isinstance(self.number, int) and self.number >= 1, f"round number must be >= 1: {self.number}")
        _check(bool(normalise_word(self.word)), "a round needs a word")
        if self.shown_at_ms is None:
            object.__setattr__(self, "shown_at_ms", self.started_at_ms)
        _check(isinstance(self.shown_at_ms, int), "shown_at_ms (or started_at_ms) must be an int")
        if self.started_at_ms is None:
            _check(self.is_blank_slate(), "a round whose clock has not started has no ink, guesses or end")
        else:
            _check(isinstance(self.started_at_ms, int), "started_at_ms must be an int")
            _check(self.started_at_ms >= self.shown_at_ms, "the clock started before the word was shown")
        limit = ROUND_MS + GRACE_MS
        for name in ("first_stroke_ms", "recognized_ms", "drawing_ms", "finished_ms"):
            value = getattr(self, name)
            valid = value is None or (isinstance(value, int) and 0 <= value <= ROUND_MS)
            _check(valid, f"{name} must be None or within the round: {value!r}")
        _check((self.first_stroke_ms is None) == (self.drawing_ms is None), "first stroke without ink time")
        if self.first_stroke_ms is not None and self.drawing_ms is not None:
            _check(self.first_stroke_ms <= self.drawing_ms, "first stroke after the last ink")
        if self.finished_ms is not None:
            ends = (self.drawing_ms or 0, self.recognized_ms or 0)
            _check(max(ends) <= self.finished_ms, "the round finished before its ink or recognition")
        _check(self.last_at_ms is None or 0 <= self.last_at_ms <= limit, f"bad last_at_ms: {self.last_at_ms}")
        keys = [normalise_word(w) for w in self.said]
        _check(len(set(keys)) == len(keys), f"said words repeat: {self.said}")
        wins = [i for i, w in enumerate(self.said) if same_word(w, self.word)]
        if self.recognized_ms is None:
            _check(not wins, "the word was said but the round is not recognised")
        else:
            _check(wins == [len(self.said) - 1], "a recognised round's last said word must be the word")
        _check(len(self.last) <= STORED_GUESSES, "too many stored guesses")

    def differs_only_in_live_guesses(self, before: RoundState) -> bool:
        """Whether the only changes since ``before`` are the latest guesses, their time and the ink time."""
        others = (f.name for f in fields(self) if f.name not in LIVE_GUESS_FIELDS)
        return all(getattr(self, name) == getattr(before, name) for name in others)

    def is_blank_slate(self) -> bool:
        """Whether nothing has happened in the round yet: no ink, guesses, recognition or end."""
        times = (self.first_stroke_ms, self.recognized_ms, self.drawing_ms, self.finished_ms, self.last_at_ms)
        return all(t is None for t in times) and not self.said and not self.last

    @property
    def begun(self) -> bool:
        """Whether the round's clock has started (the player dismissed the word card, or drew)."""
        return self.started_at_ms is not None

    @property
    def blank(self) -> bool:
        """Whether no stroke was ever judged in this round: the player did not draw."""
        return self.first_stroke_ms is None

    @property
    def recognized(self) -> bool:
        """Whether the model named the word in time."""
        return self.recognized_ms is not None

    @property
    def attempts(self) -> int:
        """Distinct top guesses the model said before the right one (all of them if never recognised)."""
        return len(self.said) - int(self.recognized)

    @property
    def closed(self) -> bool:
        """Whether the round is finished."""
        return self.finished_ms is not None

    @property
    def deadline_ms(self) -> int | None:
        """Server-clock time when drawing time runs out (None while the clock has not started)."""
        return None if self.started_at_ms is None else self.started_at_ms + ROUND_MS

    def guesses_document(self) -> dict[str, Any]:
        """The JSON stored in the ``guesses`` column (see docs/GAME.md)."""
        return {
            "v": GUESSES_DOCUMENT_VERSION,
            "last": [g.to_json() for g in self.last],
            "at": self.last_at_ms,
            "said": list(self.said),
        }

    def to_record(self) -> dict[str, Any]:
        """JSON-ready fields named after the ``rounds`` columns; ``RoundState.restore(**it)`` inverts it."""
        return {
            "number": self.number,
            "word": self.word,
            "shown_at_ms": self.shown_at_ms,
            "started_at_ms": self.started_at_ms,
            "first_stroke_ms": self.first_stroke_ms,
            "recognized_ms": self.recognized_ms,
            "drawing_ms": self.drawing_ms,
            "finished_ms": self.finished_ms,
            "recognized": self.recognized,
            "attempts": self.attempts,
            "model_id": self.model_id,
            "guesses": self.guesses_document(),
        }

    @classmethod
    def restore(
        cls,
        *,
        number: int,
        word: str,
        started_at_ms: int | None,
        shown_at_ms: int | None = None,
        first_stroke_ms: int | None = None,
        recognized_ms: int | None = None,
        drawing_ms: int | None = None,
        finished_ms: int | None = None,
        recognized: bool | None = None,
        attempts: int | None = None,
        model_id: int | None = None,
        guesses: Mapping[str, Any] | None = None,
    ) -> RoundState:
        """Rebuild a state from stored columns, checking the redundant ``recognized``/``attempts`` ones."""
        document = guesses or {}
        if not isinstance(document, Mapping):
            kind = type(document).__name__
            raise InvalidStateError(f"the guesses column must hold a JSON object, got {kind}")
        version = document.get("v", GUESSES_DOCUMENT_VERSION)
        _check(version == GUESSES_DOCUMENT_VERSION, f"unknown guesses document version {version!r}")
        try:
            last = rank_guesses(document.get("last") or ())
        except InvalidGuessesError as exc:
            raise InvalidStateError(f"stored guesses are invalid: {exc}") from exc
        said = document.get("said") or []
        _check(all(isinstance(w, str) for w in said), "said words must be strings")
        state = cls(
            number=number,
            word=word,
            started_at_ms=started_at_ms,
            shown_at_ms=shown_at_ms,
            first_stroke_ms=first_stroke_ms,
            recognized_ms=recognized_ms,
            drawing_ms=drawing_ms,
            finished_ms=finished_ms,
            model_id=model_id,
            said=tuple(said),
            last=last,
            last_at_ms=document.get("at"),
        )
        _check(recognized in (None, state.recognized), "recognized disagrees with recognized_ms")
        _check(attempts is None or attempts == state.attempts, "attempts disagrees with the said words")
        return state


def _check(condition: bool, message: str) -> None:
    """Raise InvalidStateError with ``message`` unless ``condition`` holds."""
    if not condition:
        raise InvalidStateError(message)
