"""DigitPredictor on the shipped model: MNIST accuracy, drawings, contracts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from inkling.inference import InputError
from inkling.inference.digits import DigitPredictor, build_mnist
from tests.digit_strokes import human_ink

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"
needs_model = pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")


@pytest.fixture(scope="module")
def predictor() -> DigitPredictor:
    return DigitPredictor.from_files(SHIPPED)


@needs_model
def test_the_sidecar_describes_the_model() -> None:
    meta = json.loads(SHIPPED.with_suffix(".json").read_text())
    assert meta["task"] == "digit" and meta["classes"] == [str(d) for d in range(10)]
    assert meta["input"]["kind"] == "mnist" and meta["metrics"]["accuracy"] >= 0.995


@needs_model
def test_accuracy_on_the_first_thousand_mnist_test_images(predictor: DigitPredictor, data_dir: Path) -> None:
    with np.load(data_dir / "mnist" / "mnist.npz") as data:
        x, y = data["x_test"][:1000], data["y_test"][:1000]
    guesses = predictor.predict_batch(x)
    accuracy = np.mean([g.digit == label for g, label in zip(guesses, y, strict=True)])
    assert accuracy >= 0.99


@needs_model
def test_drawings_and_bitmaps_mix(predictor: DigitPredictor) -> None:
    bitmap = np.zeros((28, 28), dtype=np.uint8)
    guesses = predictor.predict_batch([human_ink(1), bitmap])
    assert guesses[0].digit == 1 and abs(sum(guesses[1].probabilities) - 1) < 1e-4
    assert predictor.label == "digits-cnn" and "digits-cnn" in repr(predictor)


def test_contract_layouts_and_errors() -> None:
    x = np.zeros((2, 28, 28), dtype=np.uint8)
    assert build_mnist(x, {"layout": "NCHW"}).shape == (2, 1, 28, 28)
    assert build_mnist(x, {"layout": "flat"}).shape == (2, 784)
    with pytest.raises(InputError):
        build_mnist(x, {"layout": "NHWC"})
    with pytest.raises(InputError):
        build_mnist(np.zeros((2, 20, 20), dtype=np.uint8), {})
