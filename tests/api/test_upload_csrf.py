"""With a session cookie the digit API and the captcha need its CSRF token; without one nothing is stored.

``POST /api/v1/digits/predict`` stores the drawing under the session's user, and the captcha routes
count attempts per client: a forged cross-site post riding on the cookie is refused (403).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.tables import row_counts
from tests.digit_strokes import human_ink
from tests.picture_files import real_png

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"
pytestmark = pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model")
PREDICT = "/api/v1/digits/predict"
CSRF_MESSAGE = "CSRF"


def _guest(client: TestClient) -> dict[str, str]:
    """Start a guest session on ``client``; the header that carries its CSRF token."""
    started = client.post("/api/v1/auth/guest")
    assert started.status_code == 201, started.text
    return {"X-CSRF-Token": started.json()["csrf_token"]}


def _png_upload() -> dict:
    return {"files": {"image": ("seven.png", real_png(28, 28), "image/png")}}


def test_without_a_session_no_token_is_needed(client: TestClient) -> None:
    assert client.post(PREDICT, json={"ink": human_ink(7)}).status_code == 200
    assert client.post(PREDICT, **_png_upload()).status_code == 200  # curl -F needs no token
    assert client.post("/api/v1/captcha").status_code == 201


def test_a_session_without_its_token_is_refused_and_stores_nothing(
    client: TestClient, engine: Engine
) -> None:
    token = _guest(client)
    assert client.post(PREDICT, json={"ink": human_ink(7)}, headers=token).status_code == 200  # models in
    before = row_counts(engine)
    refused = [
        client.post(PREDICT, json={"ink": human_ink(7)}),
        client.post(PREDICT, json={"ink": human_ink(7)}, headers={"X-CSRF-Token": "forged"}),
        client.post(PREDICT, **_png_upload()),
        client.post("/api/v1/captcha"),
        client.post("/api/v1/captcha/some-id/solve", json={"ink": human_ink(1)}),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert CSRF_MESSAGE in response.json()["detail"]
    assert row_counts(engine) == before


def test_a_session_with_its_token_is_served(client: TestClient, engine: Engine) -> None:
    token = _guest(client)
    before = row_counts(engine)
    assert client.post(PREDICT, json={"ink": human_ink(7)}, headers=token).status_code == 200
    assert client.post(PREDICT, headers=token, **_png_upload()).status_code == 200
    form = {"csrf_token": token["X-CSRF-Token"]}  # a multipart form may carry it as a field instead
    assert client.post(PREDICT, data=form, **_png_upload()).status_code == 200
    assert client.post("/api/v1/captcha", headers=token).status_code == 201
    after = row_counts(engine)
    assert after["digit_drawings"] == before["digit_drawings"] + 1  # the drawing, not the uploads
    assert after["captcha_challenges"] == before["captcha_challenges"] + 1
