"""Draw real Quick, Draw! strokes on a page's canvas, with the mouse or with a finger (touch events)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MOVES_PER_STROKE = 30  # pointer moves per stroke at most: the shape survives, the test stays quick
FILL = 0.8  # share of the canvas's shorter side the drawing spans


def _strokes(box: dict[str, float], drawing: list[Any]) -> Iterator[list[tuple[float, float]]]:
    """Each stroke of ``drawing`` as page points, scaled to fit ``box`` with a margin, thinned."""
    xs = [x for stroke in drawing for x in stroke[0]]
    ys = [y for stroke in drawing for y in stroke[1]]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    scale = FILL * min(box["width"], box["height"]) / span
    left = box["x"] + (box["width"] - scale * (max(xs) - min(xs))) / 2
    top = box["y"] + (box["height"] - scale * (max(ys) - min(ys))) / 2
    for stroke in drawing:
        points = [
            (left + (x - min(xs)) * scale, top + (y - min(ys)) * scale)
            for x, y in zip(stroke[0], stroke[1], strict=True)
        ]
        step = max(1, len(points) // MOVES_PER_STROKE)
        yield points[:1] + points[step::step] + points[-1:]


def draw(page: Any, drawing: list[Any], canvas: str = "#pad") -> None:
    """Draw ``drawing`` on ``canvas`` with the mouse."""
    for points in _strokes(page.locator(canvas).bounding_box(), drawing):
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point)
        page.mouse.up()


def draw_by_touch(page: Any, drawing: list[Any], canvas: str = "#pad") -> None:
    """Draw ``drawing`` on ``canvas`` with one finger: real touch events through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    try:
        for points in _strokes(page.locator(canvas).bounding_box(), drawing):
            for index, (x, y) in enumerate(points):
                kind = "touchStart" if index == 0 else "touchMove"
                cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()
