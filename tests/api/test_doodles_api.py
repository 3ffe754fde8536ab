"""``POST /api/v1/doodles/guess``: ranked guesses for raw ink, clear 4xx for bad input, nothing stored."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.services.models import default_shipped_model, load_shipped_models
from tests.api.game_support import table_counts

GUESS = "/api/v1/doodles/guess"


@pytest.fixture
def models_client(client: TestClient, engine: Engine) -> TestClient:
    """The app client with the shipped models registered (the active doodle model is DoodleNet)."""
    with session_scope(engine) as session:
        load_shipped_models(session)
    return client


def _first_raw(data_dir: Path) -> dict:
    with gzip.open(data_dir / "quickdraw" / "quickdraw_raw_sample.ndjson.gz", "rt") as lines:
        return json.loads(next(lines))


def test_a_real_drawing_gets_ranked_guesses(models_client: TestClient, data_dir: Path) -> None:
    record = _first_raw(data_dir)
    response = models_client.post(GUESS, json={"ink": record["drawing"], "top": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"guesses", "model", "elapsed_ms"}
    assert body["model"] == f"{default_shipped_model('doodle').name}@1" and body["elapsed_ms"] > 0
    assert len(body["guesses"]) == 3
    probabilities = [g["probability"] for g in body["guesses"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < probabilities[0] <= 1
    named = models_client.post(GUESS, json={"ink": record["drawing"], "model": "doodlenet"})
    assert named.status_code == 200 and len(named.json()["guesses"]) == 5


def test_an_empty_canvas_gets_no_guesses(models_client: TestClient) -> None:
    response = models_client.post(GUESS, json={"ink": []})
    assert response.status_code == 200
    assert response.json()["guesses"] == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"ink": [[[1, 2], [3]]]}, 422, "xs has 2 points but ys has 1"),
        ({"ink": "cat"}, 422, "ink"),
        ({"ink": [[[1, 2], [3, 4], [0, "x"]]]}, 422, "ts[1] is not a number"),
        ({"ink": [[[0, 1]] * 4]}, 422, "expected 2 arrays"),
        ({"ink": [[[0, 1], [0, 1], [5, 2]]]}, 422, "ts decreases"),
        ({"ink": [[[0, 1], [0, 1], [0, 1]]], "top": 0}, 422, "top"),
        ({"ink": [[[0, 1], [0, 1], [0, 1]]], "top": 21}, 422, "top"),
        ({"ink": [[[0, 1], [0, 1], [0, 1]]], "model": "no-such-model"}, 404, "no-such-model"),
    ],
)
def test_bad_requests_are_refused_clearly(
    models_client: TestClient, engine: Engine, body: dict, status: int, message: str
) -> None:
    before = table_counts(engine)
    response = models_client.post(GUESS, json=body)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json())
    assert table_counts(engine) == before


def test_nan_huge_and_overlong_ink_are_refused(models_client: TestClient, engine: Engine) -> None:
    before = table_counts(engine)
    nan = models_client.post(
        GUESS, content=b'{"ink": [[[0, NaN], [0, 1], [0, 1]]]}', headers={"content-type": "application/json"}
    )
    assert nan.status_code == 422 and "not finite" in nan.json()["detail"]
    big = models_client.post(
        GUESS, content=b"[" + b"0," * (5 * 1024 * 1024) + b"0]", headers={"content-type": "application/json"}
    )
    assert big.status_code == 413 and "too large" in big.json()["detail"]
    many = [[list(range(50_000)), [0] * 50_000, list(range(50_000))]] * 2
    response = models_client.post(GUESS, content=json.dumps({"ink": many}, separators=(",", ":")))
    assert response.status_code == 413  # 100 k points are over 1 MB of JSON
    points = [[list(range(1000)), [0] * 1000, list(range(1000))] for _ in range(25)]
    response = models_client.post(GUESS, json={"ink": points})
    assert response.status_code == 422 and "more than 20000 points" in response.json()["detail"]
    assert table_counts(engine) == before


def test_a_drawing_too_long_to_simplify_is_refused(models_client: TestClient, engine: Engine) -> None:
    # 20,000 points, each across the whole canvas: 5 million points once resampled at 1 px (issue 11)
    i = list(range(20_000))
    sawtooth = [[[1000 * (k % 2) for k in i], [k / 20 for k in i], i]]
    before = table_counts(engine)
    response = models_client.post(GUESS, json={"ink": sawtooth})
    assert response.status_code == 422, response.text
    assert "the drawing is too long/complex (5,099,745 px of strokes" in response.json()["detail"]
    assert table_counts(engine) == before


def test_no_active_model_is_a_503(client: TestClient) -> None:
    response = client.post(GUESS, json={"ink": [[[0, 1], [0, 1], [0, 1]]]})
    assert response.status_code == 503 and "no active doodle model" in response.json()["detail"]
