"""Sign-up, log-in and log-out pages: forms, CSRF, error re-renders, redirects, the nav."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import User, WebSession
from tests.api.auth_support import GOOD_PASSWORD, Clock, client, clock, form_token

__all__ = ["client", "clock"]  # the account tests' app fixtures live in auth_support


def _signup_form(token: str, username: str, password: str = GOOD_PASSWORD, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "username": username,
        "password": password,
        "password_confirm": password,
    } | extra


def _rows(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_signup_logout_login_through_the_pages(client: TestClient, clock: Clock, engine: Engine) -> None:
    home = client.get("/")
    assert 'href="/login"' in home.text and 'href="/signup"' in home.text
    assert '<meta name="csrf-token" content="' in home.text

    token = form_token(client, "/signup")
    done = client.post("/signup", data=_signup_form(token, "Paula"), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = client.get("/")
    assert "Paula" in home.text and "Log out" in home.text and 'href="/login"' not in home.text

    logout_token = form_token(client, "/")
    out = client.post("/logout", data={"csrf_token": logout_token}, follow_redirects=False)
    assert out.status_code == 303
    assert "Log out" not in client.get("/").text and _rows(engine, WebSession) == 0

    token = form_token(client, "/login")
    back = client.post(
        "/login",
        data={"csrf_token": token, "username": "paula", "password": GOOD_PASSWORD},
        follow_redirects=False,
    )
    assert back.status_code == 303 and "HttpOnly" in back.headers["set-cookie"]
    assert "Paula" in client.get("/").text


def test_forms_without_a_valid_csrf_token_are_403_and_store_nothing(
    client: TestClient, clock: Clock, engine: Engine
) -> None:
    missing = client.post("/signup", data=_signup_form("", "quinn") | {"csrf_token": ""})
    assert missing.status_code == 403 and "CSRF" in missing.text and "<html" in missing.text
    form_token(client, "/signup")  # gets the anonymous CSRF cookie
    wrong = client.post("/signup", data=_signup_form("f" * 64, "quinn"))
    assert wrong.status_code == 403
    assert _rows(engine, User) == 0 and _rows(engine, WebSession) == 0

    token = form_token(client, "/signup")
    client.post("/signup", data=_signup_form(token, "quinn"))
    # a token from before log-in (or from another session) no longer works
    assert client.post("/logout", data={"csrf_token": token}).status_code == 403
    assert _rows(engine, WebSession) == 1
    # header instead of a field works for forms sent by scripts
    session_token = form_token(client, "/")
    assert (
        client.post("/logout", headers={"X-CSRF-Token": session_token}, follow_redirects=False).status_code
        == 303
    )


def test_form_errors_re_render_with_the_right_status(client: TestClient, clock: Clock) -> None:
    token = form_token(client, "/signup")
    weak = client.post("/signup", data=_signup_form(token, "rita", "short"))
    assert weak.status_code == 400 and "at least 8" in weak.text and 'value="rita"' in weak.text
    mismatch = client.post("/signup", data=_signup_form(token, "rita") | {"password_confirm": "other one!"})
    assert mismatch.status_code == 400 and "do not match" in mismatch.text
    assert client.post("/signup", data=_signup_form(token, "rita"), follow_redirects=False).status_code == 303
    out_token = form_token(client, "/")
    client.post("/logout", data={"csrf_token": out_token})

    token = form_token(client, "/signup")
    taken = client.post("/signup", data=_signup_form(token, "RITA"))
    assert taken.status_code == 409 and "already taken" in taken.text

    token = form_token(client, "/login")
    for _ in range(5):
        wrong = client.post("/login", data={"csrf_token": token, "username": "rita", "password": "nope nope"})
        assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    blocked = client.post("/login", data={"csrf_token": token, "username": "rita", "password": GOOD_PASSWORD})
    assert blocked.status_code == 429 and "Too many failed log-ins" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0


EVIL_TARGETS = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]


def test_next_is_followed_only_for_local_paths(client: TestClient, clock: Clock) -> None:
    token = form_token(client, "/signup")
    answer = client.post(
        "/signup", data=_signup_form(token, "sam", next=EVIL_TARGETS[0]), follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    for target in [*EVIL_TARGETS, "/play?word=cat"]:
        client.post("/logout", data={"csrf_token": form_token(client, "/")})
        page = client.get("/login", params={"next": target})
        token = form_token(client, "/login")
        login = {"csrf_token": token, "username": "sam", "password": GOOD_PASSWORD, "next": target}
        answer = client.post("/login", data=login, follow_redirects=False)
        expected = target if target.startswith("/play") else "/"
        assert answer.headers["location"] == expected, target
        assert target in page.text if expected != "/" else "evil" not in page.text


def test_a_guest_who_signs_up_on_the_page_keeps_its_id(
    client: TestClient, clock: Clock, engine: Engine
) -> None:
    guest = client.post("/api/v1/auth/guest").json()["user"]
    page = client.get("/signup")
    assert guest["username"] in page.text and "move to the new account" in page.text
    token = form_token(client, "/signup")
    client.post("/signup", data=_signup_form(token, "tara"))
    with session_scope(engine) as session:
        user = session.scalars(select(User)).one()
        assert (user.id, user.username, user.is_guest) == (guest["id"], "tara", False)
