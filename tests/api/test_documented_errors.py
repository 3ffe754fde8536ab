"""Errors every API operation can meet, sent on purpose: each answer is documented in OpenAPI, JSON shaped
as documented, and operations document no such error they cannot give (the fuzzer rarely sends these)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from PIL import Image

from inkling.web.app import create_app
from inkling.web.security import SESSION_COOKIE
from tests.conftest import app_settings

OVERSIZED = 11 * 1024 * 1024  # over every route's body limit (the largest: a 10 MB picture upload)
# a body each POST operation accepts as valid, so that it gets as far as the database
VALID_BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/auth/signup": {"username": "ann", "password": "correct horse"},
    "/api/v1/auth/login": {"username": "ann", "password": "correct horse"},
    "/api/v1/digits/predict": {"ink": [[[0, 10], [0, 10], [0, 100]]]},
    "/api/v1/captcha/{challenge_id}/solve": {"ink": [[[0, 10], [0, 10], [0, 100]]]},
    "/api/v1/doodles/guess": {"ink": []},
    "/api/v1/games": {"category": None},
    "/api/v1/rounds/{round_id}/ink": {"ink": []},
    "/api/v1/rounds/{round_id}/finish": {"ink": []},
    "/api/v1/rounds/{round_id}/feedback": {"word": "cat", "confirmed": True},
    "/api/v1/drawings": {"word": "cat", "ink": [[[0, 10], [0, 10], [0, 100]]]},
}


def _operations(client: TestClient) -> list[tuple[str, str, str]]:
    """Every API operation: method, documented path and a URL for it (ids are 1)."""
    found = []
    for path, methods in client.app.openapi()["paths"].items():
        url = path.replace("{challenge_id}", "x" * 20).replace("{game_id}", "1").replace("{round_id}", "1")
        url = url.replace("{job_id}", "j" * 24)
        found += [(method.upper(), path, url) for method in methods]
    return found


def _documented(client: TestClient, method: str, path: str, status: int) -> bool:
    return str(status) in client.app.openapi()["paths"][path][method.lower()]["responses"]


def _check_shape(client: TestClient, method: str, path: str, response: Any) -> None:
    """The answer is documented for its status and matches the documented schema."""
    assert _documented(client, method, path, response.status_code), (method, path, response.status_code)
    api = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    api[path][method].validate_response(response)
    assert isinstance(response.json()["detail"], str), response.text


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_session_cookie_without_its_csrf_token_gets_a_documented_json_403(client: TestClient) -> None:
    assert client.post("/api/v1/auth/guest").status_code == 201  # the client now holds a session cookie
    refused, documenting = set(), set()
    for method, path, url in _operations(client):
        if method != "POST":
            continue
        if _documented(client, method, path, 403):
            documenting.add(path)
        for sent in ({"json": VALID_BODIES.get(path, {})}, {"data": {"field": "value"}}):
            response = client.post(url, **sent)
            if response.status_code == 403:
                refused.add(path)
                _check_shape(client, method, path, response)  # JSON on the API, even for a form post
    assert refused == documenting
    assert "/api/v1/games" in refused and "/api/v1/doodles/guess" not in refused


def test_an_oversized_body_gets_a_documented_413(client: TestClient) -> None:
    for method, path, url in _operations(client):
        if method != "POST":
            continue
        body = b"[" + b"0," * (OVERSIZED // 2) + b"0]"
        response = client.post(url, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 413, (path, response.status_code)
        _check_shape(client, method, path, response)


@pytest.fixture
def outage_client() -> Iterator[TestClient]:
    """The app on a database server that is down (nothing listens on port 1)."""
    app = create_app(app_settings("postgresql://inkling@127.0.0.1:1/inkling"))
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, "a-session-the-database-would-have-to-look-up")
        yield client


def test_every_operation_answers_a_database_outage_with_a_documented_503(outage_client: TestClient) -> None:
    for method, path, url in _operations(outage_client):
        if path in ("/api/v1/restore", "/api/v1/jobs/restore"):  # multipart uploads (a picture, a clip)
            response = outage_client.post(url, files={"image": ("frame.png", _png(), "image/png")})
        elif method == "POST":
            response = outage_client.post(url, json=VALID_BODIES.get(path))
        else:
            response = outage_client.get(url)
        assert response.status_code == 503, (method, path, response.status_code, response.text)
        assert int(response.headers["Retry-After"]) > 0
        _check_shape(outage_client, method, path, response)
