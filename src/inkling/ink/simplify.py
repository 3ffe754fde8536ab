"""Normalise and simplify ink exactly as Google made the Quick, Draw! "simplified" data set.

Every step works on the whole drawing at once (flat arrays, see :mod:`inkling.ink.ragged`) and gives
bit for bit what the per-stroke recipe gives: ``np.interp`` along each stroke's own arc length, then
RDP per stroke.
"""

from __future__ import annotations

import numpy as np

from inkling.ink.model import Ink
from inkling.ink.ragged import flat_points, ragged_arange, split_strokes, starts_of
from inkling.ink.rdp import rdp_keep

SIMPLIFIED_MAX = 255  # simplified coordinates are integers in 0..255
RESAMPLE_SPACING = 1.0  # pixels between resampled points (in the 0..255 frame)
RDP_EPSILON = 2.0  # Ramer-Douglas-Peucker tolerance, in pixels of the 0..255 frame

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]  # all xs, all ys, points per stroke


def normalise_arrays(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Align to min x = min y = 0 and scale uniformly so the larger extent is 255 (zero extent: all 0)."""
    low_x, low_y = xs.min(), ys.min()
    extent = float(max(xs.max() - low_x, ys.max() - low_y))
    if extent == 0:
        return np.zeros_like(xs), np.zeros_like(ys)
    # (p - low) * 255 / extent, in this order, matches Google's output more often than * (255 / extent)
    return (xs - low_x) * SIMPLIFIED_MAX / extent, (ys - low_y) * SIMPLIFIED_MAX / extent


def normalised_length(xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray) -> float:
    """Length of all strokes together once normalised (``normalise_arrays``): about the number of points
    resampling at 1 px makes of them (each stroke adds one or two). O(points), nothing resampled."""
    extent = float(max(xs.max() - xs.min(), ys.max() - ys.min()))
    if extent == 0:
        return 0.0
    steps = np.hypot(np.diff(xs), np.diff(ys))
    steps[np.cumsum(lengths)[:-1] - 1] = 0.0  # from one stroke's last point to the next one's first
    return float(steps.sum()) * SIMPLIFIED_MAX / extent


def normalise(ink: Ink) -> list[np.ndarray]:
    """Align the drawing to min x = min y = 0 and scale it uniformly so its larger extent is 255.

    Returns one (n, 2) float64 array per stroke; a drawing with zero extent (a single dot) lands at 0.
    """
    xs, ys, lengths = flat_points(ink)
    points = np.stack(normalise_arrays(xs, ys), axis=1)
    return np.split(points, np.cumsum(lengths)[:-1])


def _arc_lengths(steps: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each point's arc length from its stroke's start: a cumulative sum that restarts at 0 per stroke
    (summed stroke by stroke, so the values are exactly those of one ``np.cumsum`` per stroke)."""
    arc = np.zeros(len(steps) + 1)
    for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
        if length > 1:
            np.cumsum(steps[start : start + length - 1], out=arc[start + 1 : start + length])
    return arc


def _samples_at_or_after(arc: np.ndarray, spacing: float) -> np.ndarray:
    """For each arc length, the index of the first sample ``i * spacing`` that is not below it."""
    index = np.ceil(arc / spacing)
    index += arc > index * spacing  # the float division may land one sample off: check both ways
    index -= (index > 0) & (arc <= (index - 1) * spacing)
    return index.astype(np.int64)


def resample_arrays(
    xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray, spacing: float = RESAMPLE_SPACING
) -> Arrays:
    """``resample`` of every stroke of flat arrays; returns the resampled strokes as flat arrays."""
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = starts_of(lengths)
    ends = starts + lengths
    steps = np.hypot(np.diff(xs), np.diff(ys))
    arc = _arc_lengths(steps, starts, lengths)
    moving = np.empty(len(xs), dtype=bool)  # a stroke's first point, and every point that moved
    moving[1:] = steps > 0
    moving[starts] = True
    total = arc[ends - 1]
    samples = np.where(total > 0, np.ceil(total / spacing), 1).astype(np.int64)  # len(np.arange(0, total))
    sample_stroke = np.repeat(np.arange(len(lengths)), samples)
    at = ragged_arange(samples) * spacing
    # the interpolation of np.interp(at, arc, x) per stroke: j = the last knot of the stroke at or before
    # each sample, counted with a histogram of where each knot falls among its stroke's samples
    knot_arc, knot_x, knot_y = arc[moving], xs[moving], ys[moving]
    knots = np.add.reduceat(moving, starts, dtype=np.int64)
    knot_stroke = np.repeat(np.arange(len(lengths)), knots)
    sample_starts = starts_of(samples)
    slot = sample_starts[knot_stroke] + np.minimum(
        _samples_at_or_after(knot_arc, spacing), samples[knot_stroke]
    )
    j = np.cumsum(np.bincount(slot, minlength=len(at) + 1))[: len(at)] - 1
    last_knot = (starts_of(knots) + knots - 1)[sample_stroke]
    after = np.minimum(j + 1, last_knot)
    on_knot = (knot_arc[j] == at) | (j == last_knot)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = knot_arc[after] - knot_arc[j]
        offset = at - knot_arc[j]
        new_x = (knot_x[after] - knot_x[j]) / width * offset + knot_x[j]
        new_y = (knot_y[after] - knot_y[j]) / width * offset + knot_y[j]
    new_x[on_knot] = knot_x[j][on_knot]
    new_y[on_knot] = knot_y[j][on_knot]
    # each stroke: its samples, then its last point
    out_x = np.empty(len(at) + len(lengths))
    out_y = np.empty_like(out_x)
    placed = np.arange(len(at)) + sample_stroke
    tails = sample_starts + samples + np.arange(len(lengths))
    out_x[placed], out_y[placed] = new_x, new_y
    out_x[tails], out_y[tails] = xs[ends - 1], ys[ends - 1]
    return out_x, out_y, samples + 1


def resample(points: np.ndarray, spacing: float = RESAMPLE_SPACING) -> np.ndarray:
    """Points every ``spacing`` along the arc length of an (n, 2) polyline, plus its last point.

    A stroke of one point (or of zero length) comes back as that point twice, as in Google's data.
    """
    points = np.asarray(points, dtype=np.float64)
    xs, ys, _ = resample_arrays(points[:, 0], points[:, 1], np.array([len(points)]), spacing)
    return np.stack([xs, ys], axis=1)


def simplify_arrays(
    xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray, epsilon: float = RDP_EPSILON
) -> Arrays:
    """Google's simplification of flat arrays: align, scale to 0..255, resample at 1 px, RDP, round."""
    dense_x, dense_y, dense_lengths = resample_arrays(*normalise_arrays(xs, ys), lengths)
    keep = rdp_keep(dense_x, dense_y, dense_lengths, epsilon)
    kept = np.add.reduceat(keep, starts_of(dense_lengths), dtype=np.int64)
    return np.round(dense_x[keep]), np.round(dense_y[keep]), kept


def simplify(ink: Ink) -> Ink:
    """Google's simplification of any ink: align, scale to 0..255, resample at 1 px, RDP(2.0), round."""
    xs, ys, lengths = simplify_arrays(*flat_points(ink))
    return split_strokes(lengths, xs, ys)


def arrays_are_simplified(xs: np.ndarray, ys: np.ndarray) -> bool:
    """True when every coordinate is an integer in 0..255."""
    for values in (xs, ys):
        if values.min() < 0 or values.max() > SIMPLIFIED_MAX or not np.array_equal(values, np.round(values)):
            return False
    return True


def is_simplified(ink: Ink) -> bool:
    """True when ink already is in the simplified format: no times, integer coordinates in 0..255."""
    return not ink.has_times and arrays_are_simplified(*flat_points(ink)[:2])


def simplify_ink(ink: Ink) -> Ink:
    """Simplified ink for any input: already simplified ink comes back unchanged, the rest is simplified."""
    return ink if is_simplified(ink) else simplify(ink)


def simplified_arrays(ink: Ink) -> Arrays:
    """The flat arrays of ``simplify_ink(ink)``, without building its strokes."""
    xs, ys, lengths = flat_points(ink)
    if not ink.has_times and arrays_are_simplified(xs, ys):
        return xs, ys, lengths
    return simplify_arrays(xs, ys, lengths)
