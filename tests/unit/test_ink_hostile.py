"""Hostile but valid ink: the work of simplifying a drawing is bounded (issue 11, denial of service).

Asserted on deterministic work measures, not on time: a drawing is refused by ``parse_ink`` (before
any resampling) when its normalised length passes ``MAX_INK_LENGTH``; what passes resamples to at most
that many points, and RDP's work stays within ``RDP_MAX_WORK`` plus one chord-halving pass per depth.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.datasets.quickdraw import read_ndjson
from inkling.ink import MAX_INK_LENGTH, MAX_POINTS, InkError, ink_to_bitmap, parse_ink
from inkling.ink.ragged import flat_points
from inkling.ink.rdp import DEPTH_WORK, RDP_MAX_WORK, rdp_keep, rdp_run
from inkling.ink.simplify import RDP_EPSILON, normalise_arrays, normalised_length, resample_arrays

# the mirror's drawings, and the share of MAX_INK_LENGTH the longest one may measure: the limit is 3x
# the longest raw drawing (35,928); simplified ones pass through unresampled (the longest: 77,981)
MIRROR_FILES = [
    ("quickdraw/quickdraw_raw_sample.ndjson.gz", 1 / 3),
    ("quickdraw_extra/quickdraw_strokes_more_raw.ndjson.gz", 1 / 3),
    ("quickdraw/quickdraw_simplified_sample.ndjson.gz", 1 / 3),
    ("quickdraw_extra/quickdraw_strokes_more_nokeyid.ndjson.gz", 1 / 3),
    ("quickdraw_extra/quickdraw_strokes_more.ndjson.gz", 2 / 3),
]


def _raw(xs: np.ndarray, ys: np.ndarray) -> list:
    """One raw stroke [xs, ys, ts] of plain JSON numbers, a point every millisecond."""
    return [[np.round(xs, 2).tolist(), np.round(ys, 2).tolist(), list(range(len(xs)))]]


def sawtooth(n: int = MAX_POINTS) -> list:
    """Every point on the other side of a 1000 px canvas, creeping down: 20,000 full-width teeth."""
    i = np.arange(n)
    return _raw(np.where(i % 2, 1000.0, 0.0), i * 1000.0 / n)


def zigzag(n: int = MAX_POINTS) -> list:
    """Back and forth along one 1000 px line."""
    return _raw(np.where(np.arange(n) % 2, 1000.0, 0.0), np.zeros(n))


def spiral(n: int = MAX_POINTS) -> list:
    """A tight spiral of 200 turns, from a radius of 500 px to the centre."""
    i = np.arange(n)
    radius, angle = 500.0 * (1 - i / n), 2 * np.pi * 200 * i / n
    return _raw(500 + radius * np.cos(angle), 500 + radius * np.sin(angle))


def random_walk(n: int = MAX_POINTS) -> list:
    """Steps of 3 px in random directions (seeded)."""
    angle = np.random.default_rng(11).uniform(0, 2 * np.pi, n)
    return _raw(np.cumsum(3 * np.cos(angle)), np.cumsum(3 * np.sin(angle)))


def _dense(ink: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The drawing normalised and resampled at 1 px, as simplification does before RDP."""
    xs, ys, lengths = flat_points(parse_ink(ink))
    return resample_arrays(*normalise_arrays(xs, ys), lengths)


def _rdp_work_bound(points: int) -> int:
    """Most work ``rdp_run`` may do on ``points``: the budget, then chords halved at every depth."""
    return RDP_MAX_WORK + (math.ceil(math.log2(max(points, 2))) + 1) * (points + DEPTH_WORK)


def _assert_within_epsilon(xs: np.ndarray, ys: np.ndarray, keep: np.ndarray, epsilon: float) -> None:
    """Every dropped point is within ``epsilon`` of the line through its kept neighbours."""
    kept, every = np.flatnonzero(keep), np.arange(len(xs))
    a = kept[np.searchsorted(kept, every, side="right") - 1]  # the kept point at or before each point
    b = kept[np.searchsorted(kept, every)]  # and at or after it (the last point is always kept)
    dx, dy = xs[b] - xs[a], ys[b] - ys[a]
    length = np.hypot(dx, dy)
    with np.errstate(divide="ignore", invalid="ignore"):
        line = np.abs(dx * (ys[a] - ys) - dy * (xs[a] - xs)) / length
    distance = np.where(length > 0, line, np.hypot(xs - xs[a], ys - ys[a]))
    assert (distance[~keep] <= epsilon + 1e-9).all()


@pytest.mark.parametrize("shape", [sawtooth, zigzag])
def test_ink_too_long_once_normalised_is_refused_before_any_resampling(shape) -> None:
    ink = shape()
    assert sum(len(stroke[0]) for stroke in ink) == MAX_POINTS  # within every other limit
    with pytest.raises(InkError, match=r"the drawing is too long/complex \(5,099,745 px of strokes"):
        parse_ink(ink)  # parse_ink resamples nothing: the refusal costs O(points)
    with pytest.raises(InkError, match=f"more than the limit of {MAX_INK_LENGTH:,}"):
        ink_to_bitmap(ink)


def test_a_tight_spiral_is_simplified_within_the_rdp_budget() -> None:
    xs, ys, lengths = _dense(spiral())
    assert len(xs) <= MAX_INK_LENGTH + 2 * len(lengths)  # resampled points: about its length (80,198)
    run = rdp_run(xs, ys, lengths, RDP_EPSILON)
    assert not run.exact  # farthest-point splits alone would take some 22 million distances
    assert RDP_MAX_WORK < run.work <= _rdp_work_bound(len(xs))
    _assert_within_epsilon(xs, ys, run.keep, RDP_EPSILON)
    assert ink_to_bitmap(spiral()).max() == 255


def test_a_random_walk_is_simplified_exactly() -> None:
    xs, ys, lengths = _dense(random_walk())
    assert len(xs) <= MAX_INK_LENGTH
    run = rdp_run(xs, ys, lengths, RDP_EPSILON)
    assert run.exact and run.work <= RDP_MAX_WORK
    assert np.array_equal(run.keep, rdp_run(xs, ys, lengths, RDP_EPSILON, max_work=10**12).keep)
    assert ink_to_bitmap(random_walk()).max() == 255


def test_the_length_limit_is_exact_and_ignores_the_jumps_between_strokes() -> None:
    across = MAX_INK_LENGTH // 255  # full-width segments of 255 px that fit
    i = np.arange(across + 1)
    assert parse_ink(_raw(np.where(i % 2, 255.0, 0.0), np.zeros(across + 1))).num_points == across + 1
    i = np.arange(across + 2)
    with pytest.raises(InkError, match="too long/complex"):
        parse_ink(_raw(np.where(i % 2, 255.0, 0.0), np.zeros(across + 2)))
    apart = [[[0, 10], [0, 0], [0, 5]], [[990, 1000], [0, 0], [9, 14]]]  # 1000 px extent, 20 px drawn
    xs, ys, lengths = flat_points(parse_ink(apart))
    assert normalised_length(xs, ys, lengths) == pytest.approx(20 * 255 / 1000)
    assert normalised_length(np.array([5.0]), np.array([5.0]), np.array([1])) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1, max_size=60),
    st.integers(0, 10_000),
)
def test_past_its_budget_rdp_still_keeps_every_point_it_drops_within_epsilon(points, max_work) -> None:
    pts = np.array(points, dtype=float)
    xs, ys, lengths = pts[:, 0].copy(), pts[:, 1].copy(), np.array([len(pts)])
    run = rdp_run(xs, ys, lengths, RDP_EPSILON, max_work=max_work)
    assert run.keep[0] and run.keep[-1]
    _assert_within_epsilon(xs, ys, run.keep, RDP_EPSILON)
    if run.exact:
        assert np.array_equal(run.keep, rdp_keep(xs, ys, lengths, RDP_EPSILON))


@pytest.mark.parametrize(("name", "share"), MIRROR_FILES, ids=[Path(name).name for name, _ in MIRROR_FILES])
def test_no_real_drawing_is_refused_and_the_longest_simplify_exactly(
    data_dir: Path, name: str, share: float
) -> None:
    inks = [parse_ink(record["drawing"], strict_times=False) for record in read_ndjson(data_dir / name)]
    lengths = [normalised_length(*flat_points(ink)) for ink in inks]
    assert max(lengths) <= MAX_INK_LENGTH * share
    for index in np.argsort(lengths)[-5:]:
        xs, ys, strokes = flat_points(inks[index])
        assert rdp_run(*resample_arrays(*normalise_arrays(xs, ys), strokes), RDP_EPSILON).exact
