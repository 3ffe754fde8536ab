"""``/api/v1/rooms`` and the rooms' pages on SQLite and PostgreSQL: create, find, join, settings, start,
kick, leave, history — each refusal a clear 4xx that changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.services import accounts
from inkling.services.passwords import hasher_for
from inkling.services.rooms import CODE_ALPHABET, PRIVATE_CODE_LENGTH, PUBLIC_CODE_LENGTH, ROOMS_PER_USER
from tests.api.auth_support import GOOD_PASSWORD
from tests.api.conftest import seeded_client
from tests.api.rooms.support import (
    counts,
    csrf,
    friend,
    join,
    make_room,
    post,
    room_state,
)


def test_a_private_room_has_an_unguessable_code_and_is_never_listed(room_app: TestClient) -> None:
    private = make_room(room_app)
    public = make_room(room_app, private=False)
    assert len(private) == PRIVATE_CODE_LENGTH and set(private) <= set(CODE_ALPHABET)
    assert len(public) == PUBLIC_CODE_LENGTH
    listed = {room["code"] for room in room_app.get("/api/v1/rooms").json()}
    assert public in listed and private not in listed
    assert private not in room_app.get("/rooms").text
    view = room_app.get(f"/api/v1/rooms/{private}").json()
    assert view["phase"] == "lobby" and [p["name"] for p in view["players"]] == ["Inkling", "Ann"]
    assert view["you"] == view["host"] and view["players"][1]["host"]
    wrong = private[:-1] + ("2" if private[-1] != "2" else "3")
    assert room_app.get(f"/api/v1/rooms/{wrong}").status_code == 404
    assert room_app.get(f"/r/{wrong}").status_code == 404


def test_joining_by_link_makes_a_guest_and_refuses_names_taken_or_a_full_room(
    room_app: TestClient, engine: Engine
) -> None:
    code = make_room(room_app, max_players=2)
    bob = friend(room_app)
    assert "Join the room" in bob.get(f"/r/{code}").text  # the link shows the name form first
    view = join(bob, code, "Bob")
    assert view["you"] != view["host"] and [p["name"] for p in view["players"]] == ["Inkling", "Ann", "Bob"]
    assert bob.get("/api/v1/auth/me").json()["is_guest"]
    before = counts(engine)
    cal = friend(room_app)
    assert post(cal, f"/api/v1/rooms/{code}/join", {"name": "Cal"}).status_code == 409  # full
    bigger = make_room(room_app)
    for name in ("ANN", " ann ", "Inkling"):
        refused = post(cal, f"/api/v1/rooms/{bigger}/join", {"name": name})
        assert refused.status_code == 409 and "taken" in refused.json()["detail"]
    assert post(cal, f"/api/v1/rooms/{bigger}/join", {"name": "x" * 25}).status_code == 422
    assert post(cal, "/api/v1/rooms/NOPE42/join", {"name": "Cal"}).status_code == 404
    assert counts(engine)["room_players"] == before["room_players"] + 2  # the second room's Inkling and Ann


def test_the_form_flow_creates_and_joins_a_room(room_app: TestClient) -> None:
    token = csrf(room_app)
    created = room_app.post(
        "/rooms",
        data={
            "csrf_token": token,
            "name": "Ann",
            "rounds": "2",
            "draw_seconds": "45",
            "max_players": "4",
            "category": "",
            "custom_words": "tram\nferry, bike",
            "private": "1",
            "model_plays": "1",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    code = created.headers["location"].rsplit("/", 1)[1]
    settings = room_app.get(f"/api/v1/rooms/{code}").json()["settings"]
    assert settings["custom_words"] == ["tram", "ferry", "bike"] and settings["draw_seconds"] == 45
    bob = friend(room_app)
    page = bob.get(f"/r/{code}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    joined = bob.post(f"/r/{code}/join", data={"csrf_token": token, "name": "Bob"}, follow_redirects=False)
    assert joined.status_code == 303 and "room.js" in bob.get(f"/r/{code}").text
    bad = room_app.post("/rooms", data={"csrf_token": csrf(room_app), "draw_seconds": "5"})
    assert bad.status_code == 422 and "draw_seconds" in bad.text
    assert room_app.post("/rooms", data={"name": "Ann"}).status_code == 403  # no CSRF token
    assert (
        room_app.get("/rooms/join?code=ab-cd 12", follow_redirects=False).headers["location"] == "/r/ABCD12"
    )


def test_only_the_host_changes_settings_and_bad_ones_change_nothing(
    room_app: TestClient, engine: Engine
) -> None:
    code = make_room(room_app)
    bob = friend(room_app)
    join(bob, code, "Bob")
    stored = room_state(engine, code)
    assert post(bob, f"/api/v1/rooms/{code}/settings", {"rounds": 5}).status_code == 403
    for bad in (
        {"rounds": 0},
        {"draw_seconds": 14},
        {"draw_seconds": 241},
        {"max_players": 21},
        {"rounds": True},
        {"custom_words": ["a", "A", "b"]},
        {"category": "no-such-thing"},
        {"max_players": 1},
    ):
        refused = post(room_app, f"/api/v1/rooms/{code}/settings", bad)
        assert refused.status_code == 422, (bad, refused.text)
    assert room_app.post(f"/api/v1/rooms/{code}/settings", json={"rounds": 5}).status_code == 403  # no token
    assert room_state(engine, code) == stored
    assert (
        post(room_app, f"/api/v1/rooms/{code}/settings", {"rounds": 5, "model_plays": False}).status_code
        == 204
    )
    view = room_app.get(f"/api/v1/rooms/{code}").json()
    assert view["settings"]["rounds"] == 5 and "Inkling" not in [p["name"] for p in view["players"]]
    words = {"custom_words": ["tram", "ferry", "bike"]}
    assert post(room_app, f"/api/v1/rooms/{code}/settings", words).status_code == 204
    hidden = bob.get(f"/api/v1/rooms/{code}").json()["settings"]["custom_words"]
    assert hidden == []  # only the host reads the answers


def test_starting_needs_the_host_and_enough_players(room_app: TestClient, engine: Engine) -> None:
    code = make_room(room_app, model_plays=False)
    assert post(room_app, f"/api/v1/rooms/{code}/start").status_code == 409  # alone, and no model
    bob = friend(room_app)
    join(bob, code, "Bob")
    assert post(bob, f"/api/v1/rooms/{code}/start").status_code == 403
    assert room_state(engine, code)["phase"] == "lobby"
    assert post(room_app, f"/api/v1/rooms/{code}/start").status_code == 204
    view = room_app.get(f"/api/v1/rooms/{code}").json()
    assert view["phase"] == "choosing" and len(view["turn"]["choices"]) == 3
    assert "choices" not in bob.get(f"/api/v1/rooms/{code}").json()["turn"]
    assert post(room_app, f"/api/v1/rooms/{code}/start").status_code == 409
    assert post(room_app, f"/api/v1/rooms/{code}/settings", {"rounds": 1}).status_code == 409


def test_the_host_kicks_for_good_and_nobody_else_can(room_app: TestClient, engine: Engine) -> None:
    code = make_room(room_app)
    bob, cal = friend(room_app), friend(room_app)
    bob_id = join(bob, code, "Bob")["you"]
    cal_id = join(cal, code, "Cal")["you"]
    stored = room_state(engine, code)
    assert post(bob, f"/api/v1/rooms/{code}/kick", {"player": cal_id}).status_code == 403
    assert post(room_app, f"/api/v1/rooms/{code}/kick", {"player": 2**31 - 1}).status_code == 404
    assert post(room_app, f"/api/v1/rooms/{code}/kick", {"player": 2**31}).status_code == 422
    assert room_state(engine, code) == stored
    assert post(room_app, f"/api/v1/rooms/{code}/kick", {"player": bob_id}).status_code == 204
    assert [p["name"] for p in room_app.get(f"/api/v1/rooms/{code}").json()["players"]] == [
        "Inkling",
        "Ann",
        "Cal",
    ]
    assert post(bob, f"/api/v1/rooms/{code}/join", {"name": "Bobby"}).status_code == 403
    page = bob.get(f"/r/{code}")
    assert page.status_code == 403 and "removed you" in page.text


def test_the_host_role_passes_on_when_the_host_leaves(room_app: TestClient) -> None:
    code = make_room(room_app)
    bob = friend(room_app)
    bob_id = join(bob, code, "Bob")["you"]
    assert post(room_app, f"/api/v1/rooms/{code}/leave").status_code == 204
    view = bob.get(f"/api/v1/rooms/{code}").json()
    assert view["host"] == bob_id and [p["name"] for p in view["players"]] == ["Inkling", "Bob"]
    assert post(room_app, f"/api/v1/rooms/{code}/leave").status_code == 403  # not in the room any more
    assert join(room_app, code, "Ann again")["host"] == bob_id


def test_room_creation_is_rate_limited(room_app: TestClient, engine: Engine) -> None:
    for _ in range(ROOMS_PER_USER):
        make_room(room_app)
    before = counts(engine)
    refused = post(room_app, "/api/v1/rooms", {"name": "Ann"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert counts(engine) == before
    room_app.app.state.clock.advance(11 * 60 * 1000)
    make_room(room_app)


def test_names_are_escaped_in_pages(room_app: TestClient) -> None:
    code = make_room(room_app)
    mallory = friend(room_app)
    name = "<img src=x onerror=f()>"
    assert join(mallory, code, name)["players"][-1]["name"] == name  # data: pages insert it as text
    assert post(mallory, f"/api/v1/rooms/{code}/leave").status_code == 204
    page = mallory.get(f"/r/{code}").text  # the name form offers the name again
    assert name not in page and "&lt;img src=x onerror=f()&gt;" in page


@pytest.mark.parametrize("script", ["room.js", "room_view.js"])
def test_room_scripts_never_insert_html(script: str) -> None:
    from inkling.web.app import WEB_DIR

    source = (WEB_DIR / "static" / "js" / script).read_text()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "outerHTML" not in source


def test_a_players_finished_rooms_are_their_history(room_app: TestClient) -> None:
    code = make_room(room_app, rounds=1)
    bob = friend(room_app)
    join(bob, code, "Bob")
    assert room_app.get("/api/v1/rooms/history").json() == []
    assert post(room_app, f"/api/v1/rooms/{code}/start").status_code == 204
    for client in (room_app, bob):  # everybody leaves: the game ends
        assert post(client, f"/api/v1/rooms/{code}/leave").status_code == 204
    history = bob.get("/api/v1/rooms/history").json()
    assert [(h["code"], h["name"], h["rank"]) for h in history] == [(code, "Bob", 1)]
    assert friend(room_app).get("/api/v1/rooms/history").json() == []


def test_a_guest_who_logs_in_keeps_one_seat_per_room(room_app: TestClient, engine: Engine) -> None:
    code = make_room(room_app)
    with session_scope(engine) as session:
        accounts.signup(
            session,
            hasher_for("test"),
            username="carol",
            password=GOOD_PASSWORD,
            captcha_required=False,
            now=datetime.now(UTC),
        )
    carol, guest = friend(room_app), friend(room_app)
    assert carol.post("/api/v1/auth/login", json={"username": "carol", "password": GOOD_PASSWORD}).is_success
    carol_seat = join(carol, code, "Carol")["you"]
    join(guest, code, "Bob")
    login = post(guest, "/api/v1/auth/login", {"username": "carol", "password": GOOD_PASSWORD})
    assert login.status_code == 200, login.text
    view = guest.get(f"/api/v1/rooms/{code}").json()
    assert view["you"] == carol_seat and [p["name"] for p in view["players"]] == ["Inkling", "Ann", "Carol"]


def test_rooms_per_address_follow_the_setting(database_url: str, engine: Engine) -> None:
    with seeded_client(database_url, engine, room_creation_limit=2) as first:
        make_room(first)
        make_room(friend(first))  # another player, the same address
        refused = post(friend(first), "/api/v1/rooms", {"name": "Cal"})
        assert refused.status_code == 429 and "too many rooms" in refused.json()["detail"]
