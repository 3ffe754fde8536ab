"""Helpers for the live channel: what the UI says while the player draws, and an update throttle hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .guesses import Guess, GuessLike, rank_guesses
from .rules import DISPLAY_MIN_PROBABILITY, DISPLAY_TOP_N, MIN_GUESS_PROBABILITY, MIN_UPDATE_INTERVAL_MS


@dataclass(frozen=True, slots=True)
class LiveGuesses:
    """The guesses to show now: ``shown[0]`` is said outright when ``confident``, the rest are maybes."""

    shown: tuple[Guess, ...]  # at most DISPLAY_TOP_N guesses above DISPLAY_MIN_PROBABILITY, best first
    confident: bool  # the top guess reaches MIN_GUESS_PROBABILITY (the model "says" it)
    recognized_word: str | None = None  # set once the round is won

    @property
    def words(self) -> tuple[str, ...]:
        """The shown words, best first."""
        return tuple(g.word for g in self.shown)

    def phrase(self) -> str:
        """A default English line: "I see cat… or fox?", "I see… cat? or fox?", "Oh, I know! It's cat!"."""
        if self.recognized_word is not None:
            return f"Oh, I know! It's {self.recognized_word}!"
        if not self.shown:
            return "Hmm…"
        first, rest = self.words[0], self.words[1:]
        maybes = "".join(f" or {w}?" for w in rest)
        if not self.confident:
            return f"I see… {first}?{maybes}"
        return f"I see {first}…{maybes}" if rest else f"I see {first}."


def live_guesses(
    ranked_guesses: Iterable[GuessLike],
    recognized_word: str | None = None,
    top_n: int = DISPLAY_TOP_N,
    min_probability: float = DISPLAY_MIN_PROBABILITY,
) -> LiveGuesses:
    """Select the guesses worth showing from the model's ranked output."""
    ranked = rank_guesses(ranked_guesses)
    shown = tuple(g for g in ranked[:top_n] if g.probability >= min_probability)
    confident = bool(shown) and shown[0].probability >= MIN_GUESS_PROBABILITY
    return LiveGuesses(shown=shown, confident=confident, recognized_word=recognized_word)


def throttle_delay_ms(
    previous_ms: int | None, now_ms: int, min_interval_ms: int = MIN_UPDATE_INTERVAL_MS
) -> int:
    """Advisory: how long the client should have waited before this update (0 = not too frequent)."""
    if previous_ms is None or now_ms < previous_ms:
        return 0
    return max(min_interval_ms - (now_ms - previous_ms), 0)


def is_too_frequent(
    previous_ms: int | None, now_ms: int, min_interval_ms: int = MIN_UPDATE_INTERVAL_MS
) -> bool:
    """Whether an update at ``now_ms`` comes sooner than ``min_interval_ms`` after the previous one."""
    return throttle_delay_ms(previous_ms, now_ms, min_interval_ms) > 0
