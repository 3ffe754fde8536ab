"""A live drawing as a log of operations (points added to a stroke, undo, clear) and its replay to raw ink."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

POINTS, UNDO, CLEAR = "points", "undo", "clear"
OPERATIONS = (POINTS, UNDO, CLEAR)

Op = tuple[str, int | None, Sequence[Sequence[float]] | None]  # (kind, stroke index, [[x, y, t], ...])


def replay(ops: Iterable[Op]) -> list[list[list[float]]]:
    """Quick, Draw! raw ink ``[[xs, ys, ts], ...]`` from the operations, in order.

    Points extend stroke ``index`` when it is the last stroke, or start it when it is the next one;
    anything else (a lost or repeated message) is ignored. A time that steps back within a stroke is
    held at the stroke's latest time, so the result is always valid raw ink.
    """
    strokes: list[list[list[float]]] = []
    for kind, index, points in ops:
        if kind == CLEAR:
            strokes = []
        elif kind == UNDO:
            if strokes:
                strokes.pop()
        elif kind == POINTS and points:
            if index == len(strokes):
                strokes.append([[], [], []])
            elif index != len(strokes) - 1:
                continue
            xs, ys, ts = strokes[-1]
            for x, y, t in points:
                xs.append(x)
                ys.append(y)
                ts.append(max(t, ts[-1]) if ts else t)
    return strokes


def point_count(ink: Sequence[Any]) -> int:
    """Points over all strokes of raw ink."""
    return sum(len(stroke[0]) for stroke in ink)
