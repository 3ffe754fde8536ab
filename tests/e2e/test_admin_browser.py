"""The admin console in a browser: an admin logs in, reviews a reported drawing, promotes a model;
every console page passes axe-core and fits a desktop and a 390 px phone screen."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.axe_support import axe_source, blocking_violations
from tests.e2e.live import INKLING, isolated_test_env, live_server, watch_console

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
PASSWORD = "correct horse battery"
INK = [[[10, 60, 110, 60, 10], [10, 10, 60, 110, 10], [0, 50, 100, 150, 200]]]
PAGES = ["/admin", "/admin/moderation", "/admin/audit", "/words/apple"]  # the gallery: its Report buttons
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server with an admin ``root``, a drawing a player reported and one nobody did."""
    if axe_source() is None:
        pytest.skip("axe-core is not installed: run `make test` (npm ci in tests/e2e/axe)")
    workdir = tmp_path_factory.mktemp("admin")
    env = {**isolated_test_env(), "INKLING_CAPTCHA_REQUIRED": "false"}
    with live_server(workdir, env=env) as base_url:
        with httpx.Client(base_url=base_url) as http:
            http.post(
                "/api/v1/auth/signup", json={"username": "root", "password": PASSWORD}
            ).raise_for_status()
        with httpx.Client(base_url=base_url) as guest:
            stored = guest.post("/api/v1/drawings", json={"word": "apple", "ink": INK})
            stored.raise_for_status()
            token = stored.headers["X-CSRF-Token"]
            url = f"/api/v1/drawings/{stored.json()['id']}/report"
            guest.post(url, json={"reason": "a scribble"}, headers={"X-CSRF-Token": token}).raise_for_status()
            shown = guest.post(
                "/api/v1/drawings", json={"word": "apple", "ink": INK}, headers={"X-CSRF-Token": token}
            )
            shown.raise_for_status()
        variables = {"INKLING_DATABASE_URL": f"sqlite:///{Path(workdir) / 'inkling.db'}", **env}
        promoted = subprocess.run([*INKLING, "users", "promote", "root"], env={**os.environ, **variables})
        assert promoted.returncode == 0
        yield base_url


def _log_in(page: Any, site: str) -> None:
    page.goto(f"{site}/login?next=/admin")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url(f"{site}/admin")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_console_passes_axe_and_fits_the_screen(browser: Any, site: str, screen: str) -> None:
    phone = screen == "phone"
    context = browser.new_context(viewport=SCREENS[screen], has_touch=phone, is_mobile=phone)
    page = context.new_page()
    errors = watch_console(page)
    _log_in(page, site)
    found = {}
    for path in PAGES:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        found[path] = blocking_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"], path
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert errors == []
    assert page.locator("button.report-button").count() >= 1  # the gallery's last drawing can be reported
    context.close()


def test_an_admin_keeps_a_reported_drawing_and_promotes_a_model(browser: Any, site: str) -> None:
    page = browser.new_page()
    _log_in(page, site)
    assert "Admin" in page.inner_text("nav#site-nav")
    page.goto(f"{site}/admin/moderation")
    assert "“a scribble”" in page.inner_text("main")
    page.click("button:has-text('Keep')")
    page.wait_for_url(f"{site}/admin/moderation")
    assert "Nothing to review." in page.inner_text("main")
    page.goto(f"{site}/admin")
    page.click("button:has-text('Promote') >> nth=0")
    page.wait_for_url(f"{site}/admin?task=doodle")
    page.goto(f"{site}/admin/audit")
    audit = page.inner_text("main")
    assert "keep_drawing" in audit and "promote_model" in audit and "promote_user" in audit
    page.close()
