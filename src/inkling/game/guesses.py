"""The model's ranked guesses as value objects, validated and sorted."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidGuessesError
from .rules import normalise_word

_TOLERANCE = 1e-6  # softmax outputs may overshoot 1.0 by float rounding


@dataclass(frozen=True, slots=True)
class Guess:
    """One word the model proposes, with its probability in [0, 1]."""

    word: str
    probability: float

    def to_json(self) -> list[str | float]:
        """The stored form: ``[word, probability]``."""
        return [self.word, self.probability]


GuessLike = Guess | tuple[str, float] | list  # list: a ``[word, p]`` pair read back from JSON


def _as_guess(item: GuessLike) -> Guess:
    """Validate one ``(word, probability)`` pair."""
    if isinstance(item, Guess):
        word, probability = item.word, item.probability
    else:
        try:
            word, probability = item
        except (TypeError, ValueError) as exc:
            raise InvalidGuessesError(f"a guess must be a (word, probability) pair, got {item!r}") from exc
    if not isinstance(word, str) or not normalise_word(word):
        raise InvalidGuessesError(f"a guess needs a non-empty word, got {word!r}")
    try:
        p = float(probability)
    except (TypeError, ValueError) as exc:
        raise InvalidGuessesError(f"probability of {word!r} is not a number: {probability!r}") from exc
    if math.isnan(p) or p < 0.0 or p > 1.0 + _TOLERANCE:
        raise InvalidGuessesError(f"probability of {word!r} must be in [0, 1], got {p!r}")
    return Guess(word, min(p, 1.0))


def rank_guesses(items: Iterable[GuessLike], keep: int | None = None) -> tuple[Guess, ...]:
    """Validate guesses and sort them by probability, highest first (stable); keep the top ``keep``."""
    guesses = [_as_guess(item) for item in items]
    seen: set[str] = set()
    for guess in guesses:
        key = normalise_word(guess.word)
        if key in seen:
            raise InvalidGuessesError(f"the word {guess.word!r} is guessed twice")
        seen.add(key)
    ranked = tuple(sorted(guesses, key=lambda g: -g.probability))
    return ranked if keep is None else ranked[:keep]
