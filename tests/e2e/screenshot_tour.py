"""What a first-time player sees, as screenshots (docs/screenshots/), desktop 1280x800 and phone 390x844.

    INKLING_DATA_DIR=../shared/data .venv/bin/python -m tests.e2e.screenshot_tour docs/screenshots

Starts a real server on a fresh database, plays one game per screen size with real Quick, Draw!
drawings (touch on the phone) and saves the word card, a drawing being recognised and the end screen.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError

from tests.api.game_support import recognised_drawing
from tests.e2e.drawing_support import draw, draw_by_touch
from tests.e2e.live import CHROMIUM, CHROMIUM_ARGS, isolated_test_env, live_server
from tests.e2e.round_support import give_up, press_next

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _tour(browser: Any, base_url: str, data_dir: Path, out: Path, size: str) -> None:
    phone = size == "phone"
    context = browser.new_context(viewport=SIZES[size], has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base_url}/")
    page.screenshot(path=out / f"{size}-1-home.png")
    page.goto(f"{base_url}/play")
    page.click("button[data-slug='fruit-vegetables']")
    page.wait_for_url(re.compile(r".*/play/\d+$"))
    shot_win = False
    for number in range(1, 7):
        page.wait_for_function(
            f"document.getElementById('round-number').textContent === '{number}'"
            " && !document.getElementById('word-card').hidden && document.getElementById('word').textContent"
        )
        if number == 1:
            page.screenshot(path=out / f"{size}-2-word-card.png")
        drawing = recognised_drawing(data_dir, page.locator("#word").inner_text())
        (draw_by_touch if phone else draw)(page, drawing)
        try:
            page.wait_for_selector("#round-end:not([hidden])", timeout=8_000)
            if not shot_win:
                page.screenshot(path=out / f"{size}-3-recognised.png")
                shot_win = True
        except TimeoutError:
            give_up(page, number)
        press_next(page)
    page.wait_for_url(re.compile(r".*/games/\d+$"))
    page.screenshot(path=out / f"{size}-4-end-screen.png")
    page.click(".end-link >> nth=0")
    page.screenshot(path=out / f"{size}-5-what-the-model-thought.png")
    context.close()


def main(out: Path) -> None:
    """Save the screenshots into ``out``."""
    from playwright.sync_api import sync_playwright

    data_dir = Path(os.environ["INKLING_DATA_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as work,
        live_server(Path(work), env=isolated_test_env()) as base_url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in SIZES:
            _tour(browser, base_url, data_dir, out, size)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
