"""``GET /api/v1/leaderboard`` and the ``/leaderboard`` page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.stats_world import played_world


def test_an_empty_leaderboard(client: TestClient) -> None:
    body = client.get("/api/v1/leaderboard").json()
    assert body == {"model_id": None, "fastest": [], "best_games": []}


def test_fastest_and_best_with_guests_as_guest(client: TestClient, engine: Engine) -> None:
    world = played_world(engine)
    body = client.get("/api/v1/leaderboard").json()
    assert [(r["word"], r["recognized_ms"], r["player"]) for r in body["fastest"]] == [
        ("dog", 1500, "guest"),
        ("cat", 4000, "alice"),
        ("cat", 8000, "guest"),
    ]
    assert [(g["player"], g["score"], g["recognized"]) for g in body["best_games"]] == [
        ("guest", 950, 2),
        ("alice", 700, 1),
    ]
    assert "guest-" not in str(body)
    only = client.get("/api/v1/leaderboard", params={"model": world.m2, "limit": 1}).json()
    assert [r["recognized_ms"] for r in only["fastest"]] == [8000]
    assert len(only["best_games"]) == 1


def test_bad_filters_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/leaderboard", params={"model": 999}).status_code == 404
    assert client.get("/api/v1/leaderboard", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/leaderboard", params={"limit": 101}).status_code == 422


def test_the_page_shows_both_boards_and_a_chart(client: TestClient, engine: Engine) -> None:
    world = played_world(engine)
    page = client.get("/leaderboard")
    assert page.status_code == 200
    assert page.text.count("<svg") == 1 and 'role="img"' in page.text
    assert "<title" in page.text and "Fastest recognitions" in page.text
    assert "alice" in page.text and ">guest<" in page.text and "950" in page.text
    assert 'href="/analytics"' in page.text and 'href="/playground"' in page.text  # nav links
    filtered = client.get("/leaderboard", params={"model": world.m2})
    assert f'<option value="{world.m2}" selected' in filtered.text
    assert "8.0 s" in filtered.text and "1.5 s" not in filtered.text  # only rounds that model judged
    assert client.get("/leaderboard", params={"model": 999}).status_code == 200  # stale link: all
