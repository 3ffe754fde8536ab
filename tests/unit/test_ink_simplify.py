"""Normalise + simplify like Quick, Draw!: invariances, 0..255 integers, degenerate ink, idempotent path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.ink import Ink, is_simplified, normalise, parse_ink, resample, simplify, simplify_ink

coordinate = st.integers(-400, 1500)


@st.composite
def raw_inks(draw: st.DrawFn) -> list:
    """Raw Quick, Draw! ink: 1..6 strokes of 1..40 integer canvas points with increasing times."""
    strokes, clock = [], 0
    for _ in range(draw(st.integers(1, 6))):
        n = draw(st.integers(1, 40))
        xs = draw(st.lists(coordinate, min_size=n, max_size=n))
        ys = draw(st.lists(coordinate, min_size=n, max_size=n))
        ts = [clock + 10 * i for i in range(n)]
        clock = ts[-1] + 100
        strokes.append([xs, ys, ts])
    return strokes


def _moved(raw: list, dx: float, dy: float, factor: float) -> list:
    return [[[x * factor + dx for x in xs], [y * factor + dy for y in ys], ts] for xs, ys, ts in raw]


@settings(max_examples=80, deadline=None)
@given(raw_inks())
def test_output_is_integers_in_0_255_with_at_least_two_points_per_stroke(raw: list) -> None:
    ink = simplify(parse_ink(raw))
    assert len(ink) == len(raw) and not ink.has_times
    for stroke in ink:
        assert len(stroke) >= 2
        for values in (stroke.xs, stroke.ys):
            assert values.min() >= 0 and values.max() <= 255
            assert np.array_equal(values, np.round(values))
    assert is_simplified(ink)


@settings(max_examples=60, deadline=None)
@given(raw_inks(), st.integers(-300, 300), st.integers(-300, 300), st.sampled_from([0.25, 0.5, 2.0, 4.0]))
def test_exact_moves_and_power_of_two_scales_change_nothing(raw, dx, dy, factor) -> None:
    assert simplify(parse_ink(_moved(raw, dx, dy, factor))) == simplify(parse_ink(raw))


@settings(max_examples=60, deadline=None)
@given(
    raw_inks(),
    st.floats(-500, 500, allow_nan=False),
    st.floats(-500, 500, allow_nan=False),
    st.floats(0.1, 10, allow_nan=False),
)
def test_normalised_output_is_invariant_under_moves_and_scales_up_to_one_pixel(raw, dx, dy, factor) -> None:
    before = normalise(parse_ink(raw))
    after = normalise(parse_ink(_moved(raw, dx, dy, factor)))
    for a, b in zip(before, after, strict=True):
        assert np.allclose(a, b, atol=1e-6)
        assert np.abs(np.round(a) - np.round(b)).max() <= 1


@settings(max_examples=60, deadline=None)
@given(raw_inks())
def test_normalised_ink_spans_0_to_255_on_its_longer_side(raw: list) -> None:
    points = np.concatenate(normalise(parse_ink(raw)))
    assert points.min(axis=0).tolist() == [0.0, 0.0]
    extent = np.ptp(np.concatenate([np.array(s[:2]).T for s in raw]), axis=0)
    assert points.max() == pytest.approx(255.0 if extent.max() > 0 else 0.0)


def test_a_single_dot_lands_at_the_origin_twice() -> None:
    assert simplify(parse_ink([[[512.5], [300], [0]]])).to_lists() == [[[0, 0], [0, 0]]]


def test_zero_extent_drawing_does_not_divide_by_zero() -> None:
    ink = simplify(parse_ink([[[7, 7, 7], [9, 9, 9]], [[7], [9]]]))
    assert ink.to_lists() == [[[0, 0], [0, 0]], [[0, 0], [0, 0]]]


def test_a_horizontal_line_keeps_zero_height() -> None:
    assert simplify(parse_ink([[[100, 150, 300], [40, 40, 40]]])).to_lists() == [[[0, 255], [0, 0]]]


def test_a_square_keeps_its_corners() -> None:
    square = [[[0, 100, 100, 0, 0], [0, 0, 100, 100, 0], [0, 10, 20, 30, 40]]]
    assert simplify(parse_ink(square)).to_lists() == [[[0, 255, 255, 0, 0], [0, 0, 255, 255, 0]]]


def test_resample_spaces_points_one_pixel_apart_along_the_stroke() -> None:
    points = np.array([[0.0, 0.0], [3.5, 0.0], [3.5, 2.0]])
    # arc lengths 0, 1, 2, 3, 4, 5, then the last point (arc 5.5); the corner (arc 3.5) is not a sample
    expected = [[0, 0], [1, 0], [2, 0], [3, 0], [3.5, 0.5], [3.5, 1.5], [3.5, 2]]
    assert resample(points).tolist() == expected


def test_resample_of_a_point_doubles_it() -> None:
    assert resample(np.array([[4.0, 5.0]])).tolist() == [[4, 5], [4, 5]]
    assert resample(np.array([[4.0, 5.0], [4.0, 5.0]])).tolist() == [[4, 5], [4, 5]]


def test_simplified_ink_passes_through_unchanged() -> None:
    ink = parse_ink([[[0, 120, 255], [3, 90, 10]], [[50], [60]]])
    assert is_simplified(ink)
    assert simplify_ink(ink) is ink


@pytest.mark.parametrize(
    "data",
    [
        [[[0, 120, 256], [3, 90, 10]]],  # beyond 255
        [[[0, 120.5], [3, 90]]],  # not integers
        [[[-1, 120], [3, 90]]],  # negative
        [[[0, 120], [3, 90], [0, 10]]],  # has times: raw
    ],
)
def test_anything_else_is_simplified(data: list) -> None:
    ink = parse_ink(data)
    assert not is_simplified(ink)
    out = simplify_ink(ink)
    assert out == simplify(ink) and is_simplified(out)


def test_simplify_is_idempotent_on_its_own_output_for_a_plain_shape() -> None:
    zigzag = [[[0, 40, 80, 120, 160], [0, 60, 0, 60, 0], [0, 1, 2, 3, 4]]]
    once = simplify(parse_ink(zigzag))
    assert simplify(once) == once
    assert isinstance(once, Ink)
