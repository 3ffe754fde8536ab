"""The typed, immutable drawing: ``Ink`` is a tuple of ``Stroke`` objects, plus ``InkError``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


class InkError(ValueError):
    """A drawing that cannot be used; the message says what is wrong and where."""


def _is_frozen(values: object) -> bool:
    """True for a read-only float64 1-D array that nothing can write through (its base is read-only too)."""
    if not isinstance(values, np.ndarray) or values.dtype != np.float64 or values.ndim != 1:
        return False
    base = values.base
    return not values.flags.writeable and (
        base is None or (isinstance(base, np.ndarray) and not base.flags.writeable)
    )


def _frozen(values: np.ndarray) -> np.ndarray:
    """``values`` as a read-only float64 1-D array (a copy unless it already is one)."""
    if _is_frozen(values):
        return values
    array = np.array(values, dtype=np.float64).reshape(-1)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, eq=False)
class Stroke:
    """One pen-down polyline: x and y (float64), and times in ms (``None`` for simplified ink)."""

    xs: np.ndarray
    ys: np.ndarray
    ts: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "xs", _frozen(self.xs))
        object.__setattr__(self, "ys", _frozen(self.ys))
        if self.ts is not None:
            object.__setattr__(self, "ts", _frozen(self.ts))
        lengths = {len(self.xs), len(self.ys)} | ({len(self.ts)} if self.ts is not None else set())
        if len(lengths) != 1:
            raise InkError(f"stroke arrays differ in length: {sorted(lengths)}")

    @classmethod
    def of_frozen(cls, xs: np.ndarray, ys: np.ndarray, ts: np.ndarray | None = None) -> Stroke:
        """A stroke of arrays that are already read-only float64 1-D of one length (taken as they are)."""
        stroke = object.__new__(cls)
        object.__setattr__(stroke, "xs", xs)
        object.__setattr__(stroke, "ys", ys)
        object.__setattr__(stroke, "ts", ts)
        return stroke

    def __len__(self) -> int:
        return int(self.xs.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Stroke):
            return NotImplemented
        same_ts = (self.ts is None and other.ts is None) or (
            self.ts is not None and other.ts is not None and np.array_equal(self.ts, other.ts)
        )
        return same_ts and np.array_equal(self.xs, other.xs) and np.array_equal(self.ys, other.ys)

    __hash__ = None  # type: ignore[assignment]

    @property
    def points(self) -> np.ndarray:
        """The stroke as an (n, 2) float64 array of (x, y)."""
        return np.stack([self.xs, self.ys], axis=1)

    def to_list(self) -> list[list[float]] | list[list[int]]:
        """The stroke in Quick, Draw! JSON form; integral coordinates come out as ints."""
        arrays = [self.xs, self.ys] if self.ts is None else [self.xs, self.ys, self.ts]
        if all(np.array_equal(a, np.round(a)) for a in arrays):
            return [a.astype(np.int64).tolist() for a in arrays]
        return [a.tolist() for a in arrays]


@dataclass(frozen=True, slots=True)
class Ink:
    """A whole drawing: a non-empty tuple of strokes that all have times, or none has."""

    strokes: tuple[Stroke, ...]

    def __iter__(self) -> Iterator[Stroke]:
        return iter(self.strokes)

    def __len__(self) -> int:
        return len(self.strokes)

    def __getitem__(self, index: int) -> Stroke:
        return self.strokes[index]

    @property
    def has_times(self) -> bool:
        """True for raw ink (every stroke carries ``ts``)."""
        return self.strokes[0].ts is not None

    @property
    def num_points(self) -> int:
        """Total number of points over all strokes."""
        return sum(len(stroke) for stroke in self.strokes)

    def to_lists(self) -> list:
        """The drawing in Quick, Draw! JSON form (``[[xs, ys(, ts)], ...]``)."""
        return [stroke.to_list() for stroke in self.strokes]
