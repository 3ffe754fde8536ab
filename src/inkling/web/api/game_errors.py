"""Domain and service errors of the game, as HTTP answers with a clear message (and their OpenAPI entries)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException

from inkling.db.models import User
from inkling.game import (
    GameFinishedError,
    NotEnoughWordsError,
    RoundClosedError,
    RoundNotBegunError,
    RoundOpenError,
)
from inkling.ink import InkError
from inkling.registry import ModelNotFoundError
from inkling.services import feedback
from inkling.services import game as games
from inkling.web.api.errors import error_responses

STATUS: tuple[tuple[type[Exception], int], ...] = (
    (games.GameNotFoundError, 404),
    (games.UnknownCategoryError, 404),
    (games.NotYourGameError, 403),
    (feedback.UnknownWordError, 422),
    (feedback.LabelMismatchError, 422),
    (feedback.NoDrawingError, 409),
    (RoundClosedError, 409),
    (RoundOpenError, 409),
    (RoundNotBegunError, 409),
    (GameFinishedError, 409),
    (NotEnoughWordsError, 409),
    (ModelNotFoundError, 503),
)
WORDING = {
    403: "Not the player's game (or no session), or a session cookie without its X-CSRF-Token",
    404: "No such game, round, category or word",
    409: "The round or game is in the wrong state for this (closed, still open, finished, no drawing)",
    422: "Invalid request, or invalid ink (the message names the problem)",
}
# what reading a game may answer, and what a game or round update may answer
READ_ERRORS = error_responses(403, 404, 422, described=WORDING)
UPDATE_ERRORS = error_responses(403, 404, 409, 413, 422, described=WORDING)


@contextmanager
def game_errors() -> Iterator[None]:
    """Turn the game's errors into 4xx/503 answers (``InkError`` is a 422 naming the problem)."""
    try:
        yield
    except InkError as error:
        raise HTTPException(422, f"invalid ink: {error}") from None
    except Exception as error:
        for kind, status in STATUS:
            if isinstance(error, kind):
                raise HTTPException(status, str(error)) from None
        raise


def require_player(user: User | None) -> User:
    """The requesting player; 403 for a request without a session (it cannot own any game)."""
    if user is None:
        raise HTTPException(403, "this game belongs to another player (no session)")
    return user
