"""The model's voice in a real Chromium (speechSynthesis replaced by a recorder): it speaks like a person.

It says a guess only when the top guess changes, never starts a line less than about a second after
the previous one (the win excepted, which waits for the current line to end), and never cuts itself
off (no cancel while speaking is on): "I see… pear, or apple… Oh I know, it's carrot!".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.game_support import recognised_drawing
from tests.e2e.drawing_support import draw
from tests.e2e.live import isolated_test_env, live_server, watch_console

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
LINE_MS = 400  # how long the recorder "speaks" each line
RECORDER = f"""
localStorage.setItem("inkling.speak", "1");
window.__said = []; window.__cancels = 0;
let busyUntil = 0;
window.SpeechSynthesisUtterance = function (text) {{ this.text = text; }};
Object.defineProperty(window, "speechSynthesis", {{ value: {{
  get speaking() {{ return performance.now() < busyUntil; }},
  get pending() {{ return false; }},
  speak(u) {{
    window.__said.push([u.text, performance.now(), this.speaking]);
    busyUntil = performance.now() + {LINE_MS};
  }},
  cancel() {{ window.__cancels += 1; busyUntil = 0; }},
}} }});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `inkling serve` on a fresh database."""
    with live_server(tmp_path_factory.mktemp("speech"), env=isolated_test_env()) as base_url:
        yield base_url


def test_the_model_speaks_like_a_person(browser: Any, server: str, data_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(RECORDER)
    page = context.new_page()
    errors = watch_console(page)
    page.goto(f"{server}/play")
    page.click("button[data-slug='fruit-vegetables']")
    page.wait_for_url(re.compile(r".*/play/\d+$"))
    page.wait_for_selector("#got-it:not([hidden])")
    assert page.is_checked("#speak")
    word = page.locator("#word").inner_text()
    page.click("#got-it")
    draw(page, recognised_drawing(data_dir, word))
    page.wait_for_function("document.getElementById('guess-line').textContent.startsWith('Oh I know')")
    page.wait_for_function("window.__said.some(([text]) => text.startsWith('Oh I know'))", timeout=5_000)
    said = page.evaluate("window.__said")
    assert page.evaluate("window.__cancels") == 0  # never cut off
    texts = [text for text, _, _ in said]
    assert texts[-1] == f"Oh I know, it's {word}!"
    assert all(text.startswith(("I see", "or ", "Oh I know")) for text in texts), texts
    assert not any(busy for _, _, busy in said)  # a line starts only once the previous one ended
    guesses = [(text, at) for text, at, _ in said if not text.startswith("Oh I know")]
    assert all(b - a >= 950 for (_, a), (_, b) in itertools.pairwise(guesses)), said
    assert len(set(texts)) == len(texts)  # the same guess is not said twice in a row
    assert errors == []
    context.close()
