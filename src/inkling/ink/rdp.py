"""Ramer-Douglas-Peucker polyline simplification (iterative, numpy)."""

from __future__ import annotations

import numpy as np


def rdp_mask(points: np.ndarray, epsilon: float) -> np.ndarray:
    """Boolean mask of the points of an (n, 2) polyline that RDP with ``epsilon`` keeps.

    Distances are to the infinite line through the chord (to the chord's start when it has zero
    length); the first point farthest from the chord is split on when it is farther than
    ``epsilon``; the end points are always kept.
    """
    points = np.asarray(points, dtype=np.float64)
    n = len(points)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    keep[0] = keep[-1] = True
    xs, ys = points[:, 0], points[:, 1]
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        sx, sy = xs[first], ys[first]
        dx, dy = xs[last] - sx, ys[last] - sy
        inner_x, inner_y = xs[first + 1 : last], ys[first + 1 : last]
        length = float(np.hypot(dx, dy))
        if length == 0.0:
            distances = np.hypot(inner_x - sx, inner_y - sy)
        else:
            distances = np.abs(dx * (sy - inner_y) - dy * (sx - inner_x)) / length
        index = int(np.argmax(distances))
        if distances[index] > epsilon:
            split = first + 1 + index
            keep[split] = True
            stack.append((split, last))
            stack.append((first, split))
    return keep


def rdp(points: np.ndarray, epsilon: float) -> np.ndarray:
    """The points of an (n, 2) polyline kept by Ramer-Douglas-Peucker with ``epsilon``."""
    points = np.asarray(points, dtype=np.float64)
    return points[rdp_mask(points, epsilon)]
