"""Three friends in one room, each in their own Chromium context, against a real `inkling serve`.

Ann creates the room and shares its link; Bob (on a phone-sized screen) and Cal join by the link as
guests. One round: each draws once — real Quick, Draw! strokes of the word they picked, from the data
mirror, moved onto the canvas with the mouse — while the others guess by typing, and Inkling, the
model, guesses live beside them. Cal reloads in the middle of Ann's turn and rejoins where the room
is. The game ends on the podium, and no page logs an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.game_support import recognised_drawing
from tests.e2e.live import isolated_test_env, live_server, watch_console

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CATEGORY = "fruit-vegetables"  # every word of it has sample drawings the shipped model recognises
MOVES = 25  # mouse moves per stroke at most


@pytest.fixture
def room_server(tmp_path: Path) -> Iterator[str]:
    """A real `inkling serve` (SQLite, one process) with the word sets and the shipped models."""
    with live_server(tmp_path, env=isolated_test_env()) as base_url:
        yield base_url


def _fit(drawing: list[Any], box: dict[str, float]) -> list[list[tuple[float, float]]]:
    """The drawing's points on screen: scaled into the canvas box with a 10 % margin, centred."""
    xs = [x for stroke in drawing for x in stroke[0]]
    ys = [y for stroke in drawing for y in stroke[1]]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    k = 0.8 * min(box["width"], box["height"]) / max(width, height, 1)
    dx = box["x"] + (box["width"] - k * width) / 2 - k * min(xs)
    dy = box["y"] + (box["height"] - k * height) / 2 - k * min(ys)
    return [[(dx + k * x, dy + k * y) for x, y in zip(s[0], s[1], strict=True)] for s in drawing]


def _draw(page: Any, drawing: list[Any]) -> None:
    """Draw ``drawing`` on the room's canvas with the mouse."""
    for stroke in _fit(drawing, page.locator("#room-pad").bounding_box()):
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for point in [*stroke[:: max(1, len(stroke) // MOVES)][1:], stroke[-1]]:
            page.mouse.move(*point)
        page.mouse.up()


def _inked(page: Any) -> int:
    """Dark pixels on the room's canvas (the drawing as this player sees it)."""
    return page.evaluate(
        """() => {
          const canvas = document.getElementById('room-pad');
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let dark = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++;
          return dark;
        }"""
    )


def _guess(page: Any, text: str) -> None:
    page.fill("#guess", text)
    page.press("#guess", "Enter")


def _players(page: Any) -> list[str]:
    return page.locator("#players .player-name").all_inner_texts()


def _pick_word(page: Any) -> str:
    """The drawer takes the first of the three words offered; the word to draw."""
    page.locator("#room-overlay .choice").first.click()
    page.wait_for_function("document.getElementById('room-word').textContent.startsWith('Draw: ')")
    return page.locator("#room-word").inner_text().removeprefix("Draw: ")


def _wait_phase(page: Any, text: str, timeout: int = 20_000) -> None:
    page.wait_for_function(
        f"document.getElementById('room-round').textContent.includes({text!r})", timeout=timeout
    )


def test_three_friends_and_the_model_play_a_whole_game(
    browser: Any, room_server: str, data_dir: Path
) -> None:
    desktop = {"viewport": {"width": 1280, "height": 900}}
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    ann, bob, cal = (browser.new_context(**options).new_page() for options in (desktop, phone, desktop))
    errors = {name: watch_console(page) for name, page in (("ann", ann), ("bob", bob), ("cal", cal))}
    for page in (ann, bob, cal):
        page.set_default_timeout(15_000)

    ann.goto(f"{room_server}/rooms")
    ann.fill("#create-room input[name=name]", "Ann")
    ann.fill("#create-room input[name=rounds]", "1")
    ann.fill("#create-room input[name=draw_seconds]", "60")
    ann.select_option("#create-room select[name=category]", CATEGORY)
    ann.click("#create-room button[type=submit]")
    ann.wait_for_url(re.compile(r".*/r/[0-9A-Z]{16}$"))
    link = ann.locator("#share-link").input_value()
    assert link == ann.url

    for page, name in ((bob, "Bob"), (cal, "Cal")):
        page.goto(link)
        page.fill("#join-room input[name=name]", name)
        page.click("#join-room button[type=submit]")
        page.wait_for_url(link)
    ann.wait_for_function("document.querySelectorAll('#players li').length === 4")
    assert sorted(_players(ann)) == ["Ann", "Bob", "Cal", "Inkling"]
    assert bob.locator("#settings-form").is_hidden() and bob.locator("#lobby-wait").is_visible()

    ann.click("#start-game")
    drawers = {"Ann": ann, "Bob": bob, "Cal": cal}
    model_said = False
    for turn, drawer_name in enumerate(("Ann", "Bob", "Cal"), start=1):
        drawer = drawers[drawer_name]
        guessers = [page for name, page in drawers.items() if name != drawer_name]
        drawer.wait_for_selector("#room-overlay .choice")
        word = _pick_word(drawer)
        for page in guessers:
            page.wait_for_function("document.getElementById('room-word').textContent.includes('_')")
        _draw(drawer, recognised_drawing(data_dir, word))
        if turn == 1:  # Cal reloads mid-turn: the drawing so far, the hint and the clock come back
            cal.wait_for_function("document.querySelector('#room-pad') && true")
            cal.reload()
            cal.wait_for_function("document.getElementById('room-word').textContent.includes('_')")
            cal.wait_for_function("document.getElementById('room-timer').textContent.endsWith(' s')")
            assert _inked(cal) > 100
            # the model looks at the drawing every 1.5 s: it names the word before anyone types
            ann.wait_for_function(
                "[...document.querySelectorAll('#chat li')].some(li => li.textContent.startsWith('Inkling'))",
                timeout=20_000,
            )
            model_said = True
        first, second = guessers
        _guess(first, "a spaceship")
        first.wait_for_selector("#chat li:has-text('a spaceship')")
        _guess(first, word.upper() + "s")  # any case, a plural: still right
        first.wait_for_selector("#chat li.chat-correct")
        assert word.upper() + "s" not in second.locator("#chat").inner_text()  # the others never read it
        _guess(second, word)
        for page in drawers.values():
            page.wait_for_function(
                "document.getElementById('room-overlay').textContent.includes('The word was')", timeout=10_000
            )
        assert word in drawer.locator("#room-overlay").inner_text()

    for page in drawers.values():
        _wait_phase(page, "Game over", timeout=30_000)
        assert "The podium" in page.locator("#room-overlay").inner_text()
    scores = [int(s) for s in ann.locator("#players .player-score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert model_said
    tv = browser.new_context(**desktop).new_page()
    tv_errors = watch_console(tv)
    tv.goto(f"{link}/tv")
    tv.wait_for_function("document.getElementById('room-overlay').textContent.includes('The podium')")
    assert {name: found for name, found in errors.items() if found} == {} and tv_errors == []
