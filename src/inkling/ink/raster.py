"""Rasterise simplified ink to an NxN uint8 bitmap the way Google made ``numpy_bitmap``.

Reference: the cairo recipe of quickdraw-dataset issue #19 (256 px source canvas, line diameter 16,
padding 16, round caps and joins, anti-aliased, drawing centred on its bounding-box maximum, white
on black), drawn directly at the bitmap's size. Here without cairo, in numpy, the way cairo's scan
converter covers a shape: each stroke (the union of one capsule per segment: round caps and joins)
is cut along ``SUBROWS`` horizontal sample lines per pixel row; on each line the capsules give
x-intervals, merged per stroke, whose exact overlap with each pixel is its coverage; strokes are
composited with "over" (``a + b (1 - a)``) as cairo does when it strokes them one by one.
"""

from __future__ import annotations

import numpy as np

from inkling.ink.model import Ink
from inkling.ink.ragged import flat_points, starts_of

ORIGINAL_SIDE = 256.0  # side of the simplified drawing's frame (coordinates 0..255)
LINE_DIAMETER = 16.0  # pen width, in units of the 256 frame
PADDING = 16.0  # margin around the drawing, in units of the 256 frame
TOTAL_PADDING = 2 * PADDING + LINE_DIAMETER  # 48: the 256 frame plus this maps onto the bitmap side
SUBROWS = 15  # sample lines per pixel row: cairo's scan converter uses 15 (GRID_Y), and so match best
MAX_LAYER_CELLS = 1 << 21  # per-stroke coverage cells held at once (bounds memory for big bitmaps)


def _segments(x: np.ndarray, y: np.ndarray, lengths: np.ndarray, radius: float) -> np.ndarray:
    """(segments, 6) ``ax, ay, dx, dy, tangent, stroke`` of every segment, ``a`` its upper end (``dy >= 0``).

    Each point starts a segment to the next point of its stroke; a stroke's last point starts one of
    zero length (its own disk, already part of the stroke, and all that a one-point stroke is).
    ``tangent`` is ``radius * dx / length``: the height, relative to the axis, at which the line
    through ``a`` touches the long edges' ends of the capsule.
    """
    ends = starts_of(lengths) + lengths - 1
    here = np.arange(len(x))
    following = here + 1
    following[ends] = ends
    upward = y[following] < y
    top = np.where(upward, following, here)
    bottom = np.where(upward, here, following)
    segments = np.empty((len(x), 6))
    segments[:, 0], segments[:, 1] = x[top], y[top]
    dx, dy = x[bottom] - x[top], y[bottom] - y[top]
    segments[:, 2], segments[:, 3] = dx, dy
    length = np.hypot(dx, dy)
    segments[:, 4] = radius * dx / np.where(length > 0, length, 1.0)
    segments[:, 5] = np.repeat(np.arange(len(lengths)), lengths)
    return segments


def _line_spans(segments: np.ndarray, u: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """The x-interval where each horizontal line crosses its segment's capsule (empty: low >= high).

    ``segments`` holds one row of ``_segments`` per line and ``u`` the line's height below ``a``. A
    capsule point on the line is ``a + t d`` plus a horizontal ``+-sqrt(r^2 - (u - t dy)^2)``; its x
    is convex in ``t`` on the left side (concave on the right), so each end of the interval is at the
    stationary ``t`` (where the line meets a long edge) clipped to the ``t`` whose disk reaches the line.
    """
    ax, dx, dy, tangent = segments[:, 0], segments[:, 2], segments[:, 3], segments[:, 4]
    rise = 1.0 / np.maximum(dy, 1e-300)  # dy >= 0; flat segments behave as barely rising ones
    reach_low = np.maximum((u - radius) * rise, 0.0)
    reach_high = np.minimum((u + radius) * rise, 1.0)
    ends = []
    for side in (-1.0, 1.0):
        t = np.minimum(np.maximum((u + side * tangent) * rise, reach_low), reach_high)
        across = u - t * dy
        half = np.sqrt(np.maximum(radius * radius - across * across, 0.0))
        ends.append(ax + t * dx + side * half)
    low, high = ends
    high[reach_low > reach_high] = -np.inf
    return low, high


def _stroke_coverage(
    x: np.ndarray, y: np.ndarray, lengths: np.ndarray, size: int, subrows: int, radius: float
) -> np.ndarray:
    """(strokes, size, size) float coverage of each stroke alone (bitmap pixel units in ``x``, ``y``)."""
    segments = _segments(x, y, lengths, radius)
    ay, dy = segments[:, 1], segments[:, 3]
    # the sample lines (at the middle of each of the pixel's `subrows` bands) each capsule reaches
    top = np.maximum(np.ceil((ay - radius) * subrows - 0.5), 0).astype(np.int64)
    bottom = np.minimum(np.floor((ay + dy + radius) * subrows - 0.5), size * subrows - 1).astype(np.int64)
    lines = np.maximum(bottom - top + 1, 0)
    line = np.arange(lines.sum()) + np.repeat(top - starts_of(lines), lines)
    per_line = np.repeat(segments, lines, axis=0)
    low, high = _line_spans(per_line, (line + 0.5) / subrows - per_line[:, 1], radius)
    low, high = np.maximum(low, 0.0), np.minimum(high, float(size))
    crossed = low < high
    low, high = low[crossed], high[crossed]
    row = per_line[crossed, 5] * (size * subrows) + line[crossed]  # stroke and sample line
    # union of the intervals on each (stroke, line): sort by start, then merge overlapping runs
    width = size + 1.0  # intervals lie in [0, size]: row * width + x orders by row, then x
    order = np.argsort(row * width + low)
    row, low, high = row[order], low[order], high[order]
    reach = np.maximum.accumulate(row * width + high)
    fresh = np.ones(len(row), dtype=bool)
    fresh[1:] = row[1:] * width + low[1:] > reach[:-1]
    starts = np.flatnonzero(fresh)
    row, low = row[starts], low[starts]
    high = reach[np.append(starts[1:], len(reach)) - 1] - row * width
    # exact overlap of [low, high] with each pixel: +/- ramps at both ends, summed along the row
    cell = (row // subrows) * (size + 2)  # (stroke, pixel row) of each merged interval
    low_px, high_px = np.floor(low), np.floor(high)
    at = (np.concatenate([low_px, low_px + 1, high_px, high_px + 1]) + np.tile(cell, 4)).astype(np.int64)
    low_in, high_in = low - low_px, high - high_px
    weight = np.concatenate([1 - low_in, low_in, high_in - 1, -high_in])
    strokes = len(lengths)
    edges = np.bincount(at, weight, minlength=strokes * size * (size + 2)).reshape(strokes, size, size + 2)
    # every interval adds as much as it takes away, so one running sum over all rows restarts at 0 on each
    return np.cumsum(edges.ravel()).reshape(edges.shape)[:, :, :size] / subrows  # 0..1 within float error


def rasterise_arrays(
    xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray, size: int = 28, subrows: int | None = None
) -> np.ndarray:
    """``rasterise`` for flat arrays (all xs, all ys, points per stroke) of simplified ink."""
    if size < 1:
        raise ValueError(f"size must be a positive number of pixels, got {size}")
    subrows = subrows or SUBROWS
    lengths = np.asarray(lengths, dtype=np.int64)
    scale = size / (ORIGINAL_SIDE + TOTAL_PADDING)
    # centre the drawing: cairo adds ((256, 256) - bbox_max) / 2, then translates by total_padding / 2
    x = (xs + (ORIGINAL_SIDE - xs.max()) / 2 + TOTAL_PADDING / 2) * scale
    y = (ys + (ORIGINAL_SIDE - ys.max()) / 2 + TOTAL_PADDING / 2) * scale
    radius = LINE_DIAMETER / 2 * scale
    clear = np.ones((size, size))  # 1 - coverage so far: "over" multiplies the clear shares
    per_batch = max(MAX_LAYER_CELLS // (size * (size + 2)), 1)
    starts = starts_of(lengths)
    for first in range(0, len(lengths), per_batch):
        batch = lengths[first : first + per_batch]
        points = slice(starts[first], starts[first] + batch.sum())
        layers = _stroke_coverage(x[points], y[points], batch, size, subrows, radius)
        clear *= np.prod(1.0 - layers, axis=0)
    return np.round((1.0 - clear) * 255.0).astype(np.uint8)


def rasterise(ink: Ink, size: int = 28, subrows: int | None = None) -> np.ndarray:
    """Render simplified ink (coordinates 0..255) to a (size, size) uint8 bitmap, white strokes on black.

    ``subrows``: sample lines per pixel row (default ``SUBROWS``, as cairo).
    """
    return rasterise_arrays(*flat_points(ink), size, subrows)
