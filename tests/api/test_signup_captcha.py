"""Sign-up with the draw-the-digit captcha required (the default): API, page, guests, replays, limits.

Passes come from real solves: the challenge's digit is drawn with human-like timing
(``tests.digit_strokes``) and read by the shipped digit model, as a browser would do it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import User
from inkling.inference.digits import DigitPredictor
from inkling.ink import parse_ink
from inkling.services import captcha
from tests.api.auth_support import GOOD_PASSWORD, api_signup, form_token
from tests.api.conftest import seeded_client
from tests.digit_strokes import human_ink, robot_ink

MODELS = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models"
SHIPPED = MODELS / "digits-cnn.onnx"
pytestmark = pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")
CAPTCHA = "/api/v1/captcha"
PASS_FIELD = re.compile(r'name="captcha_pass" id="captcha-pass" value="([^"]*)"')


def _users(engine: Engine) -> list[User]:
    with session_scope(engine) as session:
        return list(session.scalars(select(User).order_by(User.id)))


def _challenge(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    issued = client.post(CAPTCHA, headers=headers)
    assert issued.status_code == 201, issued.text
    return issued.json()


def solve(client: TestClient, seed: int = 0, headers: dict[str, str] | None = None) -> str:
    """A captcha pass from a real solve: the asked digit drawn with human timing (``headers``: CSRF)."""
    challenge = _challenge(client, headers)
    solved = client.post(
        f"{CAPTCHA}/{challenge['id']}/solve",
        json={"ink": human_ink(challenge["digit"], seed)},
        headers=headers,
    )
    assert solved.status_code == 200, solved.text
    return solved.json()["captcha_pass"]


@pytest.mark.parametrize("digit", range(10))
def test_the_shipped_model_reads_the_helper_drawings(digit: int) -> None:
    predictor = DigitPredictor.from_files(SHIPPED, MODELS / "digits-cnn.json")
    for seed in range(3):
        guess = predictor.predict(parse_ink(human_ink(digit, seed)))
        assert guess.probabilities[digit] >= captcha.MIN_CONFIDENCE, (digit, seed, guess)


def test_api_signup_needs_a_pass_and_a_pass_works_once(client: TestClient, engine: Engine) -> None:
    missing = api_signup(client, "ada")
    assert missing.status_code == 400 and "captcha" in missing.json()["detail"]
    made_up = api_signup(client, "ada", captcha={"captcha_pass": "made-up"})
    assert made_up.status_code == 400 and "captcha" in made_up.json()["detail"]
    assert api_signup(client, "ada", captcha={"pass": "x"}).status_code == 422  # one shape only
    assert _users(engine) == []

    answer = {"captcha_pass": solve(client)}
    created = api_signup(client, "ada", captcha=answer)
    assert created.status_code == 201, created.text
    client.cookies.clear()
    reused = api_signup(client, "bob", captcha=answer)
    assert reused.status_code == 400 and "already used" in reused.json()["detail"]
    assert [user.username for user in _users(engine)] == ["ada"]


def test_a_refused_signup_leaves_the_pass_unused(client: TestClient, engine: Engine) -> None:
    answer = {"captcha_pass": solve(client)}
    assert api_signup(client, "ada", password="short", captcha=answer).status_code == 400
    assert api_signup(client, "ada", captcha=answer).status_code == 201
    assert len(_users(engine)) == 1


def test_replays_without_timing_are_refused(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(captcha.secrets, "randbelow", lambda n: 7)
    url = f"{CAPTCHA}/{_challenge(client)['id']}/solve"
    drawing = human_ink(7)
    replays = [
        [[xs, ys] for xs, ys, _ in drawing],  # no times at all
        [[xs, ys, [0] * len(ts)] for xs, ys, ts in drawing],  # all times zero
        robot_ink(7),  # scripted: perfectly regular times, constant speed
    ]
    for replay in replays:
        refused = client.post(url, json={"ink": replay})
        assert refused.status_code == 422 and refused.json()["reason"] == "timing", refused.text
    assert client.post(url, json={"ink": drawing}).status_code == 429  # the 3 attempts are used up


def test_failed_solves_are_rate_limited_per_client(client: TestClient) -> None:
    untimed = [[xs, ys] for xs, ys, _ in human_ink(1)]
    statuses = []
    while len(statuses) < captcha.MAX_CLIENT_FAILURES:
        url = f"{CAPTCHA}/{_challenge(client)['id']}/solve"
        for _ in range(min(captcha.MAX_ATTEMPTS, captcha.MAX_CLIENT_FAILURES - len(statuses))):
            statuses.append(client.post(url, json={"ink": untimed}).status_code)
    assert set(statuses) == {422}
    limited = client.post(CAPTCHA)
    assert limited.status_code == 429 and limited.json()["reason"] == "rate_limited"


def test_the_signup_page_has_the_widget_and_checks_the_pass(client: TestClient, engine: Engine) -> None:
    page = client.get("/signup")
    assert 'id="captcha-canvas"' in page.text and "js/captcha.js" in page.text
    assert PASS_FIELD.search(page.text).group(1) == ""
    script = client.get("/static/js/captcha.js").text
    assert 'from "/static/js/inkpad.js"' in script and "/api/v1/captcha" in script
    form = {
        "csrf_token": form_token(client, "/signup"),
        "username": "ada",
        "password": GOOD_PASSWORD,
        "password_confirm": GOOD_PASSWORD,
    }
    refused = client.post("/signup", data=form, follow_redirects=False)
    assert refused.status_code == 400 and "solve the captcha" in refused.text
    assert _users(engine) == []

    captcha_pass = solve(client)
    mismatch = client.post("/signup", data=form | {"password_confirm": "x", "captcha_pass": captcha_pass})
    assert mismatch.status_code == 400 and PASS_FIELD.search(mismatch.text).group(1) == captcha_pass
    created = client.post("/signup", data=form | {"captcha_pass": captcha_pass}, follow_redirects=False)
    assert created.status_code == 303, created.text
    assert client.get("/api/v1/auth/me").json()["username"] == "ada"

    client.cookies.clear()
    again = form | {
        "username": "bob",
        "csrf_token": form_token(client, "/signup"),
        "captcha_pass": captcha_pass,
    }
    reused = client.post("/signup", data=again)
    assert reused.status_code == 400 and "already used" in reused.text
    assert PASS_FIELD.search(reused.text).group(1) == ""  # a refused pass is not handed back
    assert len(_users(engine)) == 1


def test_guests_play_without_a_captcha_but_need_one_to_sign_up(client: TestClient, engine: Engine) -> None:
    started = client.post("/api/v1/auth/guest")
    assert started.status_code == 201
    guest, token = started.json()["user"], started.json()["csrf_token"]
    refused = api_signup(client, "nina", csrf=token)
    assert refused.status_code == 400 and "captcha" in refused.json()["detail"]
    assert _users(engine)[0].is_guest
    captcha_pass = solve(client, headers={"X-CSRF-Token": token})  # a session's posts carry its token
    account = api_signup(client, "nina", csrf=token, captcha={"captcha_pass": captcha_pass})
    assert account.status_code == 201 and account.json()["user"]["id"] == guest["id"]
    assert not _users(engine)[0].is_guest


def test_the_captcha_can_be_turned_off(database_url: str, engine: Engine) -> None:
    with seeded_client(database_url, engine, captcha_required=False) as client:
        assert 'id="captcha"' not in client.get("/signup").text
        assert api_signup(client, "ada").status_code == 201
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_the_captcha_is_in_the_openapi_schema(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "captcha" in schemas["UserCreate"]["properties"]
    assert set(schemas["CaptchaAnswer"]["properties"]) == {"captcha_pass"}
    assert schemas["CaptchaAnswer"]["required"] == ["captcha_pass"]
