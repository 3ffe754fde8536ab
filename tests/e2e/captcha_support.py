"""Solve the sign-up captcha in a real browser: read the digit shown and draw it with the mouse.

The digit is drawn from the templates of ``tests.digit_strokes`` (which the shipped model reads), one
mouse move per point, waiting between moves as long as the template's own human-like timing says.
"""

from __future__ import annotations

import time
from typing import Any

from tests.digit_strokes import human_ink

CANVAS = "#captcha-canvas"
MARGIN = 0.15  # share of the canvas left blank on each side


def draw_digit(page: Any, digit: int, canvas: str = CANVAS, seed: int = 0) -> None:
    """Draw ``digit`` on ``canvas`` with mouse moves at a hand's pace (small, uneven waits)."""
    box = page.locator(canvas).bounding_box()
    ink = human_ink(digit, seed)
    xs = [x for stroke in ink for x in stroke[0]]
    ys = [y for stroke in ink for y in stroke[1]]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    scale = (1 - 2 * MARGIN) * min(box["width"], box["height"]) / span
    left = box["x"] + (box["width"] - scale * (max(xs) - min(xs))) / 2
    top = box["y"] + (box["height"] - scale * (max(ys) - min(ys))) / 2
    previous = None
    for stroke_xs, stroke_ys, stroke_ts in ink:
        for index, (x, y, t) in enumerate(zip(stroke_xs, stroke_ys, stroke_ts, strict=True)):
            if previous is not None:
                time.sleep(max(0.0, t - previous) / 1000)
            previous = t
            page.mouse.move(left + (x - min(xs)) * scale, top + (y - min(ys)) * scale)
            if index == 0:
                page.mouse.down()
        page.mouse.up()


def solve_signup_captcha(page: Any) -> int:
    """On /signup: draw the digit the captcha asks for, press Check, wait for the pass; the digit."""
    digit = int(page.locator("#captcha-digit").inner_text(timeout=15_000))
    draw_digit(page, digit)
    page.click("#captcha-check")
    page.wait_for_function("document.getElementById('captcha-pass').value !== ''", timeout=15_000)
    return digit
