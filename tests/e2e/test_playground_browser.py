"""A real browser on a real server: the playground's live top 10, and contributing drawings.

Draws a real Quick, Draw! drawing from the data mirror with mouse events. Needs the Python package
``playwright`` and a Chromium at ``/usr/bin/chromium`` (no browser download); skips cleanly otherwise.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from inkling.datasets.quickdraw import iter_drawings
from tests.e2e.live import live_server, watch_console

pytestmark = pytest.mark.e2e

WORDS = ("apple", "fish", "eye", "diamond", "cat", "bicycle")  # words of the mirror's raw sample
CANVAS_MARGIN = 30  # px left blank around the drawing on the canvas


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `inkling serve` with words and the shipped models loaded: (base URL, SQLite file)."""
    tmp_path = tmp_path_factory.mktemp("served")
    with live_server(tmp_path) as base_url:
        yield base_url, tmp_path / "inkling.db"


def _recognisable(base_url: str, data_dir: Path) -> dict[str, Any]:
    """The first raw sample drawing whose word the server's model puts in its top 3."""
    path = data_dir / "quickdraw" / "quickdraw_raw_sample.ndjson.gz"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    for record in iter_drawings(path, words=WORDS, recognized=True, limit=60):
        if sum(len(s[0]) for s in record["drawing"]) > 400:
            continue  # keep the mouse work short
        answer = httpx.post(f"{base_url}/api/v1/doodles/guess", json={"ink": record["drawing"], "top": 3})
        if record["word"] in [g["word"] for g in answer.json()["guesses"]]:
            return record
    pytest.skip("no sample drawing the model recognises")


def _draw(page: Any, canvas_selector: str, ink: list[list[list[float]]]) -> None:
    """Trace ``ink`` on the canvas with mouse events, scaled to fit it."""
    box = page.locator(canvas_selector).bounding_box()
    xs = [x for s in ink for x in s[0]]
    ys = [y for s in ink for y in s[1]]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    scale = (min(box["width"], box["height"]) - 2 * CANVAS_MARGIN) / span
    left, top = box["x"] + CANVAS_MARGIN, box["y"] + CANVAS_MARGIN
    for stroke in ink:
        points = [
            (left + (x - min(xs)) * scale, top + (y - min(ys)) * scale)
            for x, y in zip(stroke[0], stroke[1], strict=True)
        ]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point)
        page.mouse.up()


def test_playground_shows_the_live_top_10_with_the_drawn_word(
    browser: Any, served: tuple[str, Path], data_dir: Path
) -> None:
    base_url, _ = served
    record = _recognisable(base_url, data_dir)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems = watch_console(page)
    page.goto(f"{base_url}/playground")
    page.wait_for_load_state("networkidle")
    _draw(page, "#pg-canvas", record["drawing"])
    bar = page.wait_for_selector(f'#pg-bars li[data-word="{record["word"]}"]', timeout=15_000)
    assert bar is not None
    labels = page.locator("#pg-bars li .prob-label").all_inner_texts()
    assert len(labels) == 10 and all(label != "—" for label in labels)
    updates = int(page.locator("#pg-bars").get_attribute("data-updates") or 0)
    assert updates >= 2  # updated during the drawing, not once at the end
    width = page.locator("#pg-bars li.best .prob-fill").evaluate("el => parseFloat(el.style.width)")
    assert width > 0
    page.click("#pg-clear")
    page.wait_for_function("document.querySelector('#pg-bars li .prob-label').textContent === '—'")
    assert problems == []
    page.close()


def test_contributed_drawings_are_stored(browser: Any, served: tuple[str, Path], data_dir: Path) -> None:
    base_url, db = served
    record = _recognisable(base_url, data_dir)
    word = record["word"]
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems = watch_console(page)
    page.goto(f"{base_url}/contribute?word={word}")
    page.wait_for_function(f"document.getElementById('co-prompt').textContent === {word!r}")
    _draw(page, "#co-canvas", record["drawing"])
    page.click("#co-submit")
    page.wait_for_selector("#co-thanks:not([hidden])")
    assert word in page.inner_text("#co-thanks")
    # the first drawing made a guest session; the second must pass the CSRF check with its new token
    second = page.inner_text("#co-prompt")
    _draw(page, "#co-canvas", record["drawing"][:2])
    page.click("#co-submit")
    page.wait_for_function("document.getElementById('co-thanks').textContent.includes('" + second + "')")
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT w.text, d.stroke_count, d.user_id FROM drawings d JOIN words w ON w.id = d.word_id "
            "WHERE d.source = 'collect' ORDER BY d.id"
        ).fetchall()
    assert [(text, strokes) for text, strokes, _ in rows] == [
        (word, len(record["drawing"])),
        (second, min(2, len(record["drawing"]))),
    ]
    assert rows[0][2] is not None and rows[0][2] == rows[1][2]  # the same guest
    assert page.locator("#co-error").is_hidden()
    assert problems == []
    page.close()
