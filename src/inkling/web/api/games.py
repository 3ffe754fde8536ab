"""``/api/v1/games``: start a game, start its next round, read it back, list the player's games."""

from __future__ import annotations

import random

from fastapi import APIRouter, Path, Request

from inkling.services import game as games
from inkling.web.api.errors import ANY_REQUEST
from inkling.web.api.game_errors import READ_ERRORS, UPDATE_ERRORS, game_errors, require_player
from inkling.web.api.game_schemas import GameCreate, GamePublic, RoundPublic, game_public, round_public
from inkling.web.deps import CsrfProtect, CurrentUserDep, NowDep, PlayerDep, SessionDep
from inkling.web.params import MAX_DB_ID

router = APIRouter(prefix="/api/v1/games", tags=["games"], responses=ANY_REQUEST)

GameId = Path(ge=1, le=MAX_DB_ID, description="the game's id")


def rng_of(request: Request) -> random.Random:
    """The app's word picker (tests may set ``app.state.rng``), else a fresh system-seeded one."""
    return getattr(request.app.state, "rng", None) or random.Random()


@router.post(
    "", response_model=GamePublic, status_code=201, dependencies=[CsrfProtect], responses=UPDATE_ERRORS
)
def start_game(body: GameCreate, session: SessionDep, player: PlayerDep, now: NowDep) -> GamePublic:
    """Start a game of 6 rounds in a category (``null``: any word); the player is a guest if not logged in."""
    with game_errors():
        row = games.start_game(session, player, body.category, now)
    answer = game_public(session, row)  # built before the commit: an acknowledged answer needs no more reads
    session.commit()
    return answer


@router.get("", response_model=list[GamePublic])
def list_games(session: SessionDep, user: CurrentUserDep) -> list[GamePublic]:
    """The player's games, newest first (without the drawings' ink)."""
    if user is None:
        return []
    return [game_public(session, row, with_ink=False) for row in games.list_games(session, user)]


@router.get("/{game_id}", response_model=GamePublic, responses=READ_ERRORS)
def read_game(session: SessionDep, user: CurrentUserDep, game_id: int = GameId) -> GamePublic:
    """A game with every round: word, drawing ink, the model's top guesses, times and points."""
    with game_errors():
        row = games.load_game(session, game_id, require_player(user))
    return game_public(session, row)


@router.post(
    "/{game_id}/rounds",
    response_model=RoundPublic,
    status_code=201,
    dependencies=[CsrfProtect],
    responses=UPDATE_ERRORS,
)
def start_round(
    request: Request, session: SessionDep, user: CurrentUserDep, now: NowDep, game_id: int = GameId
) -> RoundPublic:
    """Show the next round: a word not drawn in this game yet, status ``shown`` (the word card is up).

    The 20 s clock (server time) starts with ``POST /api/v1/rounds/{id}/begin``, or with the round's
    first ink or finish. No guest is made for it (a request without a session owns no game), so a
    refused request stores nothing.
    """
    with game_errors():
        row = games.start_round(session, game_id, require_player(user), now, rng_of(request))
    answer = round_public(row, {})
    session.commit()
    return answer
