"""numpy_bitmap readers: per-word .npy and labelled .npz sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inkling.datasets.bitmaps import BitmapSet, from_npy_files, load_npy, load_npz
from inkling.datasets.errors import FormatError


def random_bitmaps(count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(count, 784), dtype=np.uint8)


def test_npy_rows_become_28x28(tmp_path: Path) -> None:
    rows = random_bitmaps(5, 0)
    np.save(tmp_path / "cat.npy", rows)
    images = load_npy(tmp_path / "cat.npy")
    assert images.shape == (5, 28, 28) and images.dtype == np.uint8
    np.testing.assert_array_equal(images[2].ravel(), rows[2])
    assert load_npy(tmp_path / "cat.npy", limit=2).shape == (2, 28, 28)


@pytest.mark.parametrize(
    "array",
    [np.zeros((3, 100), np.uint8), np.zeros((3, 784), np.float32), np.zeros(784, np.uint8)],
)
def test_npy_rejects_other_layouts(tmp_path: Path, array: np.ndarray) -> None:
    np.save(tmp_path / "bad.npy", array)
    with pytest.raises(FormatError):
        load_npy(tmp_path / "bad.npy")


def test_npy_refuses_pickles(tmp_path: Path) -> None:
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(FormatError, match="not a plain"):
        load_npy(tmp_path / "obj.npy")


def test_npz_with_labels_and_class_names(tmp_path: Path) -> None:
    x = random_bitmaps(6, 1).reshape(-1, 28, 28)
    y = np.array([0, 1, 1, 0, 2, 2], np.int16)
    names = np.array(["apple", "cat", "The Eiffel Tower"])
    np.savez_compressed(tmp_path / "set.npz", x=x, y=y, class_names=names)
    bitmaps = load_npz(tmp_path / "set.npz")
    assert isinstance(bitmaps, BitmapSet) and len(bitmaps) == 6
    assert bitmaps.class_names == ("apple", "cat", "The Eiffel Tower")
    np.testing.assert_array_equal(bitmaps.of_class("cat"), x[[1, 2]])
    with pytest.raises(KeyError):
        bitmaps.of_class("dog")


def test_npz_checks_arrays_and_labels(tmp_path: Path) -> None:
    x = np.zeros((2, 28, 28), np.uint8)
    np.savez(tmp_path / "nolabels.npz", x=x, class_names=np.array(["a"]))
    with pytest.raises(FormatError, match="missing"):
        load_npz(tmp_path / "nolabels.npz")
    np.savez(tmp_path / "badlabel.npz", x=x, y=np.array([0, 3]), class_names=np.array(["a", "b"]))
    with pytest.raises(FormatError, match="labels outside"):
        load_npz(tmp_path / "badlabel.npz")


def test_stack_per_word_npy_files(tmp_path: Path) -> None:
    np.save(tmp_path / "cat.npy", random_bitmaps(4, 2))
    np.save(tmp_path / "dog.npy", random_bitmaps(3, 3))
    bitmaps = from_npy_files({"cat": tmp_path / "cat.npy", "dog": tmp_path / "dog.npy"}, limit=3)
    assert bitmaps.x.shape == (6, 28, 28)
    assert bitmaps.y.tolist() == [0, 0, 0, 1, 1, 1]
    assert bitmaps.class_names == ("cat", "dog")
    assert len(from_npy_files({})) == 0


def test_real_6class_bitmaps(data_dir: Path) -> None:
    bitmaps = load_npz(data_dir / "quickdraw" / "quickdraw_bitmap_6class_first100.npz")
    assert bitmaps.x.shape == (600, 28, 28) and bitmaps.x.dtype == np.uint8
    assert bitmaps.class_names == ("apple", "bicycle", "cat", "diamond", "eye", "fish")
    assert np.bincount(bitmaps.y).tolist() == [100] * 6
    assert bitmaps.x.max() == 255 and bitmaps.x[:, 0, 0].max() == 0  # white strokes on a black border
