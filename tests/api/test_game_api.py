"""The game over HTTP: games, rounds, live ink, finishing, feedback, owners, bad input, restarts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, Feedback, RegisteredModel, Word, WordCategory
from inkling.db.models import Round as RoundRow
from inkling.db.repositories.words import ensure_seed_words
from inkling.game import GRACE_MS, ROUND_MS
from inkling.services.models import default_shipped_model, load_shipped_models
from inkling.web.app import create_app
from tests.api.game_support import (
    Clock,
    WordPicker,
    drawing_with_times_stepping_back,
    recognised_drawing,
    table_counts,
)
from tests.conftest import app_settings

CATEGORY = "fruit-vegetables"
WORDS = ["apple", "banana", "carrot", "mushroom", "pear", "strawberry", "pineapple"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def play(database_url: str, engine: Engine, clock: Clock) -> Iterator[TestClient]:
    """A client of the real app on a seeded database with the shipped models; fixed words and clock."""
    with session_scope(engine) as session:
        ensure_seed_words(session)
        load_shipped_models(session)
    app = create_app(app_settings(database_url))
    app.state.clock = clock
    app.state.rng = WordPicker(WORDS)
    with TestClient(app) as client:
        yield client


def _csrf(client: TestClient) -> dict[str, str]:
    """The CSRF header of the client's session (from the page's meta tag)."""
    page = client.get("/").text
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    return {"X-CSRF-Token": token}


def _start(client: TestClient, category: str | None = CATEGORY) -> tuple[dict, dict[str, str]]:
    """Start a game as a fresh guest; returns the game and the CSRF header."""
    response = client.post("/api/v1/games", json={"category": category})
    assert response.status_code == 201, response.text
    return response.json(), _csrf(client)


def _round(client: TestClient, game_id: int, headers: dict[str, str], *, begin: bool = True) -> dict:
    """Show the next round and, with ``begin``, start its clock at once (the player is ready)."""
    response = client.post(f"/api/v1/games/{game_id}/rounds", headers=headers)
    assert response.status_code == 201, response.text
    shown = response.json()
    assert shown["status"] == "shown" and shown["started_at"] is None
    if begin:
        _ok(client, f"/api/v1/rounds/{shown['id']}/begin", {}, headers)
    return shown


def _ok(client: TestClient, path: str, body: dict, headers: dict[str, str]) -> dict:
    """POST ``body`` and expect a 2xx answer."""
    response = client.post(path, json=body, headers=headers)
    assert response.is_success, response.text
    return response.json()


def _prefix(ink: list[Any], strokes: int) -> list[Any]:
    return ink[:strokes]


def test_a_round_is_recognised_from_a_real_drawing(
    play: TestClient, engine: Engine, clock: Clock, data_dir: Path
) -> None:
    game, headers = _start(play)
    assert game["category"] == CATEGORY and game["rounds_total"] == 6 and game["status"] == "playing"
    assert game["score"] == 0 and game["rounds"] == []
    started = _round(play, game["id"], headers)
    assert started["number"] == 1 and started["word"] == "apple" and started["time_limit_ms"] == ROUND_MS
    drawing = recognised_drawing(data_dir, "apple")
    clock.advance(1500)
    first = play.post(f"/api/v1/rounds/{started['id']}/ink", json={"ink": []}, headers=headers)
    assert first.status_code == 200 and first.json()["outcome"] == "drawing"
    assert first.json()["live"]["phrase"] == "Hmm…"
    outcomes = []
    for strokes in range(1, len(drawing) + 1):
        clock.advance(700)
        response = play.post(
            f"/api/v1/rounds/{started['id']}/ink", json={"ink": _prefix(drawing, strokes)}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        outcomes.append(body["outcome"])
        assert (
            body["remaining_ms"] == ROUND_MS - body["elapsed_ms"]
            and body["model"] == f"{default_shipped_model('doodle').name}@1"
        )
        assert len(body["live"]["shown"]) <= 3 and body["live"]["phrase"]
        if body["outcome"] == "recognised":
            assert body["recognized"] and body["live"]["phrase"] == "Oh, I know! It's apple!"
            assert body["points"] == 100 + (100 * (ROUND_MS - body["elapsed_ms"])) // ROUND_MS  # scored now
            break
        assert body["points"] == 0
    assert outcomes[-1] == "recognised", outcomes
    win_ms = 1500 + 700 * len(outcomes)
    with session_scope(engine) as session:  # the drawing so far is kept at the recognition
        row = session.scalars(select(RoundRow)).one()
        assert row.recognized and row.recognized_ms == win_ms and row.drawing_id is not None
        active = select(RegisteredModel.id).where(
            RegisteredModel.is_active.is_(True), RegisteredModel.task == "doodle"
        )
        assert row.model_id == session.scalar(active)
    clock.advance(2000)  # keep drawing after the win: the whole drawing is stored at the end
    finished = play.post(f"/api/v1/rounds/{started['id']}/finish", json={"ink": drawing}, headers=headers)
    assert finished.status_code == 200, finished.text
    result = finished.json()
    assert result["recognized"] and result["recognized_ms"] == win_ms
    assert result["points"] == 100 + (100 * (ROUND_MS - win_ms)) // ROUND_MS
    assert result["attempts"] == len(result["said"]) - 1 and result["said"][-1] == "apple"
    assert result["drawing_ms"] == win_ms + 2000 and result["finished_ms"] == win_ms + 2000
    assert result["first_stroke_ms"] is not None and result["first_stroke_ms"] <= 2200
    assert result["ink"] == drawing and result["model"] == f"{default_shipped_model('doodle').name}@1"
    assert result["guesses"][0]["word"] == "apple"
    with session_scope(engine) as session:
        stored = session.scalars(select(Drawing)).one()
        assert stored.ink == drawing and stored.source == "game" and stored.user_id is not None
        assert stored.word.text == "apple" and stored.stroke_count == len(drawing)
    again = play.post(f"/api/v1/rounds/{started['id']}/ink", json={"ink": drawing}, headers=headers)
    assert again.status_code == 409 and "already finished" in again.json()["detail"]
    read = play.get(f"/api/v1/games/{game['id']}").json()
    assert read["score"] == result["points"] and read["rounds"][0]["result"]["ink"] == drawing


def test_the_clock_starts_when_the_player_dismisses_the_word_card(
    play: TestClient, engine: Engine, clock: Clock
) -> None:
    game, headers = _start(play)
    shown = _round(play, game["id"], headers, begin=False)
    clock.advance(9_000)  # reading the card costs no drawing time
    assert play.get(f"/api/v1/games/{game['id']}").json()["rounds"][0]["status"] == "shown"
    assert '"begun": false' in play.get(f"/play/{game['id']}").text  # a reload shows the card again
    busy = play.post(f"/api/v1/games/{game['id']}/rounds", headers=headers)
    assert busy.status_code == 409
    begun = _ok(play, f"/api/v1/rounds/{shown['id']}/begin", {}, headers)
    assert begun["status"] == "drawing" and begun["elapsed_ms"] == 0 and begun["remaining_ms"] == ROUND_MS
    clock.advance(1_000)
    again = _ok(play, f"/api/v1/rounds/{shown['id']}/begin", {}, headers)  # a second "Got it!" is harmless
    assert again["elapsed_ms"] == 1_000 and again["started_at"] == begun["started_at"]
    clock.advance(ROUND_MS + GRACE_MS)
    late = _ok(play, f"/api/v1/rounds/{shown['id']}/ink", {"ink": []}, headers)
    assert (
        late["outcome"] == "timed_out"
        and late["result"]["blank"]
        and late["result"]["first_stroke_ms"] is None
    )
    closed = play.post(f"/api/v1/rounds/{shown['id']}/begin", headers=headers)
    assert closed.status_code == 409 and "already finished" in closed.json()["detail"]
    with session_scope(engine) as session:
        row = session.scalars(select(RoundRow)).one()
        assert row.started_at is not None and row.shown_at < row.started_at


def test_ink_on_the_word_card_begins_the_round_and_its_first_stroke_counts(
    play: TestClient, clock: Clock
) -> None:
    """A client that never says "Got it!" (an older one, or a player who just draws) still plays."""
    game, headers = _start(play)
    shown = _round(play, game["id"], headers, begin=False)
    clock.advance(30_000)  # longer than a round: the card was up, so no time ran
    scribble = [[[10, 20, 30], [10, 12, 10], [0, 50, 100]]]
    judged = _ok(play, f"/api/v1/rounds/{shown['id']}/ink", {"ink": scribble, "clock_ms": 400}, headers)
    assert judged["outcome"] == "drawing" and judged["elapsed_ms"] == 400  # begun at its first point
    assert judged["remaining_ms"] == ROUND_MS - 400
    clock.advance(600)
    result = _ok(play, f"/api/v1/rounds/{shown['id']}/finish", {"ink": scribble}, headers)
    assert result["first_stroke_ms"] == 0 and result["finished_ms"] == 1_000 and not result["blank"]
    second = _round(play, game["id"], headers, begin=False)
    clock.advance(5_000)
    skipped = _ok(play, f"/api/v1/rounds/{second['id']}/finish", {"ink": []}, headers)
    assert skipped["blank"] and skipped["finished_ms"] == 0 and skipped["points"] == 0


def test_time_runs_out_on_the_server_clock(play: TestClient, engine: Engine, clock: Clock) -> None:
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    scribble = [[[10, 20, 30], [10, 12, 10], [0, 50, 100]]]
    clock.advance(3000)
    _ok(play, f"/api/v1/rounds/{started['id']}/ink", {"ink": scribble}, headers)
    clock.advance(ROUND_MS + GRACE_MS)  # the client's timer is not trusted: the server's is
    late = play.post(f"/api/v1/rounds/{started['id']}/ink", json={"ink": scribble}, headers=headers)
    body = late.json()
    assert body["outcome"] == "timed_out" and body["closed"] and body["remaining_ms"] == 0
    assert body["result"]["finished_ms"] == ROUND_MS and body["result"]["points"] == 0
    assert body["result"]["first_stroke_ms"] == 3000 - 100 and body["result"]["drawing_ms"] == 3000
    with session_scope(engine) as session:
        assert session.scalars(select(Drawing)).one().ink == scribble
    second = _round(play, game["id"], headers)
    clock.advance(25_000)  # a finish after the deadline ends the round at the deadline
    result = play.post(f"/api/v1/rounds/{second['id']}/finish", json={"ink": []}, headers=headers).json()
    assert not result["recognized"] and result["finished_ms"] == ROUND_MS and result["ink"] is None
    third = _round(play, game["id"], headers)  # an abandoned round is closed when the next one starts
    clock.advance(30_000)
    fourth = _round(play, game["id"], headers)
    assert fourth["number"] == 4
    rounds = play.get(f"/api/v1/games/{game['id']}").json()["rounds"]
    assert rounds[2]["id"] == third["id"] and rounds[2]["status"] == "finished"
    assert rounds[2]["result"]["finished_ms"] == ROUND_MS


def test_a_whole_game_has_six_different_words_and_a_score(play: TestClient, clock: Clock) -> None:
    game, headers = _start(play)
    words = []
    for _ in range(6):
        started = _round(play, game["id"], headers)
        words.append(started["word"])
        busy = play.post(f"/api/v1/games/{game['id']}/rounds", headers=headers)
        assert busy.status_code == 409 and "still being drawn" in busy.json()["detail"]
        clock.advance(4000)
        play.post(
            f"/api/v1/rounds/{started['id']}/finish", json={"ink": []}, headers=headers
        ).raise_for_status()
    assert words == WORDS[:6]
    final = play.get(f"/api/v1/games/{game['id']}").json()
    assert final["status"] == "finished" and final["finished_at"] is not None and len(final["rounds"]) == 6
    extra = play.post(f"/api/v1/games/{game['id']}/rounds", headers=headers)
    assert extra.status_code == 409 and "every round" in extra.json()["detail"]
    listed = play.get("/api/v1/games").json()
    assert [g["id"] for g in listed] == [game["id"]] and listed[0]["rounds"][0]["result"]["ink"] is None


def test_a_small_category_falls_back_to_any_word(play: TestClient, engine: Engine, clock: Clock) -> None:
    with session_scope(engine) as session:
        tiny = WordCategory(slug="tiny", name="Tiny", description="two words")
        session.add(tiny)
        session.flush()
        for text in ("apple", "banana"):
            session.scalars(select(Word).where(Word.text == text)).one().category_id = tiny.id
    game, headers = _start(play, "tiny")
    words = []
    for _ in range(6):
        started = _round(play, game["id"], headers)
        words.append(started["word"])
        play.post(
            f"/api/v1/rounds/{started['id']}/finish", json={"ink": []}, headers=headers
        ).raise_for_status()
    assert len(set(words)) == 6 and not set(words) <= {"apple", "banana"}
    unknown = play.post("/api/v1/games", json={"category": "no-such-thing"}, headers=headers)
    assert unknown.status_code == 404 and "no-such-thing" in unknown.json()["detail"]


def test_feedback_labels_the_stored_drawing(play: TestClient, engine: Engine, clock: Clock) -> None:
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    url = f"/api/v1/rounds/{started['id']}/feedback"
    early = play.post(url, json={"word": "apple", "confirmed": True}, headers=headers)
    assert early.status_code == 409 and "no finished drawing" in early.json()["detail"]
    scribble = [[[0, 50, 100], [0, 50, 0], [0, 100, 200]]]
    clock.advance(5000)
    play.post(f"/api/v1/rounds/{started['id']}/finish", json={"ink": scribble}, headers=headers)
    label = play.get(f"/api/v1/games/{game['id']}").json()["rounds"][0]
    assert label["feedback"] is None  # nobody answered: the label is the word asked
    assert label["label"] == {
        "round_id": started["id"],
        "word": "apple",
        "confirmed": False,
        "source": "prompt",
        "prompt": "apple",
    }
    unknown = play.post(url, json={"word": "unicornicopia", "confirmed": False}, headers=headers)
    assert unknown.status_code == 422 and "unicornicopia" in unknown.json()["detail"]
    response = play.post(url, json={"word": "the_eiffel_tower", "confirmed": False}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json() == {
        "round_id": started["id"],
        "word": "The Eiffel Tower",
        "confirmed": False,
        "source": "corrected",
        "prompt": "apple",
    }
    play.post(url, json={"confirmed": True}, headers=headers).raise_for_status()
    with session_scope(engine) as session:
        feedback = session.scalars(select(Feedback)).one()  # a second answer replaces the first
        assert feedback.confirmed and feedback.round_id == started["id"] and feedback.source == "confirmed"
        assert session.get(Word, feedback.correct_word_id).text == "apple"
        assert feedback.drawing_id == session.scalars(select(Drawing.id)).one()
    shown = play.get(f"/api/v1/games/{game['id']}").json()["rounds"][0]["feedback"]
    assert shown == {
        "round_id": started["id"],
        "word": "apple",
        "confirmed": True,
        "source": "confirmed",
        "prompt": "apple",
    }


def test_a_yes_cannot_store_the_models_wrong_answer(play: TestClient, engine: Engine, clock: Clock) -> None:
    """Asked "apple", the model said "banana": a confirmation must name apple or nothing, never banana."""
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    clock.advance(3000)
    play.post(
        f"/api/v1/rounds/{started['id']}/finish", json={"ink": [[[0, 9], [0, 9], [0, 50]]]}, headers=headers
    ).raise_for_status()
    url = f"/api/v1/rounds/{started['id']}/feedback"
    before = table_counts(engine)
    wrong = play.post(url, json={"word": "banana", "confirmed": True}, headers=headers)
    assert wrong.status_code == 422 and "word asked" in wrong.json()["detail"]
    unsaid = play.post(url, json={"confirmed": False}, headers=headers)
    assert unsaid.status_code == 422 and "which official word" in unsaid.json()["detail"]
    assert table_counts(engine) == before
    same = play.post(url, json={"word": "Apple", "confirmed": False}, headers=headers).json()
    assert same["source"] == "confirmed" and same["word"] == "apple"  # naming the word asked confirms it
    fixed = play.post(url, json={"word": "banana", "confirmed": False}, headers=headers).json()
    assert fixed["source"] == "corrected" and fixed["word"] == "banana" and not fixed["confirmed"]


def test_only_the_owner_plays_and_sees_a_game(play: TestClient, database_url: str, clock: Clock) -> None:
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    other = TestClient(play.app)
    other_game, other_headers = _start(other)
    ink = {"ink": [[[0, 1], [0, 1], [0, 1]]]}
    label = {"word": "apple", "confirmed": True}
    checks = [
        other.get(f"/api/v1/games/{game['id']}"),
        other.post(f"/api/v1/rounds/{started['id']}/begin", headers=other_headers),
        other.post(f"/api/v1/games/{game['id']}/rounds", headers=other_headers),
        other.post(f"/api/v1/rounds/{started['id']}/ink", json=ink, headers=other_headers),
        other.post(f"/api/v1/rounds/{started['id']}/finish", json=ink, headers=other_headers),
        other.post(f"/api/v1/rounds/{started['id']}/feedback", json=label, headers=other_headers),
        TestClient(play.app).post(f"/api/v1/rounds/{started['id']}/ink", json=ink),
    ]
    assert [r.status_code for r in checks] == [403] * len(checks)
    assert play.get(f"/api/v1/games/{other_game['id']}").status_code == 403
    assert play.get("/api/v1/games/999999").status_code == 404
    assert play.post("/api/v1/rounds/999999/ink", json=ink, headers=headers).status_code == 404
    assert play.post("/api/v1/rounds/999999/begin", headers=headers).status_code == 404
    assert play.get("/api/v1/games/0").status_code == 422
    no_csrf = play.post(f"/api/v1/rounds/{started['id']}/ink", json=ink)
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["detail"]


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (json.dumps({"ink": [[[1, 2], [3]]]}), 422, "xs has 2 points but ys has 1"),
        (json.dumps({"ink": [[[1, 2]]]}), 422, "expected 2 arrays"),
        (json.dumps({"ink": {"strokes": []}}), 422, "ink"),
        (json.dumps({"ink": [[[0, 1], [0, 1], [0, -5]]]}), 422, "negative"),
        (json.dumps({"strokes": []}), 422, "ink"),
        ('{"ink": [[[0, NaN], [0, 1], [0, 1]]]}', 422, "not finite"),
        ("not json", 422, "JSON"),
        (json.dumps({"ink": [[list(range(1000)), [0] * 1000, list(range(1000))]] * 25}), 422, "20000 points"),
        (
            json.dumps({"ink": [[list(range(50_000)), [0] * 50_000, list(range(50_000))]] * 2}),
            413,
            "too large",
        ),
        ('{"ink": [' + "0," * (5 * 1024 * 1024) + "0]}", 413, "too large"),
        (json.dumps({"ink": [], "clock_ms": -1}), 422, "clock_ms"),
    ],
    ids=[
        "shape",
        "arity",
        "object",
        "negative-time",
        "no-ink",
        "nan",
        "not-json",
        "20k+",
        "100k",
        "10MB",
        "clock",
    ],
)
def test_bad_ink_is_refused_and_nothing_changes(
    play: TestClient, engine: Engine, clock: Clock, content: str, status: int, message: str
) -> None:
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    before = (table_counts(engine), play.get(f"/api/v1/games/{game['id']}").json())
    for action in ("ink", "finish"):
        response = play.post(
            f"/api/v1/rounds/{started['id']}/{action}",
            content=content,
            headers={**headers, "content-type": "application/json"},
        )
        assert response.status_code == status, response.text
        assert message in json.dumps(response.json()), response.text
    assert (table_counts(engine), play.get(f"/api/v1/games/{game['id']}").json()) == before


def test_a_real_drawing_whose_times_step_back_still_closes_its_round(
    play: TestClient, engine: Engine, clock: Clock, data_dir: Path
) -> None:
    drawing = drawing_with_times_stepping_back(data_dir)
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    clock.advance(2000)
    live = play.post(f"/api/v1/rounds/{started['id']}/ink", json={"ink": drawing}, headers=headers)
    assert live.status_code == 200, live.text
    assert live.json()["outcome"] == "drawing" and live.json()["guesses"]
    clock.advance(1000)
    finished = play.post(f"/api/v1/rounds/{started['id']}/finish", json={"ink": drawing}, headers=headers)
    assert finished.status_code == 200, finished.text
    assert finished.json()["ink"] == drawing and finished.json()["finished_ms"] == 3000
    with session_scope(engine) as session:
        row = session.scalars(select(RoundRow)).one()
        assert row.finished_at is not None and row.drawing is not None and row.drawing.ink == drawing
        assert row.drawing.stroke_count == len(drawing) and row.drawing.source == "game"
    game_now = play.get(f"/api/v1/games/{game['id']}").json()
    assert game_now["rounds"][0]["result"]["ink"] == drawing


def test_results_survive_a_restart(play: TestClient, database_url: str, clock: Clock, data_dir: Path) -> None:
    game, headers = _start(play)
    started = _round(play, game["id"], headers)
    clock.advance(2000)
    drawing = recognised_drawing(data_dir, "apple")
    play.post(
        f"/api/v1/rounds/{started['id']}/ink", json={"ink": drawing}, headers=headers
    ).raise_for_status()
    clock.advance(1000)
    play.post(
        f"/api/v1/rounds/{started['id']}/finish", json={"ink": drawing}, headers=headers
    ).raise_for_status()
    before = play.get(f"/api/v1/games/{game['id']}").json()
    cookies = dict(play.cookies)
    fresh = create_app(app_settings(database_url))
    with TestClient(fresh, cookies=cookies) as again:
        after = again.get(f"/api/v1/games/{game['id']}").json()
        page = again.get(f"/games/{game['id']}")
    assert after == before and after["score"] > 0
    assert page.status_code == 200 and "apple" in page.text and "<svg" in page.text


def test_the_end_screen_counts_the_guesses_and_shows_how_others_drew(
    play: TestClient, clock: Clock, data_dir: Path
) -> None:
    game, headers = _start(play)
    for number in range(6):
        started = _round(play, game["id"], headers)
        clock.advance(2000)
        drawing = recognised_drawing(data_dir, "apple") if number == 0 else [[[0, 40], [0, 40], [0, 90]]]
        _ok(play, f"/api/v1/rounds/{started['id']}/finish", {"ink": drawing if number < 5 else []}, headers)
    page = play.get(f"/games/{game['id']}").text
    assert "You were asked to draw 6 things. The model guessed 1 of them." in page
    assert page.count('class="end-tile') == 6 and 'href="#round-1"' in page and 'id="round-6"' in page
    assert "How others drew apple" in page and "Not drawn" in page  # the sixth was left blank
    assert page.count('class="other other-quickdraw"') >= 6  # seeded: never empty on a fresh install
    assert "Quick, Draw! Dataset, Google Creative Lab, CC BY 4.0" in page


def test_unknown_pages_are_html_and_unknown_api_routes_json(play: TestClient) -> None:
    page = play.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and 'id="site-nav"' in page.text  # in the site's layout
    api = play.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    game, _ = _start(play)
    stranger = TestClient(play.app)
    assert stranger.get("/games/999999").status_code == 404  # missing, even without a session
    assert stranger.get(f"/games/{game['id']}").status_code == 403  # another player's
    assert stranger.get(f"/play/{game['id']}").status_code == 403
    assert play.get("/play/999999").status_code == 404


def test_live_guesses_alone_are_stored_at_most_every_second(
    play: TestClient, engine: Engine, clock: Clock, data_dir: Path
) -> None:
    """The same ink judged again changes only the live guesses: stored once a second, and at the end."""
    drawing = recognised_drawing(data_dir, "apple")
    game, headers = _start(play)
    started = _round(play, game["id"], headers)

    def stored_at() -> int | None:
        with session_scope(engine) as session:
            return session.scalars(select(RoundRow)).one().guesses.get("at")

    sent, elapsed = [], 0
    for step_ms in (1000, 300, 300, 600):
        clock.advance(step_ms)
        elapsed += step_ms
        answer = _ok(play, f"/api/v1/rounds/{started['id']}/ink", {"ink": drawing[:1]}, headers)
        assert answer["outcome"] == "drawing" and answer["elapsed_ms"] == elapsed
        sent.append(stored_at())
    assert sent == [1000, 1000, 1000, 2200]  # 1300 and 1600 were judged and answered, not written
    clock.advance(500)
    finished = _ok(play, f"/api/v1/rounds/{started['id']}/finish", {"ink": drawing[:1]}, headers)
    assert finished["finished_ms"] == 2700 and stored_at() == 2700
