"""Helpers for the rooms' tests: friends with their own cookies on one app, rooms made and joined, the clock.

Every friend is a ``TestClient`` of the same app sharing the host's event loop (its portal), as the
connections of one server process do; each keeps its own cookies (its own guest or account).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from starlette.testclient import WebSocketTestSession

from inkling.db.engine import session_scope
from inkling.db.models import Drawing
from inkling.db.room_models import Room, RoomGuess, RoomPlayer, RoomStroke, RoomTurn
from tests.api.game_support import Clock

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
COUNTED = (Room, RoomPlayer, RoomTurn, RoomStroke, RoomGuess, Drawing)


def friend(host: TestClient) -> TestClient:
    """Another browser on the same server process: its own cookies, the host client's event loop."""
    other = TestClient(host.app)
    other.portal = host.portal
    return other


def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session (read from a page, which makes a guest session if needed)."""
    match = CSRF_META.search(client.get("/rooms").text)
    assert match
    return match.group(1)


def post(client: TestClient, path: str, body: dict[str, Any] | None = None) -> Any:
    """A JSON post with the session's CSRF token."""
    return client.post(path, json=body or {}, headers={"X-CSRF-Token": csrf(client)})


def make_room(client: TestClient, name: str = "Ann", **settings: Any) -> str:
    """Create a room as ``name``; its code."""
    body = {"name": name, "category": "fruit-vegetables", "draw_seconds": 30, **settings}
    response = post(client, "/api/v1/rooms", body)
    assert response.status_code == 201, response.text
    return response.json()["code"]


def join(client: TestClient, code: str, name: str) -> dict[str, Any]:
    """Join the room as ``name`` (a guest made on the way); the snapshot."""
    response = post(client, f"/api/v1/rooms/{code}/join", {"name": name})
    assert response.status_code == 200, response.text
    return response.json()


def clock(client: TestClient) -> Clock:
    """The app's clock."""
    return client.app.state.clock


def tick(client: TestClient, ms: int = 0) -> None:
    """Move the clock on by ``ms`` and let the rooms' clock do what is due."""
    clock(client).advance(ms)
    client.portal.call(client.app.state.rooms.tick)


def receive_until(ws: WebSocketTestSession, kind: str, limit: int = 20, **match: Any) -> dict[str, Any]:
    """The next message of type ``kind`` (with ``match`` fields), skipping others."""
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message
    raise AssertionError(f"no {kind} message in {limit}")


def snapshot(ws: WebSocketTestSession, **match: Any) -> dict[str, Any]:
    """The next snapshot (with ``match`` fields, e.g. ``phase="drawing"``)."""
    return receive_until(ws, "snapshot", **match)


def counts(engine: Engine) -> dict[str, int]:
    """Rows in the rooms' tables and in drawings."""
    with session_scope(engine) as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in COUNTED}


def room_state(engine: Engine, code: str) -> dict[str, Any]:
    """The stored state and settings of a room."""
    with session_scope(engine) as session:
        row = session.scalar(select(Room).where(Room.code == code))
        assert row is not None
        return {"state": row.state, "settings": row.settings, "phase": row.phase}


@contextmanager
def connected(client: TestClient, code: str, view: str = "") -> Iterator[WebSocketTestSession]:
    """The room's WebSocket for ``client`` (``view="tv"`` watches), its first snapshot read."""
    suffix = f"?view={view}" if view else ""
    with client.websocket_connect(f"/ws/rooms/{code}{suffix}") as ws:
        assert ws.receive_json()["type"] == "snapshot"
        yield ws
