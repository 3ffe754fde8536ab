"""``POST /api/v1/drawings`` (draw for the data set) and the ``/contribute`` page."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, User
from tests.play_factories import INK


def _stored(engine: Engine) -> list[Drawing]:
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Drawing).order_by(Drawing.id)))
        session.expunge_all()
        return rows


def test_a_valid_drawing_is_stored_for_a_new_guest(client: TestClient, engine: Engine) -> None:
    response = client.post("/api/v1/drawings", json={"word": "Cat", "ink": INK})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["word"], body["source"], body["stroke_count"], body["point_count"]) == (
        "cat",
        "collect",
        2,
        5,
    )
    assert response.headers["x-csrf-token"]  # the new guest session's token
    [drawing] = _stored(engine)
    assert (drawing.id, drawing.ink, drawing.source) == (body["id"], INK, "collect")
    with session_scope(engine) as session:
        assert session.get(User, drawing.user_id).is_guest


def test_the_session_token_is_needed_once_there_is_a_session(client: TestClient, engine: Engine) -> None:
    token = client.post("/api/v1/drawings", json={"word": "cat", "ink": INK}).headers["x-csrf-token"]
    refused = client.post("/api/v1/drawings", json={"word": "cat", "ink": INK})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    wrong = client.post(
        "/api/v1/drawings", json={"word": "cat", "ink": INK}, headers={"X-CSRF-Token": "x" * 64}
    )
    assert wrong.status_code == 403
    assert len(_stored(engine)) == 1
    again = client.post("/api/v1/drawings", json={"word": "dog", "ink": INK}, headers={"X-CSRF-Token": token})
    assert again.status_code == 201
    stored = _stored(engine)
    assert len(stored) == 2 and stored[0].user_id == stored[1].user_id


NAN_INK = '{"word": "cat", "ink": [[[1, NaN], [1, 2], [0, 10]]]}'


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"word": "unicorn", "ink": INK}, 404, "unknown word"),
        ({"word": "cat", "ink": []}, 422, "no strokes"),
        ({"word": "cat", "ink": [[[1, 2], [1, 2]]]}, 422, "needs times"),
        ({"word": "cat", "ink": [[[1, 2, 3], [1, 2], [0, 1, 2]]]}, 422, "points"),
        ({"word": "cat", "ink": [[[1, 2], [1, 2], [9, 3]]]}, 422, "decreases"),
        ({"word": "cat", "ink": [[[1, "x"], [1, 2], [0, 1]]]}, 422, "not a number"),
        ({"word": "cat", "ink": [[1, 2, 3]]}, 422, "stroke 0"),
        ({"word": "cat", "ink": "scribble"}, 422, ""),
        ({"word": "cat", "ink": [[[50], [50], [0]]]}, 422, "too little ink"),  # one dot is no string bean
        ({"word": "cat", "ink": [[[50, 51, 52, 53, 54], [50] * 5, [0, 9, 18, 27, 36]]]}, 422, "spanning"),
        ({"word": "", "ink": INK}, 422, ""),
        ({"ink": INK}, 422, ""),
    ],
)
def test_bad_drawings_are_refused_and_nothing_is_stored(
    client: TestClient, engine: Engine, body: dict, status: int, message: str
) -> None:
    response = client.post("/api/v1/drawings", json=body)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json()["detail"])
    assert _stored(engine) == []


def test_nan_and_too_many_points_are_422(client: TestClient, engine: Engine) -> None:
    nan = client.post("/api/v1/drawings", content=NAN_INK, headers={"Content-Type": "application/json"})
    assert nan.status_code == 422 and "not finite" in nan.json()["detail"]
    n = 100_000  # 100 k points: under 1 MB as JSON, over the ink limit
    many = [[[i % 10 for i in range(n)], [0] * n, list(range(n))]]
    response = client.post("/api/v1/drawings", json={"word": "cat", "ink": many})
    assert response.status_code in (413, 422)
    assert "points" in response.json()["detail"] or "too large" in response.json()["detail"]
    assert _stored(engine) == []
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(User.id))) == 0  # bad drawings make no guest either


def test_a_10_mb_body_is_413_before_it_is_read(client: TestClient, engine: Engine) -> None:
    payload = '{"word": "cat", "ink": [[[' + ",".join(["1"] * 5_000_000) + "], [1], [0]]]}"
    response = client.post("/api/v1/drawings", content=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "too large" in response.json()["detail"]
    assert _stored(engine) == []
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(User.id))) == 0  # no guest made either


def test_the_contribute_page(client: TestClient) -> None:
    page = client.get("/contribute", params={"word": "cat"})
    assert page.status_code == 200
    assert 'id="co-canvas"' in page.text and 'value="animals"' in page.text
    assert 'data-initial="cat"' in page.text and "js/collect.js" in page.text
    assert '<meta name="csrf-token"' in page.text
