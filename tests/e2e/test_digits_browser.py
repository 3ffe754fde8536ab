"""A real browser on a real server: draw a digit on /digits, see the guess and ten bars; it is stored.

With a session cookie the page must send its CSRF token (``X-CSRF-Token``), and the drawing is the user's.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.digit_strokes import human_ink
from tests.e2e.live import watch_console
from tests.e2e.test_playground_browser import _draw, served

pytestmark = pytest.mark.e2e
__all__ = ["served"]  # a fixture shared with the playground test
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"


@pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")
@pytest.mark.parametrize(("digit", "with_session"), [(7, False), (7, True)])
def test_digit_pad_guesses_a_drawn_digit(
    browser: Any, served: tuple[str, Path], digit: int, with_session: bool
) -> None:
    base_url, db = served
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    problems = watch_console(page)
    if with_session:  # a guest session: its cookie now rides along with the page's requests
        assert page.request.post(f"{base_url}/api/v1/auth/guest").status == 201
    page.goto(f"{base_url}/digits")
    page.wait_for_load_state("networkidle")
    _draw(page, "#digit-canvas", human_ink(digit))
    page.wait_for_function(
        f"document.getElementById('digit-guess').textContent === '{digit}'", timeout=15_000
    )
    assert "% sure" in page.inner_text("#digit-confidence")
    widths = page.locator("#digit-bars .bar-fill").evaluate_all("els => els.map(e => e.style.width)")
    assert len(widths) == 10 and any(w != "0.0%" for w in widths)
    assert "digits-cnn@" in page.inner_text("#digit-model")
    page.click("#digit-clear")
    assert page.inner_text("#digit-guess") == "\u2013"  # the blank guess (en dash)
    assert not problems, problems
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT count(*) FROM digit_drawings").fetchone()
        owned = connection.execute("SELECT count(*) FROM digit_drawings WHERE user_id IS NOT NULL").fetchone()
    assert count >= 1 and (owned[0] >= 1) == with_session
    page.close()
