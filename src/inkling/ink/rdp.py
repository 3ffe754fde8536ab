"""Ramer-Douglas-Peucker polyline simplification, numpy-vectorised over every stroke of a drawing.

The classic recursion splits a chord at its farthest point; every chord's split depends only on that
chord, so all chords of one recursion depth (of all strokes) are worked out together: one round of
numpy calls per depth instead of a Python loop iteration per chord.

Its work is bounded: the recursion costs up to (points x depth), and a hostile drawing (a tight spiral,
peeled half a turn per depth) can make that tens of millions of distances. Once ``RDP_MAX_WORK`` is
spent, the chords still open are split at their middle instead of their farthest point: at most
log2(points) more depths, and every dropped point is still within epsilon of its chord's line.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from inkling.ink.ragged import starts_of

RDP_MAX_WORK = 2_000_000  # work done farthest-point style (real drawings: at most 1.12 M, see docs/INK.md)
DEPTH_WORK = 2_000  # one depth's round of numpy calls, counted as this many distances (its fixed cost)
BATCH = 8_192  # points whose distances are worked out together (arrays that stay in the CPU's cache)


class RdpRun(NamedTuple):
    """What ``rdp_run`` kept, and the work it took."""

    keep: np.ndarray  # bool, one per point
    work: int  # point-to-chord distances worked out, plus DEPTH_WORK per depth
    exact: bool  # False when the budget ran out and the chords left were split at their middle


Line = tuple[np.ndarray, ...]  # sx, sy, dx, dy, length: a chord's start, direction and its length


def _chords(xs: np.ndarray, ys: np.ndarray, first: np.ndarray | int, last: np.ndarray | int) -> Line:
    """The line of each chord ``first -> last`` (of one chord, for ints)."""
    sx, sy = xs[first], ys[first]
    dx, dy = xs[last] - sx, ys[last] - sy
    return sx, sy, dx, dy, np.hypot(dx, dy)


def _line_distances(line: Line, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Distance of each point ``p`` to the infinite ``line`` (given once per point, or once for all), or
    to the line's start when its direction is zero."""
    sx, sy, dx, dy, length = line
    with np.errstate(divide="ignore", invalid="ignore"):
        distances = np.abs(dx * (sy - py) - dy * (sx - px)) / length
    flat = np.isnan(distances)  # 0 / 0: a chord of zero length
    if flat.any():
        distances[flat] = np.hypot(px - sx, py - sy)[flat]
    return distances


def _farthest_of_batch(
    xs: np.ndarray, ys: np.ndarray, first: np.ndarray, last: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``_farthest`` of chords all at once, their inner points gathered into flat arrays."""
    bounds = starts_of(counts)
    chord = np.repeat(np.arange(len(first)), counts)
    inner = np.arange(len(chord)) + (first + 1 - bounds)[chord]
    line = tuple(values[chord] for values in _chords(xs, ys, first, last))
    distances = _line_distances(line, xs[inner], ys[inner])
    farthest = np.maximum.reduceat(distances, bounds)
    most = distances == farthest[chord]
    return farthest, np.minimum.reduceat(np.where(most, inner, len(xs)), bounds)  # the first that far


def _farthest_of_long(xs: np.ndarray, ys: np.ndarray, first: int, last: int) -> tuple[float, int]:
    """``_farthest`` of one long chord, ``BATCH`` inner points at a time (slices of ``xs``, ``ys``)."""
    line = _chords(xs, ys, first, last)
    best, split = -1.0, first
    for start in range(first + 1, last, BATCH):
        end = min(start + BATCH, last)
        distances = _line_distances(line, xs[start:end], ys[start:end])
        index = int(np.argmax(distances))  # the first of equally far points
        if distances[index] > best:
            best, split = float(distances[index]), start + index
    return best, split


def _farthest(
    xs: np.ndarray, ys: np.ndarray, first: np.ndarray, last: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each chord ``first -> last`` of ``counts`` inner points (at least one): the largest distance
    of its inner points to its line, and the first point that far.

    Worked out about ``BATCH`` points at a time, so that the arrays stay in the CPU's cache (a depth's
    points all at once are several times slower): a chord of more inner points alone, on slices of
    ``xs`` and ``ys``; the others in groups, their points gathered.
    """
    if counts.sum() <= BATCH:  # most depths of most drawings
        return _farthest_of_batch(xs, ys, first, last, counts)
    farthest = np.empty(len(first))
    split = np.empty(len(first), dtype=np.int64)
    long_ = counts > BATCH
    for k in np.flatnonzero(long_).tolist():
        farthest[k], split[k] = _farthest_of_long(xs, ys, int(first[k]), int(last[k]))
    short = np.flatnonzero(~long_)
    batch_of = (np.cumsum(counts[short]) - 1) // BATCH
    for group in np.split(short, np.flatnonzero(np.diff(batch_of)) + 1):
        if len(group):
            batch = first[group], last[group], counts[group]
            farthest[group], split[group] = _farthest_of_batch(xs, ys, *batch)
    return farthest, split


def rdp_run(
    xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray, epsilon: float, max_work: int = RDP_MAX_WORK
) -> RdpRun:
    """RDP with ``epsilon`` of strokes of ``lengths`` points laid end to end in ``xs``, ``ys``, within a
    budget of ``max_work`` (see ``RdpRun.work``).

    Distances are to the infinite line through the chord (to the chord's start when it has zero
    length); the first point farthest from the chord is split on when it is farther than
    ``epsilon``; each stroke's end points are always kept. A depth that would take the work past
    ``max_work`` splits its chords at their middle point instead, and so do all depths after it.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    keep = np.zeros(len(xs), dtype=bool)
    lengths = lengths[lengths > 0]
    if not len(lengths):
        return RdpRun(keep, 0, True)
    first = starts_of(lengths)
    last = first + lengths - 1
    keep[first] = keep[last] = True
    work, exact = 0, True
    while True:
        open_ = last - first >= 2
        first, last = first[open_], last[open_]
        if not len(first):
            return RdpRun(keep, work, exact)
        counts = last - first - 1  # inner points per chord
        total = int(counts.sum())
        exact = exact and work + total + DEPTH_WORK <= max_work
        work += total + DEPTH_WORK
        farthest, split = _farthest(xs, ys, first, last, counts)
        far = farthest > epsilon
        split = split[far] if exact else (first[far] + last[far]) // 2
        keep[split] = True
        first, last = np.concatenate([first[far], split]), np.concatenate([split, last[far]])


def rdp_keep(xs: np.ndarray, ys: np.ndarray, lengths: np.ndarray, epsilon: float) -> np.ndarray:
    """Boolean mask of the points that RDP with ``epsilon`` keeps, for strokes of ``lengths`` points
    laid end to end in ``xs``, ``ys`` (``rdp_run`` within ``RDP_MAX_WORK``)."""
    return rdp_run(xs, ys, lengths, epsilon).keep


def rdp_mask(points: np.ndarray, epsilon: float) -> np.ndarray:
    """Boolean mask of the points of an (n, 2) polyline that RDP with ``epsilon`` keeps (see ``rdp_keep``)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return rdp_keep(points[:, 0], points[:, 1], np.array([len(points)]), epsilon)


def rdp(points: np.ndarray, epsilon: float) -> np.ndarray:
    """The points of an (n, 2) polyline kept by Ramer-Douglas-Peucker with ``epsilon``."""
    points = np.asarray(points, dtype=np.float64)
    return points[rdp_mask(points, epsilon)]
