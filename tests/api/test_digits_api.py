"""``POST /api/v1/digits/predict`` (ink and PNG), the digit pad page, and the captcha endpoints."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import DigitDrawing
from inkling.ink.mnist import ink_to_mnist
from inkling.services import captcha
from inkling.services.captcha import verify_captcha_pass
from tests.digit_strokes import human_ink

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"
pytestmark = pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")
PREDICT = "/api/v1/digits/predict"


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def _stored(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(DigitDrawing)))


def test_a_drawing_is_predicted_and_stored(client: TestClient, engine: Engine) -> None:
    response = client.post(PREDICT, json={"ink": human_ink(1)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"digit", "confidence", "probabilities", "model"}
    assert body["digit"] == 1 and body["confidence"] > 0.5 and body["model"] == "digits-cnn@1"
    assert len(body["probabilities"]) == 10 and abs(sum(body["probabilities"]) - 1) < 1e-3
    with session_scope(engine) as session:
        row = session.scalars(select(DigitDrawing)).one()
        assert row.prediction == 1 and row.model_id is not None and row.user_id is None
        assert len(row.probabilities) == 10 and len(row.ink) == 1 and len(row.ink[0]) == 3


def test_a_drawing_is_stored_with_the_current_user(client: TestClient, engine: Engine) -> None:
    started = client.post("/api/v1/auth/guest").json()  # any session user: a guest, or an account
    guest, token = started["user"], started["csrf_token"]
    assert (
        client.post(PREDICT, json={"ink": human_ink(7)}, headers={"X-CSRF-Token": token}).status_code == 200
    )
    client.cookies.clear()
    assert client.post(PREDICT, json={"ink": human_ink(1)}).status_code == 200
    with session_scope(engine) as session:
        rows = session.scalars(select(DigitDrawing).order_by(DigitDrawing.id)).all()
        assert [(row.prediction, row.user_id) for row in rows] == [(7, guest["id"]), (1, None)]


def test_a_png_is_predicted_and_not_stored(client: TestClient, engine: Engine) -> None:
    big = np.kron(255 - ink_to_mnist(human_ink(7)), np.ones((5, 5), dtype=np.uint8))  # black on white, 140 px
    response = client.post(PREDICT, files={"image": ("seven.png", _png(big), "image/png")})
    assert response.status_code == 200, response.text
    assert response.json()["digit"] == 7
    assert _stored(engine) == 0


BAD_INPUTS = [
    ({"json": {"ink": []}}, 422),
    ({"json": {"ink": [[[1, 2], [3]]]}}, 422),
    ({"json": {"strokes": []}}, 422),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
    ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415),
    ({"files": {"image": ("x.jpg", b"\xff\xd8\xff\xe0 not a png", "image/jpeg")}}, 415),
    ({"files": {"image": ("x.png", b"\x89PNG\r\n\x1a\n garbage", "image/png")}}, 400),
    ({"files": {"other": ("x.png", b"\x89PNG\r\n\x1a\n", "image/png")}}, 400),
    ({"files": {"image": ("x.png", b"", "image/png")}}, 400),
    ({"files": {"image": ("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), "image/png")}}, 413),
]


def test_bad_inputs_are_refused_and_nothing_is_stored(client: TestClient, engine: Engine) -> None:
    statuses = [client.post(PREDICT, **kwargs).status_code for kwargs, _ in BAD_INPUTS]
    assert statuses == [status for _, status in BAD_INPUTS]
    assert _stored(engine) == 0


def test_the_digit_pad_page(client: TestClient) -> None:
    page = client.get("/digits")
    assert page.status_code == 200
    assert 'id="digit-canvas"' in page.text and "js/digits.js" in page.text
    assert 'href="/digits"' in page.text  # the nav link
    script = client.get("/static/js/digits.js")
    assert script.status_code == 200 and "pointerdown" in script.text and PREDICT in script.text


def test_captcha_round_trip(client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(captcha.secrets, "randbelow", lambda n: 1)
    issued = client.post("/api/v1/captcha")
    assert issued.status_code == 201 and issued.json()["digit"] == 1
    url = f"/api/v1/captcha/{issued.json()['id']}/solve"
    untimed = client.post(url, json={"ink": [[s[0], s[1]] for s in human_ink(1)]})
    assert untimed.status_code == 422 and untimed.json()["reason"] == "timing"
    solved = client.post(url, json={"ink": human_ink(1)})
    assert solved.status_code == 200, solved.text
    assert client.post(url, json={"ink": human_ink(1)}).status_code == 409  # single use
    with session_scope(engine) as session:
        assert verify_captcha_pass(session, solved.json()["captcha_pass"]) is True
    with session_scope(engine) as session:
        assert verify_captcha_pass(session, solved.json()["captcha_pass"]) is False


def test_captcha_failures_are_remembered(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(captcha.secrets, "randbelow", lambda n: 1)
    url = f"/api/v1/captcha/{client.post('/api/v1/captcha').json()['id']}/solve"
    statuses = [client.post(url, json={"ink": human_ink(8)}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert client.post("/api/v1/captcha/unknown/solve", json={"ink": human_ink(1)}).status_code == 404
