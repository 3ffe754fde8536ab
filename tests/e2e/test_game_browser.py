"""The game in a real headless Chromium against a real server: sign up (solving the captcha), play six
rounds, give feedback.

Each shown word is drawn with real Quick, Draw! strokes from the data mirror (the first sample drawing
of that word that the shipped model recognises), moved onto the canvas with the mouse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.game_support import recognised_drawing
from tests.e2e.captcha_support import solve_signup_captcha
from tests.e2e.drawing_support import draw
from tests.e2e.live import isolated_test_env, live_server, watch_console
from tests.e2e.round_support import give_up, press_next

pytestmark = pytest.mark.e2e
CATEGORY = "fruit-vegetables"  # every word of it has sample drawings the shipped model recognises
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture
def game_server(tmp_path: Path) -> Iterator[str]:
    """A real `inkling serve` on a free port, on a fresh SQLite database with words and shipped models."""
    with live_server(tmp_path, env=isolated_test_env()) as base_url:
        yield base_url


def test_a_player_plays_a_whole_game_in_the_browser(browser: Any, game_server: str, data_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors = watch_console(page)
    page.set_default_timeout(15_000)

    page.goto(f"{game_server}/signup")
    page.fill("input[name=username]", "picasso")
    page.fill("input[name=password]", "correct horse battery")
    page.fill("input[name=password_confirm]", "correct horse battery")
    solve_signup_captcha(page)  # sign-up needs the draw-the-digit captcha
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(?!signup).*"))

    page.goto(f"{game_server}/")
    page.click("a.play-button")
    page.click(f"button[data-slug='{CATEGORY}']")
    page.wait_for_url(re.compile(r".*/play/\d+$"))
    game_id = int(page.url.rsplit("/", 1)[1])
    page.check("#speak")  # speech on: must not throw where the browser has no voices

    won = 0
    for number in range(1, 7):
        page.wait_for_selector("#got-it:not([hidden])")  # the word card comes up by itself
        page.wait_for_function(f"document.getElementById('round-number').textContent === '{number}'")
        word = page.locator("#word").inner_text()
        page.click("#got-it")
        drawing = recognised_drawing(data_dir, word)
        draw(page, drawing)
        page.wait_for_function("document.getElementById('guess-line').textContent !== '…'", timeout=10_000)
        line = page.locator("#guess-line")
        try:
            page.wait_for_function(
                "document.getElementById('guess-line').textContent.startsWith('Oh I know')",
                timeout=4_000,
            )
            won += 1
            assert word in line.inner_text()
            if won == 1:  # keep drawing after a win, then move on: the whole drawing is kept
                page.click("#keep-drawing")
                draw(page, [[[0, 40, 80], [0, 0, 0]]])
                page.click("#finish-now")
                page.wait_for_function(
                    f"document.getElementById('round-number').textContent === '{number + 1}'"
                    if number < 6
                    else "location.pathname.startsWith('/games/')"
                )
                stored = page.request.get(f"{game_server}/api/v1/games/{game_id}").json()
                kept = stored["rounds"][number - 1]["result"]
                assert len(kept["ink"]) == len(drawing) + 1 and kept["recognized"]
            else:
                press_next(page)
        except sync_api.TimeoutError:
            assert line.inner_text().startswith(("I see", "Hmm", "Sorry"))
            give_up(page, number)
            press_next(page)
    page.wait_for_url(re.compile(rf".*/games/{game_id}$"))
    assert won >= 1
    assert page.locator(".result-card").count() == 6
    assert page.locator(".result-card svg polyline").count() >= 6
    assert page.locator(".guess-bars li").count() >= 6
    card = page.locator(".result-card").first
    asked = card.get_attribute("data-word")
    assert f"You were asked to draw {asked}" in card.inner_text()  # never the model's answer
    card.locator(".feedback-yes").click()
    page.wait_for_function("document.querySelector('.feedback-status').textContent.startsWith('Thanks')")
    assert card.locator(".feedback-status").inner_text() == f"Thanks: {asked} (confirmed)"
    second = page.locator(".result-card").nth(1)
    second.locator("input.feedback-word").fill("unicornicopia")  # not a word: refused in the page
    second.locator(".feedback-no").click()
    assert "not one of the words" in second.locator(".feedback-status").inner_text()
    second.locator("input.feedback-word").fill("The Eiffel Tower")
    second.locator(".feedback-no").click()
    page.wait_for_function(
        "document.querySelectorAll('.feedback-status')[1].textContent"
        " === 'Thanks: The Eiffel Tower (corrected)'"
    )
    page.reload()
    assert "Thanks: The Eiffel Tower (corrected)" in page.locator(".result-card").nth(1).inner_text()
    assert errors == []
    page.close()
