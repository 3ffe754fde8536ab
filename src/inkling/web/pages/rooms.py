"""Rooms' pages: create or find a room (``/rooms``), a room (``/r/{code}``), its TV view (``/r/{code}/tv``).

The room page is one screen for the lobby and the game, driven by ``static/js/room.js`` over the
room's WebSocket. A visitor who has not joined gets a name form first (a guest is made on joining).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from inkling.db.models import User
from inkling.db.repositories.words import WordRepository
from inkling.game.errors import GameError
from inkling.game.room_settings import (
    MAX_DRAW_SECONDS,
    MAX_NAME_LENGTH,
    MAX_PLAYERS,
    MAX_ROUNDS,
    MIN_DRAW_SECONDS,
    MIN_PLAYERS,
    MIN_ROUNDS,
    RoomSettings,
)
from inkling.services import rooms
from inkling.services.room_store import RoomNotFoundError
from inkling.web.deps import (
    ClientIpDep,
    CsrfProtect,
    CurrentUserDep,
    NowDep,
    PlayerDep,
    SessionDep,
    SettingsDep,
)
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

Code = Annotated[str, Path(min_length=1, max_length=32)]
MAX_CUSTOM_TEXT = 12_000  # characters of the custom word list field
LIMITS = {
    "min_rounds": MIN_ROUNDS,
    "max_rounds": MAX_ROUNDS,
    "min_draw": MIN_DRAW_SECONDS,
    "max_draw": MAX_DRAW_SECONDS,
    "min_players": MIN_PLAYERS,
    "max_players": MAX_PLAYERS,
    "max_name": MAX_NAME_LENGTH,
}


def _custom_words(text: str) -> tuple[str, ...]:
    """A custom word list typed one per line (or separated by commas)."""
    return tuple(word.strip() for word in re.split(r"[\n,;]", text) if word.strip())


def _rooms_page(
    request: Request, session: SessionDep, user: User | None, error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {
        "categories": WordRepository(session).list_categories(),
        "public_rooms": rooms.public_rooms(session, limit=20),
        "history": rooms.history(session, user, limit=10) if user is not None else [],
        "defaults": RoomSettings(),
        "limits": LIMITS,
        "error": error,
    }
    return templates.TemplateResponse(request, "rooms/index.html", context, status_code=status)


@router.get("/rooms", response_class=HTMLResponse)
def rooms_page(request: Request, session: SessionDep, user: CurrentUserDep) -> HTMLResponse:
    """Create a room, join one by its code, the public rooms, and the player's finished rooms."""
    return _rooms_page(request, session, user)


@router.post("/rooms", dependencies=[CsrfProtect])
def create_from_form(
    request: Request,
    session: SessionDep,
    player: PlayerDep,
    now: NowDep,
    client_ip: ClientIpDep,
    app_settings: SettingsDep,
    name: Annotated[str, Form(max_length=64)] = "",
    private: Annotated[str, Form(max_length=8)] = "",
    rounds_: Annotated[str, Form(alias="rounds", max_length=8)] = "3",
    draw_seconds: Annotated[str, Form(max_length=8)] = "80",
    max_players: Annotated[str, Form(max_length=8)] = "8",
    model_plays: Annotated[str, Form(max_length=8)] = "",
    category: Annotated[str, Form(max_length=64)] = "",
    custom_words: Annotated[str, Form(max_length=MAX_CUSTOM_TEXT)] = "",
) -> Response:
    """Create a room from the form and go to it."""
    try:
        settings = RoomSettings(
            rounds=int(rounds_),
            draw_seconds=int(draw_seconds),
            max_players=int(max_players),
            model_plays=bool(model_plays),
            category=category or None,
            custom_words=_custom_words(custom_words),
        )
        row = rooms.create_room(
            session,
            player,
            client_key=f"ip:{client_ip}",
            settings=settings,
            private=bool(private),
            name=name or None,
            now=now,
            per_client=app_settings.room_creation_limit,
        )
    except ValueError as error:  # numbers that are no numbers, settings out of range
        session.rollback()
        return _rooms_page(request, session, player, f"Could not create the room: {error}", 422)
    except (GameError, rooms.UnknownCategoryError, rooms.RateLimitedError) as error:
        session.rollback()
        status = 429 if isinstance(error, rooms.RateLimitedError) else 422
        return _rooms_page(request, session, player, f"Could not create the room: {error}", status)
    session.commit()
    return RedirectResponse(f"/r/{row.code}", status_code=303)


@router.get("/rooms/join")
def join_by_code(code: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The room of a typed code ("abcd-efgh" works as well as "ABCDEFGH")."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", code).upper()[:32]
    return RedirectResponse(f"/r/{cleaned}" if cleaned else "/rooms", status_code=303)


def _missing(request: Request, message: str, status: int) -> HTMLResponse:
    context = {"message": message, "status": status}
    return templates.TemplateResponse(request, "rooms/missing.html", context, status_code=status)


@router.get("/r/{code}", response_class=HTMLResponse)
def room_page(request: Request, code: Code, session: SessionDep, user: CurrentUserDep) -> Response:
    """The room (lobby and game), or the name form for a visitor who has not joined."""
    try:
        row, seat = rooms.room_for_viewing(session, code, user)
    except RoomNotFoundError:
        return _missing(request, "There is no room with this code. Check the link, or create a room.", 404)
    if seat is None:
        known = rooms.seat_of(session, row, user)
        if known is not None and known.kicked:
            return _missing(request, "The host removed you from this room.", 403)
        default = known.name if known is not None else (rooms.default_name(user) if user else "")
        context = {"code": row.code, "name": default, "phase": row.phase, "limits": LIMITS, "error": None}
        return templates.TemplateResponse(request, "rooms/join.html", context)
    context = {"code": row.code, "categories": WordRepository(session).list_categories(), "limits": LIMITS}
    return templates.TemplateResponse(request, "rooms/room.html", context)


@router.post("/r/{code}/join", dependencies=[CsrfProtect])
def join_from_form(
    request: Request,
    code: Code,
    session: SessionDep,
    player: PlayerDep,
    now: NowDep,
    name: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Join the room from the name form and go to it."""
    try:
        seat, messages = rooms.join_room(session, code, player, name or None, now)
    except RoomNotFoundError:
        return _missing(request, "There is no room with this code.", 404)
    except GameError as error:
        session.rollback()
        status = 403 if isinstance(error, PermissionError) else 409
        context = {"code": code, "name": name, "phase": "", "limits": LIMITS, "error": str(error)}
        return templates.TemplateResponse(request, "rooms/join.html", context, status_code=status)
    session.commit()
    request.app.state.rooms.publish_from_thread(seat.room.id, messages)
    return RedirectResponse(f"/r/{seat.room.code}", status_code=303)


@router.get("/r/{code}/tv", response_class=HTMLResponse)
def tv_page(request: Request, code: Code, session: SessionDep) -> Response:
    """A read-only screen of the room for a shared display: the drawing, the timer and the scores."""
    try:
        row = rooms.find_room(session, code)
    except RoomNotFoundError:
        return _missing(request, "There is no room with this code.", 404)
    return templates.TemplateResponse(request, "rooms/tv.html", {"code": row.code})
