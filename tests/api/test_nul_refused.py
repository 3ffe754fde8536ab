"""A NUL character anywhere a route reads text gets 400 from one middleware, and nothing is stored.

PostgreSQL cannot hold a string with a NUL: each of these requests used to answer 500 there.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.web.nul_guard import NUL_MESSAGE
from tests.api.auth_support import GOOD_PASSWORD, api_signup, client, form_token
from tests.api.tables import row_counts

__all__ = ["client"]  # the account tests' app (no sign-up captcha) from auth_support

INK = [[[10, 60, 120], [10, 70, 130], [0, 40, 80]]]

JSON_POSTS = [
    ("/api/v1/auth/login", {"username": "ad\x00a", "password": GOOD_PASSWORD}),
    ("/api/v1/auth/signup", {"username": "grace", "password": GOOD_PASSWORD, "email": "g\x00@example.com"}),
    ("/api/v1/games", {"category": "fruit\x00"}),
    ("/api/v1/drawings", {"word": "c\x00at", "ink": INK}),
    ("/api/v1/doodles/guess", {"ink": INK, "model": "inkling\x00doodle"}),
]


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == NUL_MESSAGE


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/words?category=%00",
        "/words/ca%00t",
        "/api/v1/words?category=fruit%00x",
        "/play%00",
        "/api/v1/captcha/a%00/solve",
    ],
)
def test_a_nul_in_the_path_or_query_is_400(client: TestClient, engine: Engine, url: str) -> None:
    before = row_counts(engine)
    _refused(client.get(url))
    _refused(client.post(url, json={}))
    assert row_counts(engine) == before


@pytest.mark.parametrize(("path", "body"), JSON_POSTS, ids=[p for p, _ in JSON_POSTS])
def test_a_nul_in_a_json_body_is_400(client: TestClient, engine: Engine, path: str, body: dict) -> None:
    session = api_signup(client, "ada")  # a session, a user and their rows that must stay as they are
    headers = {"X-CSRF-Token": session.json()["csrf_token"]}
    before = row_counts(engine)
    _refused(client.post(path, json=body, headers=headers))
    raw = client.post(
        path, content=b'{"category": "a\x00"}', headers={**headers, "content-type": "application/json"}
    )
    _refused(raw)
    assert row_counts(engine) == before


def test_form_posts_with_a_nul_are_400(client: TestClient, engine: Engine) -> None:
    api_signup(client, "ada")
    client.cookies.clear()
    token = form_token(client, "/login")
    before = row_counts(engine)
    login = {"username": "ad\x00a", "password": GOOD_PASSWORD, "csrf_token": token}
    _refused(client.post("/login", data=login))  # url-encoded, as browsers send it
    _refused(client.post("/login", files={"username": (None, "ad\x00a")}, data=login))  # multipart
    signup = {"username": "grace", "password": GOOD_PASSWORD, "email": "g\x00@x.org", "csrf_token": token}
    _refused(client.post("/signup", data=signup))
    _refused(client.post("/play", data={"category": "fruit\x00", "csrf_token": token}))
    assert row_counts(engine) == before


def test_look_alikes_of_a_nul_pass_through(client: TestClient, engine: Engine) -> None:
    api_signup(client, "ada")
    client.cookies.clear()
    # an escaped backslash before u0000 is the text "\u0000", not a NUL: a plain wrong log-in
    escaped = client.post(
        "/api/v1/auth/login",
        content=b'{"username": "ada\\\\u0000", "password": "not it at all"}',
        headers={"content-type": "application/json"},
    )
    assert escaped.status_code == 401, escaped.text
    assert client.get("/api/v1/words?category=%2500").status_code == 404  # the text "%00"
    # binary file uploads legitimately hold NUL bytes: not scanned
    upload = client.post("/api/v1/restore", files={"image": ("x.png", b"\x00" * 100, "image/png")})
    assert upload.status_code == 415
