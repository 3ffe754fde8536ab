"""Parse and validate Quick, Draw! ink (``[[xs, ys, ts], ...]`` raw or ``[[xs, ys], ...]``)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from numbers import Real
from typing import Any

import numpy as np

from inkling.ink.model import Ink, InkError, Stroke
from inkling.ink.ragged import flat_points, split_strokes
from inkling.ink.simplify import SIMPLIFIED_MAX, normalised_length

MAX_STROKES = 500  # more strokes than any real doodle; bounds the work per request
MAX_POINTS = 20_000  # total points over all strokes (official raw drawings stay far below)
MAX_ABS_COORD = 1e6  # |x|, |y| (canvas pixels) and t (ms) beyond this are absurd
# px of stroke once the larger side is scaled to 255 = points resampling makes; bounds the work of
# simplifying (the longest official drawing of the mirror: 36 k raw, 78 k simplified)
MAX_INK_LENGTH = 120_000
AXES = ("xs", "ys", "ts")
_BOOLS = frozenset({bool, np.bool_})  # bools are ints to numpy but not coordinates
_PLAIN_NUMBERS = frozenset({int, float})  # what JSON numbers decode to: the bulk path takes only these


def _describe(value: Any) -> str:
    """A short repr of ``value`` for error messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_sequence(value: Any) -> bool:
    """True for lists, tuples and 1-D numpy arrays (not strings, not dicts)."""
    return isinstance(value, list | tuple) or (isinstance(value, np.ndarray) and value.ndim == 1)


def _first_non_number(values: Sequence[Any]) -> tuple[int, Any] | None:
    """Index and value of the first entry that is not a real number (bools are not numbers)."""
    for index, value in enumerate(values):
        if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
            return index, value
    return None


def _parse_axis(where: str, name: str, values: Any) -> np.ndarray:
    """Validate one coordinate array of one stroke and return it as float64."""
    if not _is_sequence(values):
        raise InkError(f"{where}: {name} must be a list of numbers, got {type(values).__name__}")
    if len(values) == 0:
        raise InkError(f"{where}: {name} is empty")
    try:
        array = np.asarray(values)
    except (ValueError, TypeError):  # ragged nesting
        array = np.asarray([], dtype=object)
    if array.dtype.kind not in "iuf" or (
        isinstance(values, list | tuple) and not _BOOLS.isdisjoint(map(type, values))
    ):
        bad = _first_non_number(values)
        if bad is not None:
            index, value = bad
            raise InkError(f"{where}: {name}[{index}] is not a number ({_describe(value)})")
        try:  # only huge Python ints are left (object dtype)
            array = np.asarray(values, dtype=np.float64)
        except OverflowError:
            raise InkError(f"{where}: {name} holds a number out of range (|v| > {MAX_ABS_COORD:g})") from None
    array = array.astype(np.float64, copy=False)
    if array.ndim != 1:
        raise InkError(f"{where}: {name} must be a flat list of numbers")
    finite = np.isfinite(array)
    if not finite.all():
        index = int(np.argmin(finite))
        raise InkError(f"{where}: {name}[{index}] is not finite ({array[index]})")
    too_big = np.abs(array) > MAX_ABS_COORD
    if too_big.any():
        index = int(np.argmax(too_big))
        value = f"{array[index]:g}"
        raise InkError(f"{where}: {name}[{index}] = {value} is out of range (|v| > {MAX_ABS_COORD:g})")
    return array


def _check_times(where: str, ts: np.ndarray, strict_times: bool) -> None:
    """Times must be non-negative and, when ``strict_times``, never decrease within a stroke."""
    if (ts < 0).any():
        index = int(np.argmax(ts < 0))
        raise InkError(f"{where}: ts[{index}] = {ts[index]:g} is negative")
    if strict_times and ts.size > 1:
        steps = np.diff(ts)
        if (steps < 0).any():
            index = int(np.argmax(steps < 0)) + 1
            raise InkError(f"{where}: ts decreases at index {index} ({ts[index - 1]:g} -> {ts[index]:g})")


def _plain_lengths(data: Any) -> list[int] | None:
    """Points per stroke when ``data`` is plainly well-formed lists (one arity, axes of equal, non-zero
    length, within the limits); ``None`` when it needs the stroke-by-stroke checks."""
    if not isinstance(data, list) or not 0 < len(data) <= MAX_STROKES or not isinstance(data[0], list):
        return None
    arity = len(data[0])
    if arity not in (2, 3):
        return None
    lengths = []
    for stroke in data:
        if not isinstance(stroke, list) or len(stroke) != arity:
            return None
        xs = stroke[0]
        if not isinstance(xs, list) or not xs:
            return None
        for axis in stroke[1:]:
            if not isinstance(axis, list) or len(axis) != len(xs):
                return None
        lengths.append(len(xs))
    return lengths if sum(lengths) <= MAX_POINTS else None


def _parse_plain(data: Any, strict_times: bool) -> Ink | None:
    """All strokes validated with one numpy pass, for ink made of plain lists of JSON numbers.

    ``None`` when anything is off (or unusual): the caller then runs the stroke-by-stroke checks,
    which find the first problem and name it. Valid but too long ink is refused here (``_check_length``).
    """
    lengths = _plain_lengths(data)
    if lengths is None:
        return None
    axes = [list(chain.from_iterable(stroke[i] for stroke in data)) for i in range(len(data[0]))]
    if not _PLAIN_NUMBERS.issuperset(map(type, chain.from_iterable(axes))):
        return None
    try:
        values = np.array(axes, dtype=np.float64)
    except OverflowError:
        return None
    if not np.abs(values).max() <= MAX_ABS_COORD:  # also False for NaN and infinity
        return None
    if len(values) == 3:
        ts = values[2]
        if ts.min() < 0:
            return None
        if strict_times and len(ts) > 1:
            steps = np.diff(ts)
            steps[np.cumsum(lengths[:-1], dtype=np.intp) - 1] = (
                0  # from one stroke's last point to the next's first
            )
            if steps.min() < 0:
                return None
    _check_length(values[0], values[1], lengths)
    return split_strokes(np.array(lengths), *values)


def parse_ink(data: Any, *, strict_times: bool = True) -> Ink:
    """Validate raw or simplified Quick, Draw! ink and return an immutable ``Ink``; else raise ``InkError``.

    ``strict_times=False`` tolerates times that step back within a stroke (a few official raw
    drawings have such glitches); negative times are always rejected. Ink longer than
    ``MAX_INK_LENGTH`` once normalised is refused. An ``Ink`` is taken as already validated.
    """
    if isinstance(data, Ink):
        return data
    plain = _parse_plain(data, strict_times)
    return plain if plain is not None else _parse_strokes(data, strict_times)


def _check_length(xs: np.ndarray, ys: np.ndarray, lengths: Sequence[int]) -> None:
    """Refuse ink longer than ``MAX_INK_LENGTH`` once normalised: simplifying it would cost too much."""
    length = normalised_length(xs, ys, np.asarray(lengths))
    if length > MAX_INK_LENGTH:
        raise InkError(
            f"the drawing is too long/complex ({length:,.0f} px of strokes once its larger side is "
            f"scaled to {SIMPLIFIED_MAX} px, more than the limit of {MAX_INK_LENGTH:,})"
        )


def _parse_strokes(data: Any, strict_times: bool) -> Ink:
    """``parse_ink`` one stroke and one axis at a time: takes any sequence type, names the first problem."""
    if not _is_sequence(data):
        raise InkError(f"ink must be a list of strokes, got {type(data).__name__}")
    if len(data) == 0:
        raise InkError("ink has no strokes")
    if len(data) > MAX_STROKES:
        raise InkError(f"ink has {len(data)} strokes, more than the limit of {MAX_STROKES}")
    strokes: list[Stroke] = []
    arity = None
    total = 0
    for number, raw in enumerate(data):
        where = f"stroke {number}"
        if not _is_sequence(raw):
            raise InkError(f"{where}: must be a list [xs, ys] or [xs, ys, ts], got {type(raw).__name__}")
        if len(raw) not in (2, 3):
            raise InkError(f"{where}: expected 2 arrays [xs, ys] or 3 arrays [xs, ys, ts], got {len(raw)}")
        if arity is None:
            arity = len(raw)
        elif len(raw) != arity:
            raise InkError(
                f"{where}: has {len(raw)} arrays but stroke 0 has {arity}; "
                "all strokes of a drawing must have the same arity"
            )
        lengths = [len(axis) if _is_sequence(axis) else None for axis in raw]
        if all(length is not None for length in lengths):
            total += max(lengths)  # type: ignore[type-var]
            if total > MAX_POINTS:
                raise InkError(f"ink has more than {MAX_POINTS} points in all (limit reached at {where})")
        arrays = [_parse_axis(where, AXES[i], axis) for i, axis in enumerate(raw)]
        for i in range(1, len(arrays)):
            if len(arrays[i]) != len(arrays[0]):
                raise InkError(f"{where}: xs has {len(arrays[0])} points but {AXES[i]} has {len(arrays[i])}")
        if len(arrays) == 3:
            _check_times(where, arrays[2], strict_times)
        strokes.append(Stroke(*arrays))
    ink = Ink(tuple(strokes))
    _check_length(*flat_points(ink))
    return ink
