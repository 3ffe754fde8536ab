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
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `inkling serve` on a fresh database."""
    if axe_source() is None:
        pytest.skip("axe-core is not installed: run `make test` (npm ci in tests/e2e/axe)")
    with live_server(tmp_path_factory.mktemp("axe"), env=isolated_test_env()) as base_url:
        yield base_url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_passes_axe(browser: Any, site: str, screen: str) -> None:
    phone = screen == "phone"
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
