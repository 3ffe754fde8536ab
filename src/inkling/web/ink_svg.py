"""Render a drawing's ink as inline SVG: one ``<polyline>`` per stroke, viewBox from the bounding box.

Use it from templates as ``{{ ink_svg(drawing.ink, size=160, title="cat") }}`` (a Jinja global) or from
Python as ``ink_to_svg(...)``. Only numbers formatted by Python and escaped text reach the markup, so
stored ink cannot inject anything; strokes that are not lists of numbers are skipped, not rendered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from markupsafe import Markup, escape

from inkling.ink.model import Ink

DEFAULT_SIZE = 160  # rendered width and height in CSS pixels
DEFAULT_STROKE = 2.5  # stroke width in screen pixels (independent of the drawing's own scale)
PADDING = 0.06  # blank margin around the drawing, as a fraction of its larger side
MIN_SPAN = 10.0  # a drawing smaller than this (a dot) is shown at this scale, not blown up


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None (bools, strings, NaN and infinities are not coordinates)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _strokes(ink: Any) -> list[list[tuple[float, float]]]:
    """The (x, y) points of each usable stroke of raw/simplified ink, an ``Ink``, or nothing."""
    if isinstance(ink, Ink):
        return [list(zip(s.xs.tolist(), s.ys.tolist(), strict=True)) for s in ink]
    if not isinstance(ink, Sequence) or isinstance(ink, str | bytes):
        return []
    strokes = []
    for stroke in ink:
        if not isinstance(stroke, Sequence) or isinstance(stroke, str | bytes) or len(stroke) < 2:
            continue
        xs, ys = stroke[0], stroke[1]
        if not isinstance(xs, Sequence) or not isinstance(ys, Sequence):
            continue
        points = []
        for x, y in zip(xs, ys, strict=False):
            fx, fy = _number(x), _number(y)
            if fx is not None and fy is not None:
                points.append((fx, fy))
        if points:
            strokes.append(points)
    return strokes


def _fmt(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def ink_to_svg(
    ink: Any,
    size: int = DEFAULT_SIZE,
    *,
    title: str | None = None,
    stroke_width: float = DEFAULT_STROKE,
    color: str = "currentColor",
    css_class: str = "ink-svg",
) -> Markup:
    """Inline SVG of ``ink`` (``[[xs, ys(, ts)], ...]`` or ``Ink``), ``size`` px square, aspect kept."""
    strokes = _strokes(ink)
    size = max(1, int(size))
    label = escape(title) if title else Markup("a drawing")
    if strokes:
        xs = [x for points in strokes for x, _ in points]
        ys = [y for points in strokes for _, y in points]
        left, top = min(xs), min(ys)
        span = max(max(xs) - left, max(ys) - top, MIN_SPAN)
        pad = span * PADDING
        cx, cy = (left + max(xs)) / 2, (top + max(ys)) / 2
        half = span / 2 + pad
        box = f"{_fmt(cx - half)} {_fmt(cy - half)} {_fmt(2 * half)} {_fmt(2 * half)}"
    else:
        box = "0 0 100 100"
    lines = []
    for points in strokes:
        if len(points) == 1:  # a dot: a zero-length line shows as a round cap
            points = points * 2
        coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
        lines.append(f'<polyline points="{coords}" vector-effect="non-scaling-stroke"/>')
    return Markup(
        f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" width="{size}" '
        f'height="{size}" viewBox="{box}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<g fill="none" stroke="{escape(color)}" stroke-width="{_fmt(float(stroke_width))}" '
        f'stroke-linecap="round" stroke-linejoin="round">' + "".join(lines) + "</g></svg>"
    )
