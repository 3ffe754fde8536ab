"""The game's numbers in one place: rounds, timings, thresholds and the scoring formula."""

from __future__ import annotations

import re

ROUNDS_PER_GAME = 6  # words drawn in one game, as in Quick, Draw!
ROUND_SECONDS = 20  # time to draw one word
ROUND_MS = ROUND_SECONDS * 1000  # the same, on the millisecond clock every rule uses
GRACE_MS = 1_500  # ink the server receives this long after the deadline is still judged (network latency)

MIN_GUESS_PROBABILITY = 0.15  # the model "says" its top guess only at this confidence; a win needs it too
STORED_GUESSES = 5  # ranked guesses kept in the round's stored state (the rest of the 345 are dropped)

RECOGNITION_POINTS = 100  # points for any recognised drawing, however slow
SPEED_BONUS_POINTS = 100  # extra points at an instant recognition, falling linearly to 0 at the deadline
MAX_ROUND_POINTS = RECOGNITION_POINTS + SPEED_BONUS_POINTS  # best possible score for one round

DISPLAY_MIN_PROBABILITY = 0.05  # the live channel shows a guess only above this probability
DISPLAY_TOP_N = 3  # at most this many guesses are shown live ("I see… cat? or fox? or dog?")
MIN_UPDATE_INTERVAL_MS = 100  # advisory: clients should not ask for guesses more often than this

_SEPARATORS = re.compile(r"[\s_]+")


def normalise_word(word: str) -> str:
    """Compare words the way a player would: case-, space- and underscore-insensitive."""
    return _SEPARATORS.sub(" ", word).strip().casefold()


def same_word(a: str, b: str) -> bool:
    """Whether two labels name the same word (``"The Eiffel Tower"`` == ``"the_eiffel_tower"``)."""
    return normalise_word(a) == normalise_word(b)


def round_points(recognized_ms: int | None) -> int:
    """Points for one round: 0 unless recognised, else 100 plus a bonus that shrinks linearly with time."""
    if recognized_ms is None:
        return 0
    taken = min(max(recognized_ms, 0), ROUND_MS)
    return RECOGNITION_POINTS + (SPEED_BONUS_POINTS * (ROUND_MS - taken)) // ROUND_MS
