"""JSON types at their word: every time the API answers carries its UTC offset (SQLite too), and request
bodies refuse a boolean for a number, a number for a boolean and a string for a number."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.game_support import table_counts
from tests.api.stats_world import played_world


def _times(body: Any) -> list[str]:
    """Every value under a key ending in ``_at``, however deep."""
    if isinstance(body, list):
        return [time for item in body for time in _times(item)]
    if not isinstance(body, dict):
        return []
    found = [value for key, value in body.items() if key.endswith("_at") and value is not None]
    return found + [time for value in body.values() for time in _times(value)]


def test_every_time_in_an_answer_is_utc_with_its_offset(client: TestClient, engine: Engine) -> None:
    played_world(engine)  # finished games, recognised rounds and models, stored (and read back) as naive
    session = client.post("/api/v1/auth/guest")
    assert session.status_code == 201, session.text
    headers = {"X-CSRF-Token": session.json()["csrf_token"]}
    game = client.post("/api/v1/games", json={"category": None}, headers=headers)
    assert game.status_code == 201, game.text
    game_id = game.json()["id"]
    played = client.post(f"/api/v1/games/{game_id}/rounds", headers=headers)
    assert played.status_code == 201, played.text
    answers = [
        session,
        game,
        played,
        client.get(f"/api/v1/games/{game_id}"),
        client.get("/api/v1/games"),
        client.get("/api/v1/auth/me"),
        client.get("/api/v1/leaderboard"),
        client.get("/api/v1/models"),
        client.post("/api/v1/captcha", headers=headers),
    ]
    times = []
    for answer in answers:
        assert answer.status_code < 300, answer.text
        times += _times(answer.json())
    # a user, a game started and read back (with its round), both boards, two models, a challenge
    assert len(times) >= 10
    for time in times:
        assert datetime.fromisoformat(time).utcoffset() == timedelta(0), time
        assert time.endswith(("Z", "+00:00")), time


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/doodles/guess", {"ink": [], "top": True}, "top"),
        ("/api/v1/doodles/guess", {"ink": [], "top": "5"}, "top"),
        ("/api/v1/doodles/guess", {"ink": [], "top": 5.0}, "top"),
        ("/api/v1/doodles/guess", {"ink": [], "model": 7}, "model"),
        ("/api/v1/rounds/1/ink", {"ink": [], "clock_ms": True}, "clock_ms"),
        ("/api/v1/rounds/1/finish", {"ink": [], "clock_ms": "100"}, "clock_ms"),
        ("/api/v1/rounds/1/feedback", {"word": "cat", "confirmed": 1}, "confirmed"),
        ("/api/v1/rounds/1/feedback", {"word": "cat", "confirmed": "true"}, "confirmed"),
        ("/api/v1/rounds/1/feedback", {"word": 1, "confirmed": True}, "word"),
        ("/api/v1/games", {"category": 5}, "category"),
        ("/api/v1/drawings", {"word": True, "ink": []}, "word"),
        ("/api/v1/auth/login", {"username": 123, "password": "correct horse"}, "username"),
        ("/api/v1/auth/signup", {"username": "ann", "password": "correct horse", "email": 0}, "email"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused(
    client: TestClient, engine: Engine, path: str, body: dict[str, Any], field: str
) -> None:
    before = table_counts(engine)
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
    assert table_counts(engine) == before
