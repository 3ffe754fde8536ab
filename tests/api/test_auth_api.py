"""Accounts over the JSON API: sign-up, log-in, log-out, me, guests, limits, CSRF, cookies."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import Game, LoginAttempt, User, WebSession
from tests.api.auth_support import GOOD_PASSWORD, Clock, api_login, api_signup, client, clock

__all__ = ["client", "clock"]  # the account tests' app fixtures live in auth_support


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_signup_me_logout_login_round_trip(client: TestClient, clock: Clock, engine: Engine) -> None:
    assert client.get("/api/v1/auth/me").status_code == 401
    created = api_signup(client, "Ada_L")
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body["user"]) == {"id", "username", "is_guest", "created_at"}
    assert body["user"]["username"] == "Ada_L" and body["user"]["is_guest"] is False
    cookie = created.headers["set-cookie"]
    assert cookie.startswith("inkling_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/" in cookie and "Max-Age=1209600" in cookie and "Secure" not in cookie
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]

    with session_scope(engine) as session:  # neither the password nor the token is stored
        user = session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$") and GOOD_PASSWORD not in user.password_hash
        assert session.get(WebSession, client.cookies["inkling_session"]) is None
        assert len(session.scalars(select(WebSession)).one().id) == 64

    refused = client.post("/api/v1/auth/logout")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
    assert _count(engine, WebSession) == 0

    back = api_login(client, "ada_l")  # usernames are case-insensitive at log-in
    assert back.status_code == 200 and back.json()["user"]["id"] == body["user"]["id"]
    assert client.get("/api/v1/auth/me").json()["username"] == "Ada_L"


def test_wrong_password_is_401_and_starts_no_session(
    client: TestClient, clock: Clock, engine: Engine
) -> None:
    api_signup(client, "bob")
    client.cookies.clear()
    answer = api_login(client, "bob", "not the password")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Wrong username or password."
    assert "set-cookie" not in answer.headers
    assert api_login(client, "nobody", GOOD_PASSWORD).status_code == 401
    assert _count(engine, WebSession) == 1  # only the one sign-up made


def test_taken_usernames_and_emails_are_409(client: TestClient, clock: Clock, engine: Engine) -> None:
    assert api_signup(client, "Carol", email="Carol@Example.org").status_code == 201
    client.cookies.clear()
    answer = api_signup(client, "cAROL")
    assert answer.status_code == 409 and "taken" in answer.json()["detail"]
    answer = api_signup(client, "carol2", email="carol@example.org")
    assert answer.status_code == 409 and "email" in answer.json()["detail"]
    assert api_signup(client, "carol3", email="not-an-email").status_code == 400
    assert _count(engine, User) == 1


BAD_SIGNUPS = [
    ("dave", "short", "at least 8"),
    ("dave", "x" * 129, "at most 128"),
    ("dave", " " * 12, "only spaces"),
    ("davedave", "DaveDave", "cannot be your username"),
    ("da", GOOD_PASSWORD, "3 to 32"),
    ("dave smith", GOOD_PASSWORD, "3 to 32"),
    ("dave<script>", GOOD_PASSWORD, "3 to 32"),
    ("guest-123456", GOOD_PASSWORD, "reserved"),
]


def test_bad_usernames_and_passwords_are_400_with_a_message(
    client: TestClient, clock: Clock, engine: Engine
) -> None:
    for username, password, message in BAD_SIGNUPS:
        answer = api_signup(client, username, password)
        assert answer.status_code == 400, (username, password)
        assert message in answer.json()["detail"]
    assert _count(engine, User) == 0 and _count(engine, WebSession) == 0


def test_oversized_and_malformed_bodies_are_refused(client: TestClient, clock: Clock, engine: Engine) -> None:
    json_type = {"content-type": "application/json"}
    body = b'{"username": "big", "password": "' + b"x" * 70_000 + b'"}'
    assert client.post("/api/v1/auth/signup", content=body, headers=json_type).status_code == 413

    def chunks():
        yield b'{"username": "big", "password": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}'

    streamed = client.post("/api/v1/auth/login", content=chunks(), headers=json_type)
    assert streamed.status_code == 413  # no Content-Length: counted while read
    assert api_signup(client, "frank", "y" * 5000).status_code == 422
    assert client.post("/api/v1/auth/login", content=b"{nope", headers=json_type).status_code == 422
    extra = {"username": "gina", "password": GOOD_PASSWORD, "is_guest": False, "admin": True}
    assert client.post("/api/v1/auth/signup", json=extra).status_code == 422
    assert _count(engine, User) == 0


def test_username_rate_limit_blocks_even_the_right_password_until_the_window_passes(
    client: TestClient, clock: Clock
) -> None:
    api_signup(client, "grace")
    client.cookies.clear()
    for _ in range(4):
        assert api_login(client, "grace", "wrong password!").status_code == 401
    assert api_login(client, "grace").status_code == 200  # a success resets the count
    client.cookies.clear()
    for _ in range(5):
        assert api_login(client, "Grace", "wrong password!").status_code == 401
        clock.advance(seconds=10)
    blocked = api_login(client, "grace", GOOD_PASSWORD)
    assert blocked.status_code == 429 and "Too many" in blocked.json()["detail"]
    assert "set-cookie" not in blocked.headers
    retry_after = int(blocked.headers["retry-after"])
    assert 14 * 60 < retry_after <= 15 * 60
    clock.advance(seconds=retry_after - 5)
    assert api_login(client, "grace", GOOD_PASSWORD).status_code == 429
    clock.advance(seconds=10)
    assert api_login(client, "grace", GOOD_PASSWORD).status_code == 200


def test_address_rate_limit_covers_many_usernames(client: TestClient, clock: Clock, engine: Engine) -> None:
    for number in range(20):
        assert api_login(client, f"user{number}", "wrong password!").status_code == 401
    assert api_login(client, "someone-else", "wrong password!").status_code == 429
    clock.advance(minutes=16)
    assert api_login(client, "someone-else", "wrong password!").status_code == 401
    assert _count(engine, LoginAttempt) == 2  # the old rows were pruned


def test_sessions_expire_after_14_idle_days_and_slide_with_use(client: TestClient, clock: Clock) -> None:
    api_signup(client, "ivan")
    clock.advance(days=13)
    slid = client.get("/api/v1/auth/me")
    assert slid.status_code == 200 and "Max-Age=1209600" in slid.headers["set-cookie"]
    clock.advance(days=13)
    assert client.get("/api/v1/auth/me").status_code == 200
    clock.advance(days=14, seconds=1)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_cookie_is_secure_in_production(client: TestClient, clock: Clock) -> None:
    settings = client.app.state.settings
    client.app.state.settings = settings.model_copy(update={"environment": "production"})
    cookie = api_signup(client, "kim").headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_guest_then_signup_keeps_the_user_id_and_results_and_rotates_the_session(
    client: TestClient, clock: Clock, engine: Engine
) -> None:
    started = client.post("/api/v1/auth/guest")
    assert started.status_code == 201
    guest, token = started.json()["user"], started.json()["csrf_token"]
    assert guest["is_guest"] is True and guest["username"].startswith("guest-")
    assert client.post("/api/v1/auth/guest").status_code == 403  # cookie present: CSRF header needed
    again = client.post("/api/v1/auth/guest", headers={"X-CSRF-Token": token})
    assert again.status_code == 200 and again.json()["user"]["id"] == guest["id"]
    with session_scope(engine) as session:
        session.add(Game(user_id=guest["id"], rounds_total=3, score=42))
    old_cookie = client.cookies["inkling_session"]

    assert api_signup(client, "nina").status_code == 403
    account = api_signup(client, "nina", csrf=token)
    assert account.status_code == 201
    assert account.json()["user"] | {"created_at": None} == {
        "id": guest["id"],
        "username": "nina",
        "is_guest": False,
        "created_at": None,
    }
    assert client.cookies["inkling_session"] != old_cookie  # rotated: no session fixation
    with session_scope(engine) as session:
        assert session.scalars(select(Game)).one().user_id == guest["id"]
    assert _count(engine, User) == 1 and _count(engine, WebSession) == 1
    client.cookies.set("inkling_session", old_cookie)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_guest_who_logs_in_brings_its_games_along(client: TestClient, clock: Clock, engine: Engine) -> None:
    signed_up = api_signup(client, "olga")
    assert signed_up.status_code == 201
    headers = {"X-CSRF-Token": signed_up.json()["csrf_token"]}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    started = client.post("/api/v1/auth/guest").json()
    with session_scope(engine) as session:
        session.add_all([Game(user_id=started["user"]["id"], rounds_total=3, score=s) for s in (10, 20)])
    login = client.post(
        "/api/v1/auth/login",
        json={"username": "olga", "password": GOOD_PASSWORD},
        headers={"X-CSRF-Token": started["csrf_token"]},
    )
    assert login.status_code == 200 and login.json()["user"]["username"] == "olga"
    with session_scope(engine) as session:
        owners = session.scalars(select(Game.user_id)).all()
        olga = session.scalars(select(User).where(User.username == "olga")).one()
        assert owners == [olga.id, olga.id]
        assert session.get(User, started["user"]["id"]) is None  # the guest is gone
    assert _count(engine, User) == 1 and _count(engine, WebSession) == 1


def test_auth_routes_are_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("signup", "login", "logout", "me", "guest"):
        assert f"/api/v1/auth/{path}" in schema["paths"]
    assert set(schema["components"]["schemas"]["UserPublic"]["properties"]) == {
        "id",
        "username",
        "is_guest",
        "created_at",
    }
