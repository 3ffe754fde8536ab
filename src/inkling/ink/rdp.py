"""Ramer-Douglas-Peucker polyline simplification, numpy-vectorised over every stroke of a drawing.

The classic recursion splits a chord at its farthest point; every chord's split depends only on that
chord, so all chords of one recursion depth (of all strokes) are worked out together: one round of
numpy calls per depth instead of a Python loop iteration per chord.
"""

from __future__ import annotations

import numpy as np

from inkling.ink.ragged import starts_of


def _chord_distances(
    xs: np.ndarray, ys: np.ndarray, first: np.ndarray, last: np.ndarray, chord: np.ndarray, inner: np.ndarray
) -> np.ndarray:
    """Distance of each ``inner`` point to the infinite line of its ``chord`` (``first -> last``), or to
    the chord's start when the chord has zero length."""
    sx, sy = xs[first], ys[first]
    dx, dy = xs[last] - sx, ys[last] - sy
    length = np.hypot(dx, dy)
    px, py = xs[inner], ys[inner]
    sx, sy, dx, dy, length = sx[chord], sy[chord], dx[chord], dy[chord], length[chord]
    with np.errstate(divide="ignore", invalid="ignore"):
        distances = np.abs(dx * (sy - py) - dy * (sx - px)) / length
    flat = length == 0.0
    if flat.any():
        distances[flat] = np.hypot(px[flat] - sx[flat], py[flat] - sy[flat])
    return distances


def rdp_keep(xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray, epsilon: float) -> np.ndarray:
    """Boolean mask of the points that RDP with ``epsilon`` keeps, for strokes of ``lengths`` points
    laid end to end in ``xs``, ``ys``.

    Distances are to the infinite line through the chord (to the chord's start when it has zero
    length); the first point farthest from the chord is split on when it is farther than
    ``epsilon``; each stroke's end points are always kept.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    keep = np.zeros(len(xs), dtype=bool)
    lengths = lengths[lengths > 0]
    if not len(lengths):
        return keep
    first = starts_of(lengths)
    last = first + lengths - 1
    keep[first] = keep[last] = True
    while True:
        open_ = last - first >= 2
        first, last = first[open_], last[open_]
        if not len(first):
            return keep
        counts = last - first - 1  # inner points per chord
        bounds = starts_of(counts)
        chord = np.repeat(np.arange(len(first)), counts)
        inner = np.arange(int(counts.sum())) + (first + 1 - bounds)[chord]
        distances = _chord_distances(xs, ys, first, last, chord, inner)
        farthest = np.maximum.reduceat(distances, bounds)
        split = np.minimum.reduceat(np.where(distances == farthest[chord], inner, len(xs)), bounds)
        far = farthest > epsilon
        split = split[far]
        keep[split] = True
        first, last = np.concatenate([first[far], split]), np.concatenate([split, last[far]])


def rdp_mask(points: np.ndarray, epsilon: float) -> np.ndarray:
    """Boolean mask of the points of an (n, 2) polyline that RDP with ``epsilon`` keeps (see ``rdp_keep``)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return rdp_keep(points[:, 0], points[:, 1], np.array([len(points)]), epsilon)


def rdp(points: np.ndarray, epsilon: float) -> np.ndarray:
    """The points of an (n, 2) polyline kept by Ramer-Douglas-Peucker with ``epsilon``."""
    points = np.asarray(points, dtype=np.float64)
    return points[rdp_mask(points, epsilon)]
