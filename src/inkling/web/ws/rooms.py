"""``/ws/rooms/{code}``: a room's live channel — strokes, guesses and turn events (protocol in docs/ROOMS.md).

The player is the user of the session cookie, and must have joined the room (``POST
/api/v1/rooms/{code}/join``); ``?view=tv`` watches without a seat and sends nothing. On connecting,
a client gets a snapshot of the room from the database, then the room's messages as they are
published (a ``sync`` makes the connection send a fresh snapshot instead). A reconnecting client
thus rejoins where the room is, whichever server process it reaches. Every database call runs in
the thread pool; the event loop only moves messages.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.orm import Session

from inkling.db.broadcast import Message, Subscription
from inkling.db.models import User
from inkling.db.room_models import Room as RoomRow
from inkling.game.errors import GameError
from inkling.game.sketch import CLEAR, POINTS, UNDO
from inkling.services import rooms as rooms_service
from inkling.services.accounts import load_session
from inkling.services.room_ink import InkOp, PendingInk
from inkling.services.room_store import HEARTBEAT_S, RoomNotFoundError
from inkling.services.room_views import room_view
from inkling.web.outage import OUTAGE_ERRORS, OUTAGE_MESSAGE, RETRY_AFTER_S
from inkling.web.rooms_runtime import RoomRuntime
from inkling.web.security import SESSION_COOKIE
from inkling.web.ws.messages import (
    CLOSE_ERROR,
    CLOSE_NO_ROOM,
    CLOSE_NOT_MEMBER,
    CLOSE_POLICY,
    ChooseIn,
    ClearIn,
    GuessIn,
    InkIn,
    InvalidMessage,
    PingIn,
    UndoIn,
    parse_message,
)

router = APIRouter()
log = logging.getLogger(__name__)


def _wire(message: dict[str, Any]) -> str:
    """A published message as JSON text; ink gets ``tx``, when it leaves for this player (``rx``: came in)."""
    text = message.wire() if isinstance(message, Message) else Message(message).wire()
    return f'{text[:-1]},"tx":{time.time() * 1000:.1f}}}' if "rx" in message else text


def _ink_op(message: InkIn | UndoIn | ClearIn) -> InkOp:
    if isinstance(message, InkIn):
        return (POINTS, message.stroke, [list(point) for point in message.points])
    return (UNDO if isinstance(message, UndoIn) else CLEAR, None, None)


class Closed(Exception):
    """End the connection with ``code`` and ``reason``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def _same_origin(websocket: WebSocket) -> bool:
    """A browser names the page that opens a WebSocket: only this site's pages may (no origin: no browser)."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


class Connection:
    """One open room connection: who it is, and its two halves (reading commands, writing messages)."""

    def __init__(self, websocket: WebSocket, runtime: RoomRuntime, room_id: int, player: int | None) -> None:
        self.websocket, self.runtime = websocket, runtime
        self.room_id, self.player = room_id, player
        self._send_lock = anyio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one message (the reader and the writer take turns)."""
        await self._send_text(json.dumps(message, separators=(",", ":"), ensure_ascii=False))

    async def _send_text(self, text: str) -> None:
        async with self._send_lock:
            await self.websocket.send_text(text)

    async def send_snapshot(self) -> None:
        """The room as this connection's viewer sees it now."""
        room_id, player = self.room_id, self.player

        def build(session: Session) -> dict[str, Any]:
            row = session.get(RoomRow, room_id)
            if row is None:
                raise Closed(CLOSE_NO_ROOM, "the room is gone")
            return room_view(session, row, player, self.runtime.now())

        await self.send(await self.runtime.in_thread(build))

    async def write(self, subscription: Subscription) -> None:
        """Forward the room's messages meant for this viewer; a ``sync`` sends a snapshot instead."""
        beat = time.monotonic()
        while True:
            first = None
            with anyio.move_on_after(HEARTBEAT_S):
                first = await subscription.get()
            if time.monotonic() - beat >= HEARTBEAT_S:  # however busy the room, the player stays online
                await self._heartbeat()
                beat = time.monotonic()
            if first is None:
                continue
            batch = [first, *subscription.drain()]
            if any(m["type"] == "kicked" and m.get("player") == self.player for m in batch):
                await self.send({"type": "kicked"})
                raise Closed(CLOSE_NOT_MEMBER, "the host removed you from the room")
            if any(m["type"] == "sync" for m in batch):
                await self.send_snapshot()
                continue
            for message in batch:
                audience = message.get("to")
                if self.player is not None and message.get("by") == self.player:
                    continue  # the drawer's own ink
                if audience is None or self.player in audience:
                    await self._send_text(_wire(message))

    async def _heartbeat(self) -> None:
        if self.player is not None:
            player, now = self.player, self.runtime.now()
            await self.runtime.in_thread(lambda session: rooms_service.heartbeat(session, player, now))

    async def read(self) -> None:
        """Handle the client's messages until it goes away (a bad message ends the connection)."""
        while True:
            frame = await self.websocket.receive()
            received = time.time() * 1000
            if frame["type"] == "websocket.disconnect":
                return
            message = parse_message(frame.get("text"))
            if isinstance(message, PingIn):  # answered once everything sent before is handled
                await self.runtime.ink_stored()
                await self.send({"type": "pong"})
                continue
            if self.player is None:
                raise Closed(CLOSE_POLICY, "the TV view is read-only")
            if isinstance(message, InkIn | UndoIn | ClearIn):
                await self.runtime.store_ink(
                    PendingInk(self.room_id, self.player, _ink_op(message), received)
                )
                continue
            try:
                await self._command(message)
            except rooms_service.RateLimitedError as error:
                await self.send({"type": "error", "detail": str(error), "retry_after": error.retry_after_s})
            except GameError as error:
                await self.send({"type": "error", "detail": str(error)})
            except OUTAGE_ERRORS:  # a lock or statement timeout, a lost database: the command is not done
                log.warning("room %s: a command met a database outage", self.room_id, exc_info=True)
                await self.send({"type": "error", "detail": OUTAGE_MESSAGE, "retry_after": RETRY_AFTER_S})

    async def _command(self, message: Any) -> None:
        room_id, player, now, runtime = self.room_id, self.player, self.runtime.now(), self.runtime
        assert player is not None
        if isinstance(message, ChooseIn):
            rng = runtime.rng()
            index = message.index
            messages = await runtime.in_thread(
                lambda s: rooms_service.choose_word(s, room_id, player, index, now, rng)
            )
        else:
            assert isinstance(message, GuessIn)
            text = message.text
            messages = await runtime.in_thread(
                lambda s: rooms_service.send_line(s, room_id, player, text, now)
            )
        await runtime.publish(room_id, messages)


def _viewer(
    session: Session, code: str, token: str | None, tv: bool, runtime: RoomRuntime
) -> tuple[int, int | None]:
    """The room's id and the connecting player's seat (None for the TV view); ``Closed`` if refused."""
    now = runtime.now()
    user: User | None = None
    if token:
        record, _ = load_session(session, token, now=now)
        user = record.user if record is not None else None
    try:
        room, seat = rooms_service.room_for_viewing(session, code, user)
    except RoomNotFoundError:
        raise Closed(CLOSE_NO_ROOM, "no room with this code") from None
    if tv:
        return room.id, None
    if seat is None:
        raise Closed(CLOSE_NOT_MEMBER, "join the room first (or the host removed you)")
    if not rooms_service.connect(session, room.id, seat, now):
        raise Closed(CLOSE_NOT_MEMBER, "join the room first")
    return room.id, seat


@router.websocket("/ws/rooms/{code}")
async def room_socket(websocket: WebSocket, code: str, view: str = "play") -> None:
    """A room's live channel for a player (or, with ``?view=tv``, a read-only screen)."""
    runtime: RoomRuntime = websocket.app.state.rooms
    await websocket.accept()
    connection: Connection | None = None
    try:
        if not _same_origin(websocket):
            raise Closed(CLOSE_POLICY, "connections from other sites are refused")
        token = websocket.cookies.get(SESSION_COOKIE)
        code = code[:32]
        room_id, player = await runtime.in_thread(lambda s: _viewer(s, code, token, view == "tv", runtime))
        connection = Connection(websocket, runtime, room_id, player)
        runtime.start()
        if player is not None:
            await runtime.publish(room_id, [{"type": "sync"}])  # the others see them online
        async with runtime.broadcaster.subscribe(room_id) as subscription:
            await connection.send_snapshot()
            async with anyio.create_task_group() as tasks:

                async def write() -> None:
                    await connection.write(subscription)

                tasks.start_soon(write)
                await connection.read()  # returns when the client goes away
                tasks.cancel_scope.cancel()
    except* InvalidMessage as group:
        error = group.exceptions[0]
        await _close(websocket, error.code, error.reason)
    except* Closed as group:
        closed = group.exceptions[0]
        await _close(websocket, closed.code, closed.reason)
    except* WebSocketDisconnect:
        pass
    except* Exception:
        log.exception("room connection failed")
        await _close(websocket, CLOSE_ERROR, "server error")
    finally:
        if connection is not None and connection.player is not None:
            await _leave_online(runtime, connection.room_id, connection.player)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):  # the client may have gone first
        await websocket.close(code=code, reason=reason)


async def _leave_online(runtime: RoomRuntime, room_id: int, player: int) -> None:
    now = runtime.now()
    with anyio.CancelScope(shield=True):
        try:
            await runtime.in_thread(lambda s: rooms_service.disconnect(s, player, now))
            await runtime.publish(room_id, [{"type": "sync"}])
        except Exception:
            log.exception("could not record a closed room connection")
