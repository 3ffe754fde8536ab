"""MNIST readers: IDX files (gz or plain) and the Keras npz layout."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from inkling.datasets.errors import FormatError
from inkling.datasets.idx import encode_idx, parse_idx, read_idx, write_idx
from inkling.datasets.mnist import Mnist, find_idx_files, load_mnist, load_mnist_idx, load_mnist_npz

RNG = np.random.default_rng(7)
X_TRAIN = RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8)
Y_TRAIN = np.array([5, 0, 4, 1, 9], np.uint8)
X_TEST = RNG.integers(0, 256, (3, 28, 28), dtype=np.uint8)
Y_TEST = np.array([7, 2, 1], np.uint8)


def write_idx_set(folder: Path, *, gz: bool) -> Path:
    """The four official MNIST file names in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    write_idx(X_TRAIN, folder / f"train-images-idx3-ubyte{suffix}")
    write_idx(Y_TRAIN, folder / f"train-labels-idx1-ubyte{suffix}")
    write_idx(X_TEST, folder / f"t10k-images-idx3-ubyte{suffix}")
    write_idx(Y_TEST, folder / f"t10k-labels-idx1-ubyte{suffix}")
    return folder


def test_idx_header_is_the_official_layout() -> None:
    data = encode_idx(X_TRAIN)
    assert data[:4] == b"\x00\x00\x08\x03"
    assert struct.unpack(">3I", data[4:16]) == (5, 28, 28)
    assert len(data) == 16 + 5 * 28 * 28
    labels = encode_idx(Y_TRAIN)
    assert labels[:8] == b"\x00\x00\x08\x01\x00\x00\x00\x05"


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_round_trip_every_type(dtype: type) -> None:
    array = np.arange(24).reshape(2, 3, 4).astype(dtype)
    decoded = parse_idx(encode_idx(array))
    assert decoded.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(decoded, array)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x00", "too short"),
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x00", "bad IDX magic"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x00", "unknown IDX type"),
        (b"\x00\x00\x08\x00", "zero dimensions"),
        (b"\x00\x00\x08\x03\x00\x00\x00\x01", "truncated IDX header"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02", "body is 2 bytes"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "body is 2 bytes"),
    ],
)
def test_idx_rejects_malformed_files(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_idx(data)


def test_read_idx_gz_and_plain(tmp_path: Path) -> None:
    plain = write_idx(X_TEST, tmp_path / "images-idx3-ubyte")
    packed = write_idx(X_TEST, tmp_path / "images-idx3-ubyte.gz")
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    np.testing.assert_array_equal(read_idx(plain), X_TEST)
    np.testing.assert_array_equal(read_idx(packed), X_TEST)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(packed.read_bytes()[:30])
    with pytest.raises(FormatError, match="gzip"):
        read_idx(broken)


@pytest.mark.parametrize("gz", [True, False])
def test_load_the_four_idx_files(tmp_path: Path, gz: bool) -> None:
    files = find_idx_files(write_idx_set(tmp_path / "mnist", gz=gz))
    mnist = load_mnist_idx(files["x_train"], files["y_train"], files["x_test"], files["y_test"])
    np.testing.assert_array_equal(mnist.x_train, X_TRAIN)
    np.testing.assert_array_equal(mnist.y_test, Y_TEST)


def test_idx_labels_must_match_images(tmp_path: Path) -> None:
    folder = write_idx_set(tmp_path, gz=False)
    write_idx(Y_TRAIN[:3], folder / "train-labels-idx1-ubyte")
    files = find_idx_files(folder)
    with pytest.raises(FormatError, match="5 images but labels"):
        load_mnist_idx(files["x_train"], files["y_train"], files["x_test"], files["y_test"])
    with pytest.raises(FileNotFoundError):
        find_idx_files(tmp_path / "empty")


def test_keras_npz(tmp_path: Path) -> None:
    arrays = {"x_train": X_TRAIN, "y_train": Y_TRAIN, "x_test": X_TEST, "y_test": Y_TEST}
    np.savez_compressed(tmp_path / "mnist.npz", **arrays)
    mnist = load_mnist_npz(tmp_path / "mnist.npz")
    assert isinstance(mnist, Mnist)
    np.testing.assert_array_equal(mnist.x_test, X_TEST)
    np.savez(tmp_path / "partial.npz", x_train=X_TRAIN, y_train=Y_TRAIN)
    with pytest.raises(FormatError, match="missing"):
        load_mnist_npz(tmp_path / "partial.npz")


def test_load_mnist_resolves_from_a_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    write_idx_set(mirror / "mnist", gz=True)
    np.savez(mirror / "mnist" / "mnist.npz", x_train=X_TRAIN, y_train=Y_TRAIN, x_test=X_TEST, y_test=Y_TEST)
    from_idx = load_mnist(data_dir=mirror, cache_dir=tmp_path / "cache", idx=True)
    from_npz = load_mnist(data_dir=mirror, cache_dir=tmp_path / "cache")
    np.testing.assert_array_equal(from_idx.x_train, from_npz.x_train)


def test_real_mnist(data_dir: Path) -> None:
    mnist = load_mnist_npz(data_dir / "mnist" / "mnist.npz")
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.shape == (10000, 28, 28)
    assert mnist.x_train.dtype == np.uint8
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(mnist.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
