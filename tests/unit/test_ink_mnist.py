"""Drawn digits come out like MNIST: 28x28, inside a 20x20 box, centre of mass at the centre."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inkling.ink import InkError
from inkling.ink.mnist import image_to_mnist, ink_to_mnist
from tests.digit_strokes import TEMPLATES, human_ink

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    ys, xs = np.indices(image.shape)
    total = image.sum(dtype=np.float64)
    return float((ys * image).sum() / total), float((xs * image).sum() / total)


def _box(image: np.ndarray) -> tuple[int, int]:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


@pytest.mark.parametrize("digit", sorted(TEMPLATES))
def test_a_drawn_digit_has_the_mnist_properties(digit: int) -> None:
    image = ink_to_mnist(human_ink(digit, seed=digit))
    assert image.shape == (28, 28) and image.dtype == np.uint8
    assert image.max() >= 250  # full-intensity strokes, anti-aliased edges
    height, width = _box(image)
    assert max(height, width) <= 21 and max(height, width) >= 19  # fitted into 20x20 (±AA fringe)
    cy, cx = _centre_of_mass(image)
    assert abs(cy - 14) <= 1.0 and abs(cx - 14) <= 1.0
    assert 0.06 < (image > 127).mean() < 0.25  # MNIST: ~12 % of pixels are ink


def test_mnist_itself_has_those_properties(data_dir: Path) -> None:
    with np.load(data_dir / "mnist" / "mnist.npz") as data:
        x = data["x_test"][:200]
    boxes = np.array([_box(image) for image in x])
    centres = np.array([_centre_of_mass(image) for image in x])
    assert boxes.max() <= 20
    assert np.abs(centres - 14).mean() < 0.6


def test_scale_and_position_of_the_drawing_do_not_matter() -> None:
    small = ink_to_mnist(human_ink(3, seed=1, scale=0.5, offset=(0, 0)))
    big = ink_to_mnist(human_ink(3, seed=1, scale=6.0, offset=(500, 900)))
    assert np.abs(small.astype(int) - big.astype(int)).mean() < 12


def test_a_one_keeps_its_aspect_ratio() -> None:
    height, width = _box(ink_to_mnist(human_ink(1)))
    assert height >= 19 and width <= 10


def test_a_dot_and_bad_ink() -> None:
    dot = ink_to_mnist([[[5], [5], [0]]])
    assert dot.any() and _box(dot)[0] <= 20
    with pytest.raises(InkError):
        ink_to_mnist([])
    with pytest.raises(InkError):
        ink_to_mnist([[[1, 2], [1], [0, 1]]])


def test_pictures_are_inverted_and_fitted() -> None:
    picture = np.full((200, 120), 255, dtype=np.uint8)
    picture[20:180, 50:70] = 0  # a black "1" on white paper
    image = image_to_mnist(Image.fromarray(picture))
    assert image.shape == (28, 28) and _box(image)[0] == 20
    assert abs(_centre_of_mass(image)[1] - 14) <= 1
    mnist_like = np.zeros((28, 28), dtype=np.uint8)
    mnist_like[4:24, 12:15] = 255
    assert np.array_equal(image_to_mnist(mnist_like), mnist_like)  # 28x28 white on black: as it is
    assert np.array_equal(image_to_mnist(255 - mnist_like), mnist_like)
    assert not image_to_mnist(np.zeros((50, 50), dtype=np.uint8)).any()


@pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")
def test_the_shipped_model_reads_synthetic_drawn_digits() -> None:
    from inkling.inference.digits import DigitPredictor

    predictor = DigitPredictor.from_files(SHIPPED)
    inks = [human_ink(d, seed=seed) for d in range(10) for seed in range(3)]
    guesses = [g.digit for g in predictor.predict_batch(inks)]
    right = sum(
        g == d for g, (d, _) in zip(guesses, [(d, s) for d in range(10) for s in range(3)], strict=True)
    )
    assert right >= 27, guesses  # ≥ 90 % of 30 synthetic drawings
