"""Sign up in a real headless Chromium on a real server by solving the draw-the-digit captcha."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.captcha_support import solve_signup_captcha
from tests.e2e.live import isolated_test_env, live_server, watch_console

pytestmark = pytest.mark.e2e
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"
if not SHIPPED.is_file():
    pytest.skip("no shipped digit model", allow_module_level=True)


@pytest.fixture
def captcha_server(tmp_path: Path) -> Iterator[str]:
    """A real `inkling serve` (test environment, random secret, shipped models loaded) on a free port."""
    env = {**isolated_test_env(), "INKLING_CAPTCHA_REQUIRED": "true"}
    with live_server(tmp_path, setup=(("db", "upgrade"), ("models", "load")), env=env) as base_url:
        yield base_url


def test_a_visitor_signs_up_by_drawing_the_digit(browser: Any, captcha_server: str) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 1100})
    errors = watch_console(page)
    page.set_default_timeout(15_000)

    page.goto(f"{captcha_server}/signup")
    page.wait_for_selector("#captcha-digit")
    assert re.fullmatch(r"Draw the digit \d", page.inner_text("#captcha-prompt"))
    page.fill("input[name=username]", "escher")
    page.fill("input[name=password]", "correct horse battery")
    page.fill("input[name=password_confirm]", "correct horse battery")
    page.click("button[type=submit]")  # not yet solved: the page holds the form back
    assert "Solve the captcha first" in page.inner_text("#captcha-status")
    assert page.url.endswith("/signup")

    digit = solve_signup_captcha(page)
    assert 0 <= digit <= 9
    assert page.inner_text("#captcha-prompt") == "✓ Captcha solved"
    assert page.locator("#captcha-canvas").is_hidden()
    page.click("button[type=submit]")
    page.wait_for_url(f"{captcha_server}/")
    assert page.inner_text(".nav-user") == "escher"
    me = page.request.get(f"{captcha_server}/api/v1/auth/me").json()
    assert me["username"] == "escher" and me["is_guest"] is False
    assert errors == []
    page.close()
