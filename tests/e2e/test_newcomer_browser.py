"""The game as a first-time player meets it, in a real headless Chromium against a real server.

The naive player never presses "Got it!": they start drawing on the word card at once, and the model
must still name their drawings (the first stroke counts, the clock starts with it). The phone player
plays a whole game with touch events on a 390x844 screen, never scrolling, to the end screen. Neither
sees a console error. Drawings are real Quick, Draw! strokes from the data mirror.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.game_support import recognised_drawing
from tests.e2e.axe_support import axe_source, blocking_violations
from tests.e2e.drawing_support import draw, draw_by_touch
from tests.e2e.live import isolated_test_env, live_server, watch_console
from tests.e2e.round_support import give_up, press_next

pytestmark = pytest.mark.e2e
CATEGORY = "fruit-vegetables"  # every word of it has sample drawings the shipped model recognises
PHONE = {"width": 390, "height": 844}
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def game_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `inkling serve` on a free port, on a fresh SQLite database with words and shipped models."""
    with live_server(tmp_path_factory.mktemp("newcomer"), env=isolated_test_env()) as base_url:
        yield base_url


def _new_game(page: Any, base_url: str) -> int:
    """From the home page to a fresh game in CATEGORY, as a guest; the game's id."""
    page.goto(f"{base_url}/")
    page.click("a.play-button")
    page.click(f"button[data-slug='{CATEGORY}']")
    page.wait_for_url(re.compile(r".*/play/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _word_on_the_card(page: Any, number: int) -> str:
    """Wait for round ``number``'s word card and read its word."""
    try:
        page.wait_for_function(
            f"document.getElementById('round-number').textContent === '{number}'"
            " && !document.getElementById('word-card').hidden && document.getElementById('word').textContent"
        )
    except sync_api.TimeoutError as timeout:
        raise AssertionError(f"no word card for round {number}; the page shows {_state(page)}") from timeout
    return page.locator("#word").inner_text()


def _state(page: Any) -> dict[str, Any]:
    """What the game page shows, to explain a wait that timed out."""
    return page.evaluate(
        """() => Object.fromEntries(
            ["round-number", "word", "word-card", "round-end", "round-end-text", "game-actions", "game-error",
             "guess-line"].map((id) => {
                const el = document.getElementById(id);
                return [id, el ? (el.hidden ? "(hidden) " : "") + el.textContent.trim().slice(0, 80) : null];
            }))"""
    )


def _accessible(page: Any) -> None:
    """No critical or serious axe-core violation on the page (when axe-core is installed)."""
    if axe_source() is not None:
        assert blocking_violations(page) == [], page.url


def _rounds(page: Any, base_url: str, game_id: int) -> list[dict[str, Any]]:
    return page.request.get(f"{base_url}/api/v1/games/{game_id}").json()["rounds"]


def test_a_naive_player_draws_on_the_word_card_and_is_recognised(
    browser: Any, game_server: str, data_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = watch_console(page)
    page.set_default_timeout(15_000)
    game_id = _new_game(page, game_server)
    assert page.locator("#game-actions").is_hidden()  # no Undo, Clear or Give up before the round
    recognised = 0
    for number in range(1, 7):
        word = _word_on_the_card(page, number)
        page.wait_for_timeout(1_500)  # reading the card costs no drawing time
        assert page.locator("#word-card").is_visible() and page.locator("#got-it").is_visible()
        if number == 1:
            _accessible(page)
        draw(page, recognised_drawing(data_dir, word))  # straight onto the card: never "Got it!"
        assert page.locator("#word-card").is_hidden() and page.locator("#game-actions").is_visible()
        try:
            page.wait_for_function(
                "document.getElementById('guess-line').textContent.startsWith('Oh I know')", timeout=6_000
            )
            recognised += 1
            assert word in page.locator("#guess-line").inner_text()
            score = int(page.locator("#score").inner_text())
            assert score >= 100 * recognised  # the score moved the moment the word was named
            page.wait_for_selector("#round-end:not([hidden])")
            assert "in" in page.locator("#round-end-detail").inner_text()  # "Next drawing in 3…"
        except sync_api.TimeoutError:
            give_up(page, number)
            press_next(page)
        # a recognised round moves on by itself after the countdown: no click on Next
    page.wait_for_url(re.compile(rf".*/games/{game_id}$"), timeout=20_000)
    _accessible(page)
    rounds = _rounds(page, game_server, game_id)
    assert recognised >= 5, f"only {recognised} of 6 drawings were recognised"
    for played in rounds:
        result = played["result"]
        assert not result["blank"] and result["first_stroke_ms"] is not None
        assert result["first_stroke_ms"] < 1_000  # the clock started with the first stroke, not the card
        assert (result["recognized_ms"] or 0) < 10_000
    assert sum(r["result"]["recognized"] for r in rounds) == recognised
    assert errors == []
    page.close()


def test_a_phone_player_plays_a_whole_game_by_touch(browser: Any, game_server: str, data_dir: Path) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    errors = watch_console(page)
    page.set_default_timeout(15_000)
    game_id = _new_game(page, game_server)
    next_seen = 0
    for number in range(1, 7):
        word = _word_on_the_card(page, number)
        page.tap("#got-it")
        page.wait_for_selector("#draw-word-box:not([hidden])")
        if number == 1:
            _accessible(page)
        for needed in ("#draw-word", "#pad", "#give-up"):  # all on screen at once: no scrolling to play
            box = page.locator(needed).bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], needed
        canvas = page.locator("#pad").bounding_box()
        assert canvas["width"] >= PHONE["width"] - 40  # the canvas fills the width
        draw_by_touch(page, recognised_drawing(data_dir, word))
        try:
            page.wait_for_selector("#round-end:not([hidden])", timeout=6_000)
        except sync_api.TimeoutError:
            give_up(page, number)
        next_box = page.locator("#next").bounding_box()  # None once a named round's countdown moved on
        if next_box is not None:
            assert next_box["y"] + next_box["height"] <= PHONE["height"]  # Next is on screen too
            next_seen += 1
        press_next(page, touch=True)
    page.wait_for_url(re.compile(rf".*/games/{game_id}$"), timeout=20_000)
    assert next_seen >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _accessible(page)
    rounds = _rounds(page, game_server, game_id)
    assert len(rounds) == 6 and all(not r["result"]["blank"] for r in rounds)
    assert sum(r["result"]["recognized"] for r in rounds) >= 4
    assert errors == []
    context.close()


def test_the_next_word_waits_while_the_pen_is_still_down(
    browser: Any, game_server: str, data_dir: Path
) -> None:
    """A named round's countdown holds while a stroke is in progress: no word card under a moving pen."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = watch_console(page)
    page.set_default_timeout(15_000)
    _new_game(page, game_server)
    for number in range(1, 7):
        draw(page, recognised_drawing(data_dir, _word_on_the_card(page, number)))
        try:
            page.wait_for_selector("#round-end:not([hidden])", timeout=6_000)
            break
        except sync_api.TimeoutError:
            give_up(page, number)
            press_next(page)
    else:
        pytest.fail("no drawing was named")
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()  # a last stroke, held longer than the countdown
    for step in range(1, 11):
        page.mouse.move(box["x"] + 20 + 4 * step, box["y"] + 20)
        page.wait_for_timeout(450)
    assert page.locator("#round-number").inner_text() == str(number)  # still this round's end panel
    assert page.locator("#round-end").is_visible() and page.locator("#word-card").is_hidden()
    page.mouse.up()
    _word_on_the_card(page, number + 1)  # the pen rests: the countdown moves on by itself
    assert errors == []
    page.close()
