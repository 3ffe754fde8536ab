"""Normalise and simplify ink exactly as Google made the Quick, Draw! "simplified" data set."""

from __future__ import annotations

import numpy as np

from inkling.ink.model import Ink, Stroke
from inkling.ink.rdp import rdp_mask

SIMPLIFIED_MAX = 255  # simplified coordinates are integers in 0..255
RESAMPLE_SPACING = 1.0  # pixels between resampled points (in the 0..255 frame)
RDP_EPSILON = 2.0  # Ramer-Douglas-Peucker tolerance, in pixels of the 0..255 frame


def normalise(ink: Ink) -> list[np.ndarray]:
    """Align the drawing to min x = min y = 0 and scale it uniformly so its larger extent is 255.

    Returns one (n, 2) float64 array per stroke; a drawing with zero extent (a single dot) lands at 0.
    """
    strokes = [stroke.points for stroke in ink]
    everything = np.concatenate(strokes)
    low = everything.min(axis=0)
    extent = float((everything.max(axis=0) - low).max())
    if extent == 0:
        return [np.zeros_like(points) for points in strokes]
    # (p - low) * 255 / extent, in this order, matches Google's output more often than * (255 / extent)
    return [(points - low) * SIMPLIFIED_MAX / extent for points in strokes]


def resample(points: np.ndarray, spacing: float = RESAMPLE_SPACING) -> np.ndarray:
    """Points every ``spacing`` along the arc length of an (n, 2) polyline, plus its last point.

    A stroke of one point (or of zero length) comes back as that point twice, as in Google's data.
    """
    steps = np.hypot(*np.diff(points, axis=0).T)
    moving = np.concatenate([[True], steps > 0])
    arc = np.concatenate([[0.0], np.cumsum(steps)])[moving]
    samples = np.arange(0.0, arc[-1], spacing) if arc[-1] > 0 else np.zeros(1)
    xs = np.interp(samples, arc, points[moving, 0])
    ys = np.interp(samples, arc, points[moving, 1])
    return np.concatenate([np.stack([xs, ys], axis=1), points[-1:]])


def simplify_points(points: np.ndarray, epsilon: float = RDP_EPSILON) -> np.ndarray:
    """Resample one normalised stroke at 1 px, simplify it with RDP and round to integers."""
    dense = resample(points)
    return np.round(dense[rdp_mask(dense, epsilon)])


def simplify(ink: Ink) -> Ink:
    """Google's simplification of any ink: align, scale to 0..255, resample at 1 px, RDP(2.0), round."""
    strokes = []
    for points in normalise(ink):
        kept = simplify_points(points)
        strokes.append(Stroke(kept[:, 0], kept[:, 1]))
    return Ink(tuple(strokes))


def is_simplified(ink: Ink) -> bool:
    """True when ink already is in the simplified format: no times, integer coordinates in 0..255."""
    if ink.has_times:
        return False
    for stroke in ink:
        for values in (stroke.xs, stroke.ys):
            if values.min() < 0 or values.max() > SIMPLIFIED_MAX:
                return False
            if not np.array_equal(values, np.round(values)):
                return False
    return True


def simplify_ink(ink: Ink) -> Ink:
    """Simplified ink for any input: already simplified ink comes back unchanged, the rest is simplified."""
    return ink if is_simplified(ink) else simplify(ink)
