"""The Round aggregate: one word, 20 seconds of ink, and what the model made of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .errors import RoundClosedError, RoundNotBegunError, RoundOpenError
from .guesses import Guess, GuessLike, rank_guesses
from .rules import GRACE_MS, MIN_GUESS_PROBABILITY, ROUND_MS, STORED_GUESSES, round_points, same_word
from .state import RoundState


class Outcome(StrEnum):
    """What an update did to the round."""

    DRAWING = "drawing"  # not recognised yet: keep drawing
    RECOGNISED = "recognised"  # this update's top guess was the word
    ALREADY_RECOGNISED = "already_recognised"  # won earlier; the result is frozen, drawing may go on
    TIMED_OUT = "timed_out"  # time ran out before the model named the word


@dataclass(frozen=True, slots=True)
class RoundResult:
    """A closed round: everything recorded about it, and its points."""

    number: int
    word: str
    recognized: bool
    points: int
    attempts: int
    first_stroke_ms: int | None
    recognized_ms: int | None
    drawing_ms: int | None
    finished_ms: int
    said: tuple[str, ...]  # the model's distinct top guesses, in order (ends with the word if recognised)
    guesses: tuple[Guess, ...]  # what the model thought of the final drawing
    model_id: int | None

    @property
    def blank(self) -> bool:
        """Whether the player drew nothing: such a round does not count against the model."""
        return self.first_stroke_ms is None

    @property
    def drawing_duration_ms(self) -> int | None:
        """Time from the first stroke to the last ink, or None without ink."""
        if self.first_stroke_ms is None or self.drawing_ms is None:
            return None
        return max(self.drawing_ms - self.first_stroke_ms, 0)


@dataclass(frozen=True, slots=True)
class RoundUpdate:
    """The answer to one ink update: the outcome, the model's guesses, and the result once closed."""

    outcome: Outcome
    accepted: bool  # False: stale (older than ink already judged) so the state did not change
    guesses: tuple[Guess, ...]  # this update's ranked guesses (top STORED_GUESSES)
    said: Guess | None  # the top guess if confident enough to be said
    remaining_ms: int  # drawing time left
    result: RoundResult | None = None  # set when this update closed the round

    @property
    def closed(self) -> bool:
        """Whether this update closed the round."""
        return self.result is not None


class Round:
    """One round; every change goes through its methods, and ``state`` is what gets stored."""

    def __init__(self, state: RoundState) -> None:
        """Wrap a state (fresh, or restored with ``RoundState.restore``)."""
        self._state = state

    @classmethod
    def show(cls, number: int, word: str, shown_at_ms: int) -> Round:
        """A new round, its word card shown at ``shown_at_ms``; the clock waits for ``begin``."""
        return cls(RoundState(number=number, word=word, started_at_ms=None, shown_at_ms=shown_at_ms))

    @classmethod
    def start(cls, number: int, word: str, started_at_ms: int) -> Round:
        """A new round showing ``word`` and starting its clock at server time ``started_at_ms``."""
        return cls(RoundState(number=number, word=word, started_at_ms=started_at_ms))

    def __repr__(self) -> str:
        """Show the state."""
        return f"Round({self._state!r})"

    @property
    def state(self) -> RoundState:
        """The current state, a frozen value to store."""
        return self._state

    @property
    def number(self) -> int:
        """1-based position in the game."""
        return self._state.number

    @property
    def word(self) -> str:
        """The word to draw."""
        return self._state.word

    @property
    def recognized(self) -> bool:
        """Whether the model has named the word."""
        return self._state.recognized

    @property
    def closed(self) -> bool:
        """Whether the round is finished."""
        return self._state.closed

    @property
    def begun(self) -> bool:
        """Whether the clock has started."""
        return self._state.begun

    def begin(self, now_ms: int, drawn_for_ms: int = 0) -> int:
        """Start the clock, once: the player dismissed the word card at ``now_ms``, or drew on it.

        Ink that arrives on a round not yet begun began ``drawn_for_ms`` earlier (the drawing's own age):
        the clock starts when its first point was drawn, never before the word was shown nor after
        ``now_ms``, so the first stroke counts and a client cannot win time by it. A round already begun
        keeps its start. Returns the round-clock time at ``now_ms``.
        """
        state = self._state
        if not isinstance(now_ms, int) or not isinstance(drawn_for_ms, int):
            raise ValueError(f"times must be ints, got {now_ms!r} and {drawn_for_ms!r}")
        if state.started_at_ms is None:
            shown = state.shown_at_ms if state.shown_at_ms is not None else now_ms
            self._state = replace(state, started_at_ms=max(now_ms - max(drawn_for_ms, 0), shown))
        return self.elapsed_ms(now_ms)

    def elapsed_ms(self, now_ms: int) -> int:
        """Round-clock time for server time ``now_ms`` (never negative; 0 while the clock waits)."""
        started = self._state.started_at_ms
        return 0 if started is None else max(now_ms - started, 0)

    @staticmethod
    def remaining_ms(elapsed_ms: int) -> int:
        """Drawing time left at ``elapsed_ms``."""
        return max(ROUND_MS - elapsed_ms, 0)

    @staticmethod
    def is_expired(elapsed_ms: int) -> bool:
        """Whether ``elapsed_ms`` is past the deadline and its grace: such ink is no longer judged."""
        return elapsed_ms > ROUND_MS + GRACE_MS

    def record_guesses(
        self,
        elapsed_ms: int,
        ranked_guesses: Iterable[GuessLike],
        stroke_count: int,
        first_stroke_ms: int | None = None,
        model_id: int | None = None,
    ) -> RoundUpdate:
        """Judge the model's guesses for the ink received at ``elapsed_ms`` (round clock)."""
        state = self._require_begun()
        if not isinstance(elapsed_ms, int) or elapsed_ms < 0:
            raise ValueError(f"elapsed_ms must be a non-negative int, got {elapsed_ms!r}")
        if not isinstance(stroke_count, int) or stroke_count < 0:
            raise ValueError(f"stroke_count must be a non-negative int, got {stroke_count!r}")
        guesses = rank_guesses(ranked_guesses, keep=STORED_GUESSES)
        top = guesses[0] if guesses and guesses[0].probability >= MIN_GUESS_PROBABILITY else None
        said = top if stroke_count > 0 else None
        remaining = self.remaining_ms(elapsed_ms)
        if self.is_expired(elapsed_ms):
            result = self._close(elapsed_ms)
            outcome = Outcome.ALREADY_RECOGNISED if result.recognized else Outcome.TIMED_OUT
            return RoundUpdate(outcome, False, guesses, None, remaining, result)
        if state.last_at_ms is not None and elapsed_ms < state.last_at_ms:
            return RoundUpdate(self._standing(), False, guesses, None, remaining)
        clock = min(elapsed_ms, ROUND_MS)  # ink judged within the grace counts as drawn at the deadline
        changes: dict[str, Any] = {"last": guesses, "last_at_ms": elapsed_ms}
        if stroke_count > 0:
            changes["drawing_ms"] = max(state.drawing_ms or 0, clock)
            changes["first_stroke_ms"] = _first_stroke(state.first_stroke_ms, first_stroke_ms, clock)
        outcome = self._standing()
        if not state.recognized:
            if model_id is not None:
                changes["model_id"] = model_id
            if said is not None and not any(same_word(said.word, w) for w in state.said):
                changes["said"] = (*state.said, said.word)
            if said is not None and same_word(said.word, state.word):
                changes["recognized_ms"] = clock
                outcome = Outcome.RECOGNISED
        self._state = replace(state, **changes)
        return RoundUpdate(outcome, True, guesses, said, remaining)

    def finish(self, elapsed_ms: int) -> RoundResult:
        """Close the round at ``elapsed_ms`` (time ran out, the player gave up or moved on after a win)."""
        self._require_begun()
        if not isinstance(elapsed_ms, int) or elapsed_ms < 0:
            raise ValueError(f"elapsed_ms must be a non-negative int, got {elapsed_ms!r}")
        return self._close(elapsed_ms)

    def result(self) -> RoundResult:
        """The result of a closed round."""
        state = self._state
        if state.finished_ms is None:
            raise RoundOpenError(f"round {state.number} ({state.word!r}) is still being drawn")
        return RoundResult(
            number=state.number,
            word=state.word,
            recognized=state.recognized,
            points=round_points(state.recognized_ms),
            attempts=state.attempts,
            first_stroke_ms=state.first_stroke_ms,
            recognized_ms=state.recognized_ms,
            drawing_ms=state.drawing_ms,
            finished_ms=state.finished_ms,
            said=state.said,
            guesses=state.last,
            model_id=state.model_id,
        )

    def _standing(self) -> Outcome:
        """The outcome of an update that recognises nothing new."""
        return Outcome.ALREADY_RECOGNISED if self._state.recognized else Outcome.DRAWING

    def _require_open(self) -> RoundState:
        """The state, if the round still takes updates."""
        if self._state.closed:
            raise RoundClosedError(f"round {self._state.number} ({self._state.word!r}) is already finished")
        return self._state

    def _require_begun(self) -> RoundState:
        """The state, if the round is open and its clock has started (``begin`` first)."""
        state = self._require_open()
        if state.started_at_ms is None:
            raise RoundNotBegunError(f"round {state.number} ({state.word!r}): the clock has not started")
        return state

    def _close(self, elapsed_ms: int) -> RoundResult:
        """Mark the round finished at ``elapsed_ms`` (capped at the deadline) and return its result."""
        state = self._state
        finished = max(min(elapsed_ms, ROUND_MS), state.drawing_ms or 0, state.recognized_ms or 0)
        self._state = replace(state, finished_ms=finished)
        return self.result()


def _first_stroke(stored: int | None, reported: int | None, clock: int) -> int:
    """Best estimate of the first stroke's time: the earliest report, within [0, clock]."""
    if reported is not None and not isinstance(reported, int):
        raise ValueError(f"first_stroke_ms must be an int, got {reported!r}")
    estimate = clock if reported is None else min(max(reported, 0), clock)
    return estimate if stored is None else min(stored, estimate)
