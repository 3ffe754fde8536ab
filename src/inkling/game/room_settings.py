"""A room's settings, its limits and timings, and the scoring of a turn, framework-free."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .errors import GameError
from .guessing import fold
from .rules import MIN_GUESS_PROBABILITY

MIN_ROUNDS, MAX_ROUNDS = 1, 10
MIN_DRAW_SECONDS, MAX_DRAW_SECONDS = 15, 240
MIN_PLAYERS, MAX_PLAYERS = 2, 20  # people in a room (the model is never counted)
MIN_CUSTOM_WORDS, MAX_CUSTOM_WORDS = 3, 300
MAX_WORD_LENGTH = 32
MAX_NAME_LENGTH = 24
MAX_MESSAGE_LENGTH = 100  # characters of a guess or chat line

CHOICES = 3  # words offered to the drawer
CHOOSE_MS = 15_000  # the drawer's time to pick one; then one is picked for them
REVEAL_MS = 6_000  # the word and the turn's points are shown this long between turns
ROUND_END_MS = 9_000  # ... and this long after a round's last turn (the round summary)
ONLINE_GRACE_MS = 30_000  # a player who lost their connection this recently still counts as present

GUESS_POINTS_MIN = 50  # a correct guess at the very end of the drawing time
GUESS_POINTS_MAX = 200  # a correct guess at once: points fall linearly with time
DRAWER_SHARE = 2  # the drawer gets 1/DRAWER_SHARE of each person's (never the model's) guess points

MODEL_NAME = "Inkling"  # the model's name as a player
MODEL_FIRST_MS = 2_000  # the model's first look at the drawing, after the word is chosen
MODEL_INTERVAL_MS = 1_500  # then it looks again this often while the drawing changes
MODEL_MIN_PROBABILITY = MIN_GUESS_PROBABILITY  # the model says its top word at the solo game's confidence

GUESS_RATE_WINDOW_MS = 5_000  # a player may send at most GUESS_RATE_LIMIT guesses or chat lines ...
GUESS_RATE_LIMIT = 6  # ... per GUESS_RATE_WINDOW_MS


class InvalidSettingsError(GameError, ValueError):
    """A setting is out of its range, or the custom word list is unusable."""


def clean_text(text: str, limit: int) -> str:
    """``text`` with control characters removed and spaces collapsed; refused when empty or too long."""
    if not isinstance(text, str):
        raise InvalidSettingsError("text must be a string")
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    cleaned = " ".join(kept.split())
    if not cleaned:
        raise InvalidSettingsError("text is empty")
    if len(cleaned) > limit:
        raise InvalidSettingsError(f"text is longer than {limit} characters")
    return cleaned


def _custom_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """The custom list cleaned, without repeats (by folded form), checked against the limits."""
    unique: dict[str, str] = {}
    for word in words:
        try:
            cleaned = clean_text(word, MAX_WORD_LENGTH)
        except InvalidSettingsError as error:
            raise InvalidSettingsError(f"custom word {word[:40]!r}: {error}") from None
        if not fold(cleaned):
            raise InvalidSettingsError(f"custom word {cleaned!r} has no letter or digit")
        unique.setdefault(fold(cleaned), cleaned)
    if unique and not MIN_CUSTOM_WORDS <= len(unique) <= MAX_CUSTOM_WORDS:
        raise InvalidSettingsError(
            f"a custom word list needs {MIN_CUSTOM_WORDS} to {MAX_CUSTOM_WORDS} different words, "
            f"got {len(unique)}"
        )
    return tuple(unique.values())


@dataclass(frozen=True, slots=True)
class RoomSettings:
    """What the host chooses; validated on creation (``InvalidSettingsError``)."""

    rounds: int = 3  # every present player draws once per round
    draw_seconds: int = 80
    max_players: int = 8
    model_plays: bool = True  # the model guesses as the player "Inkling"
    category: str | None = None  # a category slug; None: any word
    custom_words: tuple[str, ...] = field(default=())  # when given, words come from here instead

    def __post_init__(self) -> None:
        """Refuse settings out of range."""
        for name, low, high in (
            ("rounds", MIN_ROUNDS, MAX_ROUNDS),
            ("draw_seconds", MIN_DRAW_SECONDS, MAX_DRAW_SECONDS),
            ("max_players", MIN_PLAYERS, MAX_PLAYERS),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidSettingsError(f"{name} must be an integer from {low} to {high}, got {value!r}")
        if not isinstance(self.model_plays, bool):
            raise InvalidSettingsError("model_plays must be true or false")
        if self.category is not None and (not isinstance(self.category, str) or not self.category):
            raise InvalidSettingsError("category must be a slug or null")
        object.__setattr__(self, "custom_words", _custom_words(tuple(self.custom_words)))

    @property
    def draw_ms(self) -> int:
        """Drawing time of a turn in milliseconds."""
        return self.draw_seconds * 1000

    def to_document(self) -> dict[str, Any]:
        """The JSON stored in ``rooms.settings``."""
        document = {f.name: getattr(self, f.name) for f in fields(self)}
        document["custom_words"] = list(self.custom_words)
        return document

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RoomSettings:
        """Settings read back from ``rooms.settings`` (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in document.items() if k in known}
        values["custom_words"] = tuple(values.get("custom_words") or ())
        return cls(**values)

    def updated(self, **changes: Any) -> RoomSettings:
        """A copy with ``changes`` applied (and validated)."""
        return replace(self, **changes)


def guess_points(elapsed_ms: int, draw_ms: int) -> int:
    """Points of a correct guess ``elapsed_ms`` into a drawing of ``draw_ms``: the faster, the more."""
    taken = min(max(elapsed_ms, 0), draw_ms)
    bonus = (GUESS_POINTS_MAX - GUESS_POINTS_MIN) * (draw_ms - taken) // max(draw_ms, 1)
    return GUESS_POINTS_MIN + bonus


def drawer_points(guesser_points: int) -> int:
    """What the drawer earns when a person guesses their drawing for ``guesser_points``."""
    return guesser_points // DRAWER_SHARE
