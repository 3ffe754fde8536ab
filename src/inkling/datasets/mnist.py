"""MNIST readers: the Keras ``mnist.npz`` layout and the four official IDX files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inkling.datasets.errors import FormatError
from inkling.datasets.idx import read_idx

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_SOURCES = {
    "x_train": "mnist-train-images",
    "y_train": "mnist-train-labels",
    "x_test": "mnist-test-images",
    "y_test": "mnist-test-labels",
}


@dataclass(frozen=True, eq=False)
class Mnist:
    """MNIST splits: images uint8 (N, 28, 28), labels uint8 (N,), original order."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def __post_init__(self) -> None:
        splits = (("train", self.x_train, self.y_train), ("test", self.x_test, self.y_test))
        for split, images, labels in splits:
            if images.ndim != 3 or images.shape[1:] != (28, 28):
                raise FormatError(f"MNIST {split} images must be (N, 28, 28), got {images.shape}")
            if labels.shape != (len(images),):
                raise FormatError(f"MNIST {split}: {len(images)} images but labels of shape {labels.shape}")
            if len(labels) and (labels.min() < 0 or labels.max() > 9):
                raise FormatError(f"MNIST {split} labels must be digits 0..9")


def load_mnist_npz(path: Path) -> Mnist:
    """Read the Keras layout: ``x_train``, ``y_train``, ``x_test``, ``y_test``."""
    with np.load(Path(path), allow_pickle=False) as data:
        missing = set(NPZ_KEYS) - set(data.files)
        if missing:
            raise FormatError(f"{path}: missing arrays {sorted(missing)}; has {data.files}")
        arrays = {key: data[key] for key in NPZ_KEYS}
    return Mnist(**{key: value.astype(np.uint8, copy=False) for key, value in arrays.items()})


def load_mnist_idx(train_images: Path, train_labels: Path, test_images: Path, test_labels: Path) -> Mnist:
    """Read the four official IDX files (``.gz`` or plain)."""
    arrays = [read_idx(path) for path in (train_images, train_labels, test_images, test_labels)]
    for array, path in zip(arrays, (train_images, train_labels, test_images, test_labels), strict=True):
        if array.dtype != np.uint8:
            raise FormatError(f"{path}: MNIST IDX data must be unsigned bytes, got {array.dtype}")
    return Mnist(*arrays)


def find_idx_files(directory: Path) -> dict[str, Path]:
    """The four official IDX files in a directory, gzipped or not, keyed like the npz arrays."""
    names = {
        "x_train": "train-images-idx3-ubyte",
        "y_train": "train-labels-idx1-ubyte",
        "x_test": "t10k-images-idx3-ubyte",
        "y_test": "t10k-labels-idx1-ubyte",
    }
    found: dict[str, Path] = {}
    for key, stem in names.items():
        for candidate in (Path(directory) / f"{stem}.gz", Path(directory) / stem):
            if candidate.is_file():
                found[key] = candidate
                break
        else:
            raise FileNotFoundError(f"{directory}: no {stem}[.gz]")
    return found


def load_mnist(*, data_dir: Path | None = None, cache_dir: Path | None = None, idx: bool = False) -> Mnist:
    """MNIST from the mirror, cache or official URL: the Keras npz, or with ``idx=True`` the IDX files."""
    from inkling.datasets.download import resolve

    if not idx:
        return load_mnist_npz(resolve("mnist", data_dir=data_dir, cache_dir=cache_dir))
    paths = {key: resolve(name, data_dir=data_dir, cache_dir=cache_dir) for key, name in IDX_SOURCES.items()}
    return load_mnist_idx(paths["x_train"], paths["y_train"], paths["x_test"], paths["y_test"])
