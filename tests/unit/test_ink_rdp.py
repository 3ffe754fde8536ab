"""Ramer-Douglas-Peucker: the classic algorithm, distances to the chord's line, first farthest point."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.ink import rdp, rdp_mask


def test_straight_line_collapses_to_its_ends() -> None:
    line = np.stack([np.arange(10.0), 2 * np.arange(10.0)], axis=1)
    assert rdp(line, 2.0).tolist() == [[0, 0], [9, 18]]


def test_a_corner_is_kept() -> None:
    corner = np.array([[0, 0], [5, 0], [10, 0], [10, 5], [10, 10]], dtype=float)
    assert rdp(corner, 2.0).tolist() == [[0, 0], [10, 0], [10, 10]]


def test_epsilon_is_a_strict_bound() -> None:
    bump = np.array([[0, 0], [5, 2.0], [10, 0]])
    assert rdp(bump, 2.0).tolist() == [[0, 0], [10, 0]]
    assert rdp(np.array([[0, 0], [5, 2.001], [10, 0]]), 2.0).tolist() == [[0, 0], [5, 2.001], [10, 0]]


def test_distance_is_to_the_infinite_line_not_the_segment() -> None:
    # (20, 1) lies beyond the chord's end but only 1 px from its line: dropped
    overshoot = np.array([[0, 0], [20, 1], [10, 0]], dtype=float)
    assert rdp(overshoot, 2.0).tolist() == [[0, 0], [10, 0]]


def test_closed_stroke_measures_from_the_start() -> None:
    loop = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=float)
    assert rdp(loop, 2.0).tolist() == loop.tolist()


def test_the_first_of_equally_far_points_wins() -> None:
    plateau = np.array([[0, 0], [2, 5], [4, 5], [6, 5], [8, 0]], dtype=float)
    assert rdp(plateau, 2.0).tolist() == [[0, 0], [2, 5], [6, 5], [8, 0]]


def test_short_inputs() -> None:
    assert rdp_mask(np.zeros((0, 2)), 2.0).tolist() == []
    assert rdp(np.array([[3.0, 4.0]]), 2.0).tolist() == [[3, 4]]
    assert rdp(np.array([[3.0, 4.0], [3.0, 4.0]]), 2.0).tolist() == [[3, 4], [3, 4]]


def _line_distance(point: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    if not d.any():
        return float(np.hypot(*(point - a)))
    return float(abs(d[0] * (point[1] - a[1]) - d[1] * (point[0] - a[0])) / np.hypot(*d))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1, max_size=40),
    st.sampled_from([0.5, 2.0, 5.0]),
)
def test_every_dropped_point_is_within_epsilon_of_its_kept_neighbours_line(points, epsilon) -> None:
    pts = np.array(points, dtype=float)
    keep = rdp_mask(pts, epsilon)
    assert keep[0] and keep[-1]
    kept = np.flatnonzero(keep)
    for a, b in pairwise(kept):
        for i in range(a + 1, b):
            assert _line_distance(pts[i], pts[a], pts[b]) <= epsilon + 1e-9
    assert np.array_equal(rdp(pts[keep], epsilon), pts[keep])  # idempotent
