"""The game rules, framework-free: rounds, timer, scoring, word choice, when a guess counts.

Time and randomness are injected: rules take elapsed milliseconds and a ``random.Random``.
See docs/GAME.md.
"""

from __future__ import annotations

from .errors import (
    GameError,
    GameFinishedError,
    InvalidGuessesError,
    InvalidStateError,
    NotEnoughWordsError,
    RoundClosedError,
    RoundNotBegunError,
    RoundOpenError,
    WordAlreadyUsedError,
)
from .game import Game, GameStatus, GameSummary
from .guesses import Guess, rank_guesses
from .live import LiveGuesses, is_too_frequent, live_guesses, throttle_delay_ms
from .round import Outcome, Round, RoundResult, RoundUpdate
from .rules import (
    DISPLAY_MIN_PROBABILITY,
    DISPLAY_TOP_N,
    GRACE_MS,
    MAX_ROUND_POINTS,
    MIN_GUESS_PROBABILITY,
    MIN_UPDATE_INTERVAL_MS,
    RECOGNITION_POINTS,
    ROUND_MS,
    ROUND_SECONDS,
    ROUNDS_PER_GAME,
    SPEED_BONUS_POINTS,
    STORED_GUESSES,
    normalise_word,
    round_points,
    same_word,
)
from .state import GUESSES_DOCUMENT_VERSION, RoundState

__all__ = [
    "DISPLAY_MIN_PROBABILITY",
    "DISPLAY_TOP_N",
    "GRACE_MS",
    "GUESSES_DOCUMENT_VERSION",
    "MAX_ROUND_POINTS",
    "MIN_GUESS_PROBABILITY",
    "MIN_UPDATE_INTERVAL_MS",
    "RECOGNITION_POINTS",
    "ROUNDS_PER_GAME",
    "ROUND_MS",
    "ROUND_SECONDS",
    "SPEED_BONUS_POINTS",
    "STORED_GUESSES",
    "Game",
    "GameError",
    "GameFinishedError",
    "GameStatus",
    "GameSummary",
    "Guess",
    "InvalidGuessesError",
    "InvalidStateError",
    "LiveGuesses",
    "NotEnoughWordsError",
    "Outcome",
    "Round",
    "RoundClosedError",
    "RoundNotBegunError",
    "RoundOpenError",
    "RoundResult",
    "RoundState",
    "RoundUpdate",
    "WordAlreadyUsedError",
    "is_too_frequent",
    "live_guesses",
    "normalise_word",
    "rank_guesses",
    "round_points",
    "same_word",
    "throttle_delay_ms",
]
