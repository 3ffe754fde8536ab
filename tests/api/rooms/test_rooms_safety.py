"""A room's WebSocket refuses what it must: bad or oversized messages close the connection with a clear
code and change nothing; strangers, other sites and kicked players are shut out; typing is rate-limited;
only the drawer draws, within the ink limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from starlette.websockets import WebSocketDisconnect

from inkling.db.room_models import Room
from inkling.game.room_settings import GUESS_RATE_LIMIT
from inkling.ink import MAX_POINTS
from inkling.web.ws.messages import MAX_MESSAGE_BYTES, MAX_POINTS_PER_MESSAGE
from tests.api.rooms.support import (
    connected,
    counts,
    friend,
    join,
    make_room,
    post,
    receive_until,
    room_state,
    snapshot,
)

BAD_MESSAGES: list[tuple[str, Any, int]] = [
    ("binary", b"\x00\x01", 1003),
    ("too big", json.dumps({"type": "guess", "text": "x" * MAX_MESSAGE_BYTES}), 1009),
    ("not JSON", "{guess: cat", 1007),
    ("NaN", '{"type": "ink", "stroke": 0, "points": [[NaN, 1, 2]]}', 1007),
    ("unknown type", '{"type": "teleport"}', 1007),
    ("extra field", '{"type": "guess", "text": "cat", "points": 100}', 1007),
    ("guess too long", json.dumps({"type": "guess", "text": "x" * 101}), 1007),
    ("empty guess", '{"type": "guess", "text": ""}', 1007),
    ("boolean index", '{"type": "choose", "index": true}', 1007),
    ("stroke out of range", '{"type": "ink", "stroke": 500, "points": [[1, 2, 3]]}', 1007),
    ("too many points", json.dumps({"type": "ink", "stroke": 0, "points": [[1, 2, 3]] * 201}), 1007),
    ("a list", "[]", 1007),
]


def _drawing_room(host: TestClient) -> tuple[str, TestClient]:
    """A room where Ann draws and Bob guesses."""
    code = make_room(host, model_plays=False)
    bob = friend(host)
    join(bob, code, "Bob")
    assert post(host, f"/api/v1/rooms/{code}/start").status_code == 204
    with connected(host, code) as ws:
        ws.send_json({"type": "choose", "index": 0})
        snapshot(ws, phase="drawing")
    return code, bob


def _closed_with(ws: Any) -> int:
    with pytest.raises(WebSocketDisconnect) as closed:
        for _ in range(10):
            ws.receive_json()
    return closed.value.code


@pytest.mark.parametrize(("case", "frame", "code"), BAD_MESSAGES, ids=[c[0] for c in BAD_MESSAGES])
def test_a_bad_message_closes_the_connection_and_changes_nothing(
    room_app: TestClient, engine: Engine, case: str, frame: Any, code: int
) -> None:
    room, bob = _drawing_room(room_app)
    before, stored = counts(engine), room_state(engine, room)
    with connected(bob, room) as ws:
        if isinstance(frame, bytes):
            ws.send_bytes(frame)
        else:
            ws.send_text(frame)
        assert _closed_with(ws) == code
    assert counts(engine) == before and room_state(engine, room) == stored
    with connected(bob, room) as ws:  # the player may connect again
        ws.send_json({"type": "ping"})
        assert receive_until(ws, "pong")


def test_strangers_unknown_rooms_and_other_sites_are_refused(room_app: TestClient) -> None:
    code = make_room(room_app)
    stranger = friend(room_app)
    for client, path, expected in (
        (stranger, f"/ws/rooms/{code}", 4003),  # never joined
        (stranger, "/ws/rooms/NOSUCHROOM", 4004),
        (room_app, f"/ws/rooms/{'x' * 5000}", 4004),
    ):
        with client.websocket_connect(path) as ws:
            assert _closed_with(ws) == expected
    with room_app.websocket_connect(f"/ws/rooms/{code}", headers={"origin": "https://evil.example"}) as ws:
        assert _closed_with(ws) == 1008
    with room_app.websocket_connect(f"/ws/rooms/{code}", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "snapshot"


def test_a_kicked_player_is_disconnected_and_cannot_come_back(room_app: TestClient) -> None:
    code = make_room(room_app)
    bob = friend(room_app)
    bob_id = join(bob, code, "Bob")["you"]
    with connected(bob, code) as ws:
        assert post(room_app, f"/api/v1/rooms/{code}/kick", {"player": bob_id}).status_code == 204
        assert receive_until(ws, "kicked")
        assert _closed_with(ws) == 4003
    with bob.websocket_connect(f"/ws/rooms/{code}") as ws:
        assert _closed_with(ws) == 4003


def test_guesses_and_chat_are_rate_limited(room_app: TestClient, engine: Engine) -> None:
    code, bob = _drawing_room(room_app)
    with connected(bob, code) as ws:
        for number in range(GUESS_RATE_LIMIT):
            ws.send_json({"type": "guess", "text": f"guess {number}"})
            receive_until(ws, "chat")
        stored = counts(engine)["room_guesses"]
        ws.send_json({"type": "guess", "text": "one more"})
        refused = receive_until(ws, "error")
        assert "slow down" in refused["detail"] and refused["retry_after"] >= 1
        assert counts(engine)["room_guesses"] == stored
        room_app.app.state.clock.advance(5_001)
        ws.send_json({"type": "guess", "text": "later"})
        assert receive_until(ws, "chat")["text"] == "later"


def test_only_the_drawer_draws_within_the_ink_limits(room_app: TestClient, engine: Engine) -> None:
    code, bob = _drawing_room(room_app)
    with connected(bob, code) as ws:
        ws.send_json({"type": "ink", "stroke": 0, "points": [[1, 1, 0]]})
        ws.send_json({"type": "choose", "index": 1})
        assert "drawer" in receive_until(ws, "error")["detail"]
    assert counts(engine)["room_strokes"] == 0
    chunk = [[float(i), float(i), float(i)] for i in range(MAX_POINTS_PER_MESSAGE)]
    with connected(room_app, code) as ws:
        for stroke in range(MAX_POINTS // MAX_POINTS_PER_MESSAGE):
            ws.send_json({"type": "ink", "stroke": stroke, "points": chunk})
        ws.send_json({"type": "ink", "stroke": 0, "points": [[0, 0, 0]]})  # one point over the limit
        ws.send_json({"type": "ping"})
        receive_until(ws, "pong", limit=200)
    assert counts(engine)["room_strokes"] == MAX_POINTS // MAX_POINTS_PER_MESSAGE


def test_a_database_timeout_answers_an_error_and_keeps_the_connection(
    room_app: TestClient, engine: Engine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("lock timeouts are PostgreSQL's")
    code, bob = _drawing_room(room_app)
    with connected(bob, code) as ws, engine.connect() as other:
        other.execute(select(Room.id).where(Room.code == code).with_for_update())  # held past lock_timeout
        ws.send_json({"type": "guess", "text": "a cat"})
        refused = receive_until(ws, "error")
        assert "try again" in refused["detail"] and refused["retry_after"] > 0
        other.rollback()
        ws.send_json({"type": "guess", "text": "a dog"})
        assert receive_until(ws, "chat")["text"] == "a dog"
