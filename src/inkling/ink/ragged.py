"""A drawing as flat arrays: all strokes' points concatenated, plus each stroke's point count.

The vectorised steps of the pipeline (parse, resample, RDP, rasterise) work on this form, so their
numpy calls cover the whole drawing at once instead of one stroke at a time.
"""

from __future__ import annotations

import numpy as np

from inkling.ink.model import Ink, Stroke


def starts_of(counts: np.ndarray) -> np.ndarray:
    """Where each group of ``counts`` consecutive items starts in the flat array."""
    return np.cumsum(counts) - counts


def ragged_arange(counts: np.ndarray) -> np.ndarray:
    """``np.arange(c)`` for each ``c`` in ``counts``, concatenated (``[2, 3]`` -> ``[0, 1, 0, 1, 2]``)."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(int(counts.sum())) - np.repeat(starts_of(counts), counts)


def flat_points(ink: Ink) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All x, all y (float64) and the points per stroke (int64) of ``ink``."""
    if len(ink) == 1:
        stroke = ink[0]
        return stroke.xs, stroke.ys, np.array([len(stroke)])
    xs = np.concatenate([stroke.xs for stroke in ink])
    ys = np.concatenate([stroke.ys for stroke in ink])
    return xs, ys, np.array([len(stroke) for stroke in ink])


def split_strokes(lengths: np.ndarray, *axes: np.ndarray) -> Ink:
    """The ``Ink`` whose strokes are consecutive runs of ``lengths`` points of ``axes`` (xs, ys[, ts])."""
    frozen = []
    for axis in axes:
        axis = np.array(axis, dtype=np.float64)  # a private copy, made read-only: strokes share it
        axis.flags.writeable = False
        frozen.append(axis)
    ends = np.cumsum(lengths).tolist()
    bounds = zip([0, *ends[:-1]], ends, strict=True)
    return Ink(tuple(Stroke.of_frozen(*(axis[a:b] for axis in frozen)) for a, b in bounds))
