"""The game's pages: pick a category (``/play``), play (``/play/{id}``), the results (``/games/{id}``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from inkling.db.models import Game as GameRow
from inkling.db.models import User
from inkling.db.repositories.words import WordRepository
from inkling.game import ROUND_MS, ROUNDS_PER_GAME, Round
from inkling.services import game as games
from inkling.services.endscreen import round_extras
from inkling.web.api.game_schemas import game_public
from inkling.web.deps import CsrfProtect, CurrentUserDep, NowDep, PlayerDep, SessionDep
from inkling.web.params import DbId
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

GameId = Annotated[DbId, Path()]


def _refused(request: Request, error: Exception) -> HTMLResponse:
    """A 404 or 403 page for a game that does not exist or is another player's."""
    status = 404 if isinstance(error, games.GameNotFoundError) else 403
    return templates.TemplateResponse(
        request, "game/missing.html", {"message": str(error), "status": status}, status_code=status
    )


def _owned(session: SessionDep, game_id: int, user: User | None) -> GameRow | Exception:
    """The user's game, or the error to show: 404 when there is no such game, 403 when it is not theirs."""
    if user is None:
        if session.get(GameRow, game_id) is None:
            return games.GameNotFoundError(f"no game {game_id}")
        return games.NotYourGameError("this game belongs to another player")
    try:
        return games.load_game(session, game_id, user)
    except (games.GameNotFoundError, games.NotYourGameError) as error:
        return error


@router.get("/play", response_class=HTMLResponse)
def pick_category(request: Request, session: SessionDep) -> HTMLResponse:
    """Category cards with their word counts, and "any word"."""
    categories = WordRepository(session).list_categories()
    total = sum(c.word_count for c in categories)
    context = {
        "categories": categories,
        "total_words": total,
        "rounds": ROUNDS_PER_GAME,
        "seconds": ROUND_MS // 1000,
    }
    return templates.TemplateResponse(request, "game/pick.html", context)


@router.post("/play", dependencies=[CsrfProtect])
def start_from_form(
    session: SessionDep, player: PlayerDep, now: NowDep, category: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    """Start a game from the category form and go to it."""
    try:
        row = games.start_game(session, player, category or None, now)
    except games.UnknownCategoryError:
        return RedirectResponse("/play", status_code=303)
    session.commit()
    return RedirectResponse(f"/play/{row.id}", status_code=303)


@router.get("/play/{game_id}", response_class=HTMLResponse)
def play(
    request: Request, session: SessionDep, user: CurrentUserDep, now: NowDep, game_id: GameId
) -> Response:
    """The game: the word card, the timer, the canvas and the model's live guesses."""
    row = _owned(session, game_id, user)
    if isinstance(row, Exception):
        return _refused(request, row)
    if row.status == "finished":
        return RedirectResponse(f"/games/{row.id}", status_code=303)
    state = game_public(session, row, with_ink=False).model_dump(mode="json")
    current = row.rounds[-1] if row.rounds and row.rounds[-1].finished_at is None else None
    if current is not None:
        elapsed = games.elapsed_ms(current, now)
        state["current"] = {
            "id": current.id,
            "word": current.word.text,
            "begun": current.started_at is not None,
            "remaining_ms": Round.remaining_ms(elapsed),
        }
    context = {"game": state, "seconds": ROUND_MS // 1000}
    return templates.TemplateResponse(request, "game/play.html", context)


@router.get("/games/{game_id}", response_class=HTMLResponse)
def results(request: Request, session: SessionDep, user: CurrentUserDep, game_id: GameId) -> Response:
    """Each drawing with the model's top guesses, times and points; feedback per round."""
    row = _owned(session, game_id, user)
    if isinstance(row, Exception):
        return _refused(request, row)
    game = game_public(session, row)
    words = [w.text for w in WordRepository(session).list_words()]
    extras = {
        r.id: round_extras(
            session, r.word, r.result.said, [g.word for g in r.result.guesses], r.result.drawing_id
        )
        for r in game.rounds
        if r.result is not None
    }
    context = {"game": game, "words": words, "extras": extras}
    return templates.TemplateResponse(request, "game/results.html", context)
