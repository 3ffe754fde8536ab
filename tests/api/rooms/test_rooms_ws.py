"""A room's WebSocket on SQLite (in-process fan-out) and PostgreSQL (LISTEN/NOTIFY): whole turns, the
server's clock, reconnecting, the TV view, the model as a player, and what the drawings leave behind."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, Word
from inkling.db.room_models import RoomGuess, RoomTurn
from inkling.game.room_settings import CHOOSE_MS, MODEL_FIRST_MS, REVEAL_MS, ROUND_END_MS
from inkling.services.examples import labelled_records
from tests.api.game_support import recognised_drawing
from tests.api.rooms.support import (
    connected,
    friend,
    join,
    make_room,
    post,
    receive_until,
    snapshot,
    tick,
)


def _started(host: TestClient, code: str) -> None:
    assert post(host, f"/api/v1/rooms/{code}/start").status_code == 204


def test_a_whole_game_of_two_turns(room_app: TestClient, engine: Engine) -> None:
    code = make_room(room_app, rounds=1, model_plays=False)
    bob = friend(room_app)
    join(bob, code, "Bob")
    with connected(room_app, code) as ann_ws, connected(bob, code) as bob_ws:
        snapshot(ann_ws)  # Bob came online
        _started(room_app, code)
        ann_view, bob_view = snapshot(ann_ws, phase="choosing"), snapshot(bob_ws, phase="choosing")
        choices = ann_view["turn"]["choices"]
        assert len(choices) == 3 and "choices" not in bob_view["turn"]
        ann_ws.send_json({"type": "choose", "index": 1})
        word = snapshot(ann_ws, phase="drawing")["turn"]["word"]
        bob_view = snapshot(bob_ws, phase="drawing")
        assert word == choices[1] and bob_view["turn"]["word"] is None
        assert bob_view["turn"]["hint"] == "".join("_" if c.isalnum() else c for c in word)

        ann_ws.send_json({"type": "ink", "stroke": 0, "points": [[10, 10, 0], [200, 150, 40]]})
        ink = receive_until(bob_ws, "ink")
        assert ink["points"] == [[10, 10, 0], [200, 150, 40]] and ink["seq"] > 0
        assert 0 <= ink["tx"] - ink["rx"] < 60_000 and "by" not in ink  # server in -> out, ms
        ann_ws.send_json({"type": "ping"})
        assert ann_ws.receive_json()["type"] == "pong"  # the drawer does not get its own ink back
        ann_ws.send_json({"type": "ink", "stroke": 0, "points": [[300, 200, 90]]})
        ann_ws.send_json({"type": "undo"})
        assert receive_until(bob_ws, "ink", op="undo")["seq"] > ink["seq"]
        ann_ws.send_json({"type": "ink", "stroke": 0, "points": [[5, 5, 100], [50, 60, 140]]})
        receive_until(bob_ws, "ink", op="points")

        bob_ws.send_json({"type": "guess", "text": "definitely a zebra"})
        assert receive_until(ann_ws, "chat")["text"] == "definitely a zebra"
        bob_ws.send_json({"type": "guess", "text": word.upper() + "!"})
        ann_end = snapshot(ann_ws, phase="reveal")
        bob_end = snapshot(bob_ws, phase="reveal")
        assert [line["type"] for line in ann_end["chat"]] == ["chat", "guessed"]  # the word never shown
        assert (
            bob_end["chat"][-1]["verdict"] == "correct" and bob_end["chat"][-1]["text"] == word.upper() + "!"
        )
        result = ann_end["turn"]["result"]
        assert result["reason"] == "all_guessed" and result["correct"][0]["points"] > 0
        assert result["drawer_points"] == result["correct"][0]["points"] // 2
        assert ann_end["turn"]["ink"] == [[[5, 50], [5, 60], [100, 140]]]

        tick(room_app, REVEAL_MS)  # Bob's turn; he lets the time run out
        assert snapshot(bob_ws, phase="choosing")["turn"]["choices"]
        tick(room_app, CHOOSE_MS)  # a word is picked for him
        assert snapshot(bob_ws, phase="drawing")["turn"]["word"]
        tick(room_app, 30_000)
        assert snapshot(ann_ws, phase="reveal")["turn"]["result"]["reason"] == "time"
        tick(room_app, ROUND_END_MS)
        podium = snapshot(ann_ws, phase="finished")
        assert [p["name"] for p in sorted(podium["players"], key=lambda p: -p["score"])] == ["Bob", "Ann"]

    with session_scope(engine) as session:
        turns = session.scalars(select(RoomTurn).order_by(RoomTurn.number)).all()
        assert [(t.status, t.end_reason) for t in turns] == [("done", "all_guessed"), ("done", "time")]
        drawing = session.get(Drawing, turns[0].drawing_id)
        assert (
            drawing is not None
            and drawing.source == "room"
            and drawing.ink == [[[5, 50], [5, 60], [100, 140]]]
        )
        assert drawing.word_id == session.scalar(select(Word.id).where(Word.text == word))
        assert turns[1].drawing_id is None  # nothing was drawn
        verdicts = [g.verdict for g in session.scalars(select(RoomGuess).order_by(RoomGuess.id))]
        assert verdicts == ["wrong", "correct"]
        exported = [r for r in labelled_records(session) if r["source"] == "room"]  # learning data
        assert [(r["word"], r["recognized"], r["drawing"]) for r in exported] == [(word, True, drawing.ink)]


def test_a_reconnecting_player_rejoins_where_the_room_is(room_app: TestClient) -> None:
    code = make_room(room_app, model_plays=False)
    bob = friend(room_app)
    join(bob, code, "Bob")
    with connected(room_app, code) as ann_ws:
        _started(room_app, code)
        snapshot(ann_ws, phase="choosing")
        ann_ws.send_json({"type": "choose", "index": 0})
        snapshot(ann_ws, phase="drawing")
        ann_ws.send_json({"type": "ink", "stroke": 0, "points": [[1, 2, 0], [3, 4, 10]]})
        with connected(bob, code) as bob_ws:
            bob_ws.send_json({"type": "guess", "text": "a hat?"})
            receive_until(bob_ws, "chat")
        tick(room_app, 5_000)
        with bob.websocket_connect(f"/ws/rooms/{code}") as bob_ws:  # Bob reloads the page
            view = bob_ws.receive_json()
            assert view["phase"] == "drawing" and view["remaining_ms"] == 25_000
            assert view["turn"]["ink"] == [[[1, 3], [2, 4], [0, 10]]] and view["turn"]["ink_seq"] > 0
            assert [line["text"] for line in view["chat"]] == ["a hat?"]
        with room_app.websocket_connect(f"/ws/rooms/{code}") as again:  # the drawer reloads
            view = again.receive_json()
            assert view["turn"]["word"] and view["you"] == view["turn"]["drawer"]


def test_a_close_guess_is_told_only_to_the_guesser(room_app: TestClient) -> None:
    code = make_room(room_app, model_plays=False, custom_words=["elephant", "giraffe", "penguin"])
    bob, cal = friend(room_app), friend(room_app)
    join(bob, code, "Bob")
    join(cal, code, "Cal")
    with connected(room_app, code) as ann_ws, connected(bob, code) as bob_ws, connected(cal, code) as cal_ws:
        _started(room_app, code)
        choices = snapshot(ann_ws, phase="choosing")["turn"]["choices"]
        ann_ws.send_json({"type": "choose", "index": choices.index("elephant")})
        snapshot(bob_ws, phase="drawing")
        snapshot(cal_ws, phase="drawing")
        bob_ws.send_json({"type": "guess", "text": "elefnat"})
        line = receive_until(bob_ws, "chat")
        assert receive_until(bob_ws, "close")["id"] == line["id"]
        assert receive_until(cal_ws, "chat")["text"] == "elefnat"
        bob_ws.send_json({"type": "guess", "text": "Elephants"})
        assert receive_until(bob_ws, "chat", verdict="correct")["text"] == "Elephants"
        guessed = receive_until(cal_ws, "guessed")
        assert "text" not in guessed and guessed["points"] > 0
        cal_ws.send_json({"type": "guess", "text": "zebra"})
        assert receive_until(bob_ws, "chat")["text"] == "zebra"
        receive_until(cal_ws, "chat", text="zebra")
        bob_ws.send_json({"type": "guess", "text": "so easy"})  # chat after guessing: insiders only
        assert receive_until(ann_ws, "chat", text="so easy")
        cal_ws.send_json({"type": "ping"})
        assert cal_ws.receive_json()["type"] == "pong"  # "so easy" never reached Cal
        view = cal.get(f"/api/v1/rooms/{code}").json()
        assert "so easy" not in str(view["chat"]) and "Elephants" not in str(view["chat"])
        assert any(line.get("close") for line in bob.get(f"/api/v1/rooms/{code}").json()["chat"])


def test_the_tv_view_watches_without_a_seat_and_sends_nothing(room_app: TestClient) -> None:
    code = make_room(room_app)
    tv = friend(room_app)
    with connected(tv, code, view="tv") as screen:
        _started(room_app, code)
        view = snapshot(screen, phase="choosing")
        assert view["you"] is None and "choices" not in view["turn"]
        assert [p["name"] for p in view["players"]] == ["Inkling", "Ann"]
        screen.send_json({"type": "guess", "text": "hello"})
        closed = screen.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 1008
    assert "room.js" in tv.get(f"/r/{code}/tv").text


def test_the_model_guesses_live_as_inkling(room_app: TestClient, engine: Engine, data_dir: Path) -> None:
    code = make_room(room_app, custom_words=["apple", "banana", "carrot"])
    with connected(room_app, code) as ann_ws:
        _started(room_app, code)
        choices = snapshot(ann_ws, phase="choosing")["turn"]["choices"]
        ann_ws.send_json({"type": "choose", "index": choices.index("apple")})
        snapshot(ann_ws, phase="drawing")
        for number, (xs, ys, ts) in enumerate(recognised_drawing(data_dir, "apple")):
            points = [[x, y, t] for x, y, t in zip(xs, ys, ts, strict=True)]
            for start in range(0, len(points), 150):
                ann_ws.send_json({"type": "ink", "stroke": number, "points": points[start : start + 150]})
        ann_ws.send_json({"type": "ping"})
        receive_until(ann_ws, "pong")  # the drawing is stored: commands are handled in order
        tick(room_app, MODEL_FIRST_MS)
        end = snapshot(ann_ws, phase="reveal")
        inkling = next(p for p in end["players"] if p["model"])
        assert end["turn"]["result"]["correct"] == [{"player": inkling["id"], "points": inkling["score"]}]
        assert end["chat"][-1] == {
            "type": "guessed",
            "id": end["chat"][-1]["id"],
            "player": inkling["id"],
            "name": "Inkling",
        }
        ann = next(p for p in end["players"] if p["name"] == "Ann")
        assert ann["score"] == 0  # the model's guess earns the drawer nothing
    with session_scope(engine) as session:
        said = session.scalars(select(RoomGuess.text).where(RoomGuess.player_id == inkling["id"])).all()
        assert said == ["apple"]
