"""``/api/v1/rooms``: create, list public rooms, join, leave, settings, start, kick, a snapshot, history.

Play itself (strokes, guesses, the word choice, turn events) goes over the room's WebSocket
(``/ws/rooms/{code}``, see docs/ROOMS.md). Each route here runs in the thread pool, commits, then
publishes what changed to the room's connections in every server process.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response

from inkling.game.errors import NotEnoughWordsError
from inkling.game.room_settings import InvalidSettingsError, RoomSettings
from inkling.game.rooms import (
    InvalidMessageError,
    KickedError,
    NameTakenError,
    NotEnoughPlayersError,
    NotHostError,
    NotInRoomError,
    NotNowError,
    RoomFullError,
)
from inkling.services import rooms
from inkling.services.room_store import RoomNotFoundError
from inkling.services.room_views import room_view
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.room_schemas import (
    RoomCreate,
    RoomHistoryPublic,
    RoomJoin,
    RoomKick,
    RoomPublic,
    RoomSettingsUpdate,
    room_public,
)
from inkling.web.deps import (
    ClientIpDep,
    CsrfProtect,
    CurrentUserDep,
    NowDep,
    PlayerDep,
    SessionDep,
    SettingsDep,
)

router = APIRouter(prefix="/api/v1/rooms", tags=["rooms"], responses=ANY_REQUEST)

Code = Annotated[str, Path(min_length=1, max_length=32, description="the room's code (from its link)")]
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (RoomNotFoundError, 404),
    (rooms.PlayerNotFoundError, 404),
    (NotInRoomError, 403),
    (KickedError, 403),
    (NotHostError, 403),
    (RoomFullError, 409),
    (NameTakenError, 409),
    (NotNowError, 409),
    (NotEnoughPlayersError, 409),
    (NotEnoughWordsError, 409),
    (rooms.UnknownCategoryError, 422),
    (InvalidSettingsError, 422),
    (InvalidMessageError, 422),
)
WORDING = {
    403: "Not a player of the room (never joined, left or removed), not its host, or no X-CSRF-Token",
    404: "No room with this code (or no such player in it)",
    409: "Not now: the room is full, the name is taken, the game has started or lacks players",
    422: "Invalid settings or name (the message names the problem)",
    429: "Too many rooms created; try again after Retry-After seconds",
}
CREATE_ERRORS = error_responses(403, 413, 422, 429, described=WORDING)
MEMBER_ERRORS = error_responses(403, 404, 409, 413, 422, described=WORDING)


@contextmanager
def room_errors() -> Iterator[None]:
    """Turn the rooms' errors into 4xx answers with the rule that was broken."""
    try:
        yield
    except rooms.RateLimitedError as error:
        raise HTTPException(429, str(error), headers={"Retry-After": str(error.retry_after_s)}) from None
    except Exception as error:
        for kind, status in STATUS:
            if isinstance(error, kind):
                raise HTTPException(status, str(error)) from None
        raise


def _publish(request: Request, room_id: int, messages: list[dict[str, Any]]) -> None:
    request.app.state.rooms.publish_from_thread(room_id, messages)


@router.post(
    "", response_model=RoomPublic, status_code=201, dependencies=[CsrfProtect], responses=CREATE_ERRORS
)
def create_room(
    body: RoomCreate,
    session: SessionDep,
    player: PlayerDep,
    now: NowDep,
    client_ip: ClientIpDep,
    settings: SettingsDep,
) -> RoomPublic:
    """Create a room and seat its creator as host (a guest if not logged in); share ``url`` to invite."""
    with room_errors():
        row = rooms.create_room(
            session,
            player,
            client_key=f"ip:{client_ip}",
            settings=RoomSettings().updated(**body.changes()),
            private=body.private,
            name=body.name,
            now=now,
            per_client=settings.room_creation_limit,
        )
    session.commit()
    return room_public(row, 1)


@router.get("", response_model=list[RoomPublic])
def list_rooms(session: SessionDep) -> list[RoomPublic]:
    """Public rooms not finished yet, newest first (private rooms are never listed)."""
    return [room_public(row, people) for row, people in rooms.public_rooms(session)]


@router.get("/history", response_model=list[RoomHistoryPublic])
def room_history(session: SessionDep, user: CurrentUserDep) -> list[RoomHistoryPublic]:
    """The finished rooms the player played in, newest first, with their score and place."""
    if user is None:
        return []
    return [
        RoomHistoryPublic(code=r.code, name=s.name, score=s.score, rank=rank, finished_at=r.finished_at)
        for r, s, rank in rooms.history(session, user)
    ]


@router.get("/{code}", responses=error_responses(404, 422, described=WORDING))
def read_room(code: Code, session: SessionDep, user: CurrentUserDep, now: NowDep) -> dict[str, Any]:
    """The room as the player sees it (the word only when they may see it); a watcher's view otherwise."""
    with room_errors():
        row, seat = rooms.room_for_viewing(session, code, user)
    return room_view(session, row, seat, now)


@router.post("/{code}/join", dependencies=[CsrfProtect], responses=MEMBER_ERRORS)
def join_room(
    code: Code, body: RoomJoin, request: Request, session: SessionDep, player: PlayerDep, now: NowDep
) -> dict[str, Any]:
    """Take a seat (a guest if not logged in; a player who left comes back with their score)."""
    with room_errors():
        seat, messages = rooms.join_room(session, code, player, body.name, now)
    session.commit()
    _publish(request, seat.room.id, messages)
    return room_view(session, seat.room, seat.player.id, now)


@router.post("/{code}/leave", status_code=204, dependencies=[CsrfProtect], responses=MEMBER_ERRORS)
def leave_room(
    code: Code, request: Request, session: SessionDep, user: CurrentUserDep, now: NowDep
) -> Response:
    """Leave the room (the host's role passes to the next player; a drawer's turn ends)."""
    with room_errors():
        room_id, messages = rooms.leave_room(session, code, user, now)
    session.commit()
    _publish(request, room_id, messages)
    return Response(status_code=204)


@router.post("/{code}/settings", status_code=204, dependencies=[CsrfProtect], responses=MEMBER_ERRORS)
def change_settings(
    code: Code,
    body: RoomSettingsUpdate,
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    now: NowDep,
) -> Response:
    """The host changes the settings, in the lobby."""
    with room_errors():
        room_id, messages = rooms.change_settings(session, code, user, body.changes(), now)
    session.commit()
    _publish(request, room_id, messages)
    return Response(status_code=204)


@router.post("/{code}/start", status_code=204, dependencies=[CsrfProtect], responses=MEMBER_ERRORS)
def start_game(
    code: Code, request: Request, session: SessionDep, user: CurrentUserDep, now: NowDep
) -> Response:
    """The host starts the game: two people (or one and the model) are needed."""
    rng = getattr(request.app.state, "rng", None) or random.Random()
    with room_errors():
        room_id, messages = rooms.start_game(session, code, user, now, rng)
    session.commit()
    _publish(request, room_id, messages)
    return Response(status_code=204)


@router.post("/{code}/kick", status_code=204, dependencies=[CsrfProtect], responses=MEMBER_ERRORS)
def kick_player(
    code: Code, body: RoomKick, request: Request, session: SessionDep, user: CurrentUserDep, now: NowDep
) -> Response:
    """The host removes a player for good (their connections close with code 4003)."""
    with room_errors():
        room_id, messages = rooms.kick_player(session, code, user, body.player, now)
    session.commit()
    _publish(request, room_id, messages)
    return Response(status_code=204)
