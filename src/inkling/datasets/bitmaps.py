"""Quick, Draw! ``numpy_bitmap`` readers: per-word ``.npy`` (N, 784) and labelled ``.npz`` sets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inkling.datasets.errors import FormatError

SIDE = 28


@dataclass(frozen=True, eq=False)
class BitmapSet:
    """Labelled 28x28 bitmaps: ``x`` uint8 (N, 28, 28) white on black, ``y`` class indices."""

    x: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.x)

    def of_class(self, name: str) -> np.ndarray:
        """The bitmaps of one class, in file order."""
        if name not in self.class_names:
            raise KeyError(f"no class {name!r}; classes: {', '.join(self.class_names)}")
        return self.x[self.y == self.class_names.index(name)]


def _as_images(array: np.ndarray, origin: object) -> np.ndarray:
    """Check a uint8 bitmap array and reshape (N, 784) to (N, 28, 28)."""
    if array.dtype != np.uint8:
        raise FormatError(f"{origin}: bitmaps must be uint8, got {array.dtype}")
    if array.ndim == 2 and array.shape[1] == SIDE * SIDE:
        return array.reshape(-1, SIDE, SIDE)
    if array.ndim == 3 and array.shape[1:] == (SIDE, SIDE):
        return array
    raise FormatError(f"{origin}: expected (N, 784) or (N, 28, 28) bitmaps, got shape {array.shape}")


def load_npy(path: Path, *, limit: int | None = None) -> np.ndarray:
    """One word's official ``numpy_bitmap`` file as uint8 (N, 28, 28); ``limit`` reads only the first rows."""
    try:
        array = np.load(Path(path), mmap_mode="r", allow_pickle=False)
    except ValueError as error:
        raise FormatError(f"{path}: not a plain .npy array ({error})") from error
    images = _as_images(array, path)
    return np.array(images[:limit] if limit is not None else images)


def load_npz(path: Path) -> BitmapSet:
    """A labelled bitmap set saved as ``x``, ``y``, ``class_names`` (the 6- and 64-class mirror files)."""
    with np.load(Path(path), allow_pickle=False) as data:
        missing = {"x", "y", "class_names"} - set(data.files)
        if missing:
            raise FormatError(f"{path}: missing arrays {sorted(missing)}; has {data.files}")
        x = _as_images(data["x"], path)
        y = data["y"].astype(np.int64)
        names = tuple(str(name) for name in data["class_names"])
    if len(y) != len(x):
        raise FormatError(f"{path}: {len(x)} images but {len(y)} labels")
    if len(y) and (y.min() < 0 or y.max() >= len(names)):
        raise FormatError(f"{path}: labels outside 0..{len(names) - 1}")
    return BitmapSet(x=x, y=y, class_names=names)


def from_npy_files(files: Mapping[str, Path], *, limit: int | None = None) -> BitmapSet:
    """Stack per-word ``.npy`` files ({word: path}) into one labelled set, classes in mapping order."""
    names = tuple(files)
    arrays = [load_npy(files[name], limit=limit) for name in names]
    if not arrays:
        return BitmapSet(x=np.zeros((0, SIDE, SIDE), np.uint8), y=np.zeros(0, np.int64), class_names=())
    x = np.concatenate(arrays)
    y = np.concatenate([np.full(len(a), i, np.int64) for i, a in enumerate(arrays)])
    return BitmapSet(x=x, y=y, class_names=names)
