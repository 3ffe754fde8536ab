"""parse_ink: every rejection names what is wrong and where; valid ink becomes an immutable Ink."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.ink import MAX_ABS_COORD, MAX_POINTS, MAX_STROKES, Ink, InkError, Stroke, parse_ink
from inkling.ink.parse import _parse_strokes

RAW = [[[10, 20, 30], [5, 5, 6], [0, 16, 40]], [[1.5, 2.5], [7, 8], [100, 120]]]
SIMPLIFIED = [[[0, 255], [0, 100]], [[30], [40]]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"drawing": []}, "ink must be a list of strokes, got dict"),
        ("[[1, 2], [3, 4]]", "ink must be a list of strokes, got str"),
        (None, "ink must be a list of strokes, got NoneType"),
        ([], "ink has no strokes"),
        ([[[1], [2]], 7], "stroke 1: must be a list [xs, ys] or [xs, ys, ts], got int"),
        ([[[1], [2], [0], [0]]], "stroke 0: expected 2 arrays [xs, ys] or 3 arrays [xs, ys, ts], got 4"),
        ([[[1]]], "stroke 0: expected 2 arrays"),
        ([[[1], [2], [0]], [[1], [2]]], "stroke 1: has 2 arrays but stroke 0 has 3"),
        ([[[], []]], "stroke 0: xs is empty"),
        ([[[1], [2]], [[1, 2], []]], "stroke 1: ys is empty"),
        ([[[1, 2, 3], [1, 2]]], "stroke 0: xs has 3 points but ys has 2"),
        ([[[1, 2], [1, 2], [0]]], "stroke 0: xs has 2 points but ts has 1"),
        ([[[1, "a"], [1, 2]]], "stroke 0: xs[1] is not a number ('a')"),
        ([[[1, 2], [None, 2]]], "stroke 0: ys[0] is not a number (None)"),
        ([[[1, True], [1, 2]]], "stroke 0: xs[1] is not a number (True)"),
        ([[["1", "2"], [1, 2]]], "stroke 0: xs[0] is not a number ('1')"),
        ([[[1, [2]], [1, 2]]], "stroke 0: xs[1] is not a number ([2])"),
        ([[[[1, 2]], [[1, 2]]]], "stroke 0: xs must be a flat list of numbers"),
        ([[5, [1, 2]]], "stroke 0: xs must be a list of numbers, got int"),
        ([[[1, float("nan")], [1, 2]]], "stroke 0: xs[1] is not finite (nan)"),
        ([[[1, 2], [float("inf"), 2]]], "stroke 0: ys[0] is not finite (inf)"),
        ([[[1, 2], [1, -2e6]]], "stroke 0: ys[1] = -2e+06 is out of range"),
        ([[[10**400], [1]]], "stroke 0: xs holds a number out of range"),
        ([[[1, 2], [1, 2], [0, 5e6]]], "stroke 0: ts[1] = 5e+06 is out of range"),
        ([[[1, 2, 3], [1, 2, 3], [0, 20, 10]]], "stroke 0: ts decreases at index 2 (20 -> 10)"),
        ([[[1, 2], [1, 2], [-1, 3]]], "stroke 0: ts[0] = -1 is negative"),
    ],
)
def test_rejections_say_what_and_where(data: object, message: str) -> None:
    with pytest.raises(InkError) as caught:
        parse_ink(data)
    assert message in str(caught.value)


def test_ink_error_is_a_value_error() -> None:
    assert issubclass(InkError, ValueError)


def test_too_many_strokes() -> None:
    with pytest.raises(InkError, match=f"{MAX_STROKES + 1} strokes, more than the limit of {MAX_STROKES}"):
        parse_ink([[[1], [1]]] * (MAX_STROKES + 1))
    assert len(parse_ink([[[1], [1]]] * MAX_STROKES)) == MAX_STROKES


def test_too_many_points() -> None:
    half = list(range(MAX_POINTS // 2))
    assert parse_ink([[half, half], [half, half]]).num_points == MAX_POINTS
    with pytest.raises(InkError, match=f"more than {MAX_POINTS} points"):
        parse_ink([[half, half], [half, half], [[1], [1]]])


def test_limits_are_module_constants() -> None:
    assert (MAX_STROKES, MAX_POINTS, MAX_ABS_COORD) == (500, 20_000, 1e6)
    assert parse_ink([[[MAX_ABS_COORD, -MAX_ABS_COORD], [0, 0]]]).num_points == 2


def test_times_that_step_back_pass_when_not_strict() -> None:
    ink = parse_ink([[[1, 2, 3], [1, 2, 3], [0, 20, 10]]], strict_times=False)
    assert ink[0].ts.tolist() == [0, 20, 10]
    with pytest.raises(InkError, match="negative"):
        parse_ink([[[1], [1], [-5]]], strict_times=False)


def test_raw_ink_keeps_times_as_float64() -> None:
    ink = parse_ink(RAW)
    assert isinstance(ink, Ink) and len(ink) == 2 and ink.has_times and ink.num_points == 5
    stroke = ink[1]
    assert isinstance(stroke, Stroke)
    for values in (stroke.xs, stroke.ys, stroke.ts):
        assert values.dtype == np.float64
    assert stroke.points.tolist() == [[1.5, 7.0], [2.5, 8.0]]
    assert ink.to_lists() == [
        [[10, 20, 30], [5, 5, 6], [0, 16, 40]],
        [[1.5, 2.5], [7.0, 8.0], [100.0, 120.0]],
    ]


def test_simplified_ink_has_no_times_and_round_trips() -> None:
    ink = parse_ink(SIMPLIFIED)
    assert not ink.has_times and ink[0].ts is None
    assert ink.to_lists() == SIMPLIFIED
    assert parse_ink(ink) is ink


def test_numpy_and_tuple_input() -> None:
    ink = parse_ink(((np.array([1, 2]), np.array([3.0, 4.0])),))
    assert ink.to_lists() == [[[1, 2], [3, 4]]]


def test_ink_is_immutable_and_independent_of_the_input() -> None:
    xs = [1.0, 2.0]
    ink = parse_ink([[xs, [3.0, 4.0]]])
    xs[0] = 99.0
    assert ink[0].xs[0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        ink[0].xs[0] = 5.0
    with pytest.raises(AttributeError):
        ink[0].xs = np.zeros(2)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ink.strokes = ()  # type: ignore[misc]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.integers(1, 12).flatmap(
            lambda n: st.tuples(
                *[st.lists(st.integers(0, 2000) | st.floats(0, 2000), min_size=n, max_size=n)] * 3
            )
        ),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_the_one_pass_check_of_plain_lists_agrees_with_the_stroke_by_stroke_one(strokes, strict) -> None:
    data = [[list(axis) for axis in stroke] for stroke in strokes]  # times may step back: strict refuses
    try:
        expected = _parse_strokes(data, strict)
    except InkError as error:
        with pytest.raises(InkError, match=re.escape(str(error))):
            parse_ink(data, strict_times=strict)
        return
    got = parse_ink(data, strict_times=strict)
    assert got == expected and got.to_lists() == expected.to_lists()
    assert all(not axis.flags.writeable for stroke in got for axis in (stroke.xs, stroke.ys, stroke.ts))


def test_strokes_compare_by_value() -> None:
    assert parse_ink(RAW)[0] == parse_ink(RAW)[0]
    assert parse_ink(RAW)[0] != parse_ink(RAW)[1]
    assert parse_ink(SIMPLIFIED) == parse_ink(SIMPLIFIED)
    assert Stroke(np.array([1.0]), np.array([2.0])) != Stroke(
        np.array([1.0]), np.array([2.0]), np.array([0.0])
    )


def test_stroke_rejects_unequal_arrays() -> None:
    with pytest.raises(InkError, match="differ in length"):
        Stroke(np.zeros(2), np.zeros(3))
