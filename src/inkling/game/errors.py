"""Domain errors: each names a rule that a request broke."""

from __future__ import annotations


class GameError(Exception):
    """Base class of every error the game rules raise."""


class InvalidGuessesError(GameError, ValueError):
    """The model's ranked guesses are malformed (bad probability, duplicate or empty word)."""


class InvalidStateError(GameError, ValueError):
    """Stored round or game data is inconsistent and cannot be restored."""


class RoundClosedError(GameError):
    """The round is finished: it takes no more ink and cannot be finished again."""


class RoundNotBegunError(GameError):
    """The round's word card is still up: its clock has not started, so it takes no ink yet."""


class RoundOpenError(GameError):
    """The round is still being drawn: it has no result yet, and no new round may start."""


class GameFinishedError(GameError):
    """Every round of the game has been played."""


class NotEnoughWordsError(GameError):
    """The candidate words cannot fill a game without repeating a word."""


class WordAlreadyUsedError(GameError):
    """The word was already drawn in this game."""
