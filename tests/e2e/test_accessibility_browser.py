"""Every page passes axe-core with no critical or serious violation, on a desktop and a phone screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.axe_support import axe_source, blocking_violations
from tests.e2e.live import isolated_test_env, live_server, watch_console

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
PAGES = [
    "/",
    "/play",
    "/leaderboard",
    "/analytics",
    "/playground",
    "/contribute",
    "/digits",
    "/restore",
    "/words/apple",
    "/login",
    "/signup",
    "/no/such/page",
]
SCREENS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
    "small phone": {"width": 360, "height": 740},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `inkling serve` on a fresh database."""
    if axe_source() is None:
        pytest.skip("axe-core is not installed: run `make test` (npm ci in tests/e2e/axe)")
    with live_server(tmp_path_factory.mktemp("axe"), env=isolated_test_env()) as base_url:
        yield base_url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_passes_axe(browser: Any, site: str, screen: str) -> None:
    phone = screen != "desktop"
    context = browser.new_context(viewport=SCREENS[screen], has_touch=phone, is_mobile=phone)
    page = context.new_page()
    errors = watch_console(page)
    found: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        found[path] = blocking_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"], path
    page.goto(f"{site}/play")
    page.click("button[data-slug='fruit-vegetables']")
    page.wait_for_url(re.compile(r".*/play/\d+$"))
    page.wait_for_selector("#got-it:not([hidden])")
    found["/play/{id} (word card)"] = blocking_violations(page)
    page.click("#got-it")
    page.wait_for_selector("#game-actions:not([hidden])")
    found["/play/{id} (drawing)"] = blocking_violations(page)
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert [e for e in errors if "404" not in e] == []  # the 404 page's own status is no error
    context.close()


def test_a_keyboard_user_signs_up_without_drawing(browser: Any, site: str) -> None:
    """The captcha's alternative: no drawing, no mouse, no third party (a proof of work in the page)."""
    page = browser.new_page()
    errors = watch_console(page)
    page.goto(f"{site}/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.outerHTML").startswith('<a class="skip-link"')
    page.goto(f"{site}/signup")
    page.focus("input[name=username]")
    page.keyboard.type("keyboard_only")
    for field in ("password", "password_confirm"):
        page.focus(f"input[name={field}]")
        page.keyboard.type("correct horse battery")
    page.focus("#captcha-work")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('captcha-pass').value !== ''", timeout=60_000)
    assert "without drawing" in page.locator("#captcha-status").inner_text()
    assert blocking_violations(page) == []
    page.focus("input[name=password_confirm]")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(lambda url: "/signup" not in url)
    assert "keyboard_only" in page.locator(".nav-user").inner_text()
    assert errors == []
    page.close()
