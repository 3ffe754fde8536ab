"""Reading the released DoodleNet HDF5 and TF.js weights, and the NumPy Keras reference."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from inkling.learn.keras_h5 import KerasH5Error, KerasLayer, KerasModel, read_keras_h5, validate
from inkling.learn.keras_reference import keras_forward
from inkling.learn.tfjs_weights import read_tfjs_weights

H5 = Path("pretrained/doodlenet_keras/doodleNet-model.h5")
TFJS = Path("pretrained/doodlenet_tfjs/model.json")


@pytest.fixture(scope="module")
def keras(data_dir: Path) -> KerasModel:
    return read_keras_h5(data_dir / H5)


def test_h5_layers_and_shapes(keras: KerasModel) -> None:
    assert keras.input_shape == (28, 28, 1)
    assert keras.keras_version == "2.2.4-tf"
    assert [layer.name for layer in keras.weighted()] == [
        *(f"conv2d{s}" for s in ("", "_1", "_2", "_3", "_4", "_5")),
        "dense",
        "dense_1",
    ]
    assert keras.weighted()[-2].kernel.shape == (576, 512)
    assert (
        sum(w.size for layer in keras.layers for w in layer.weights) == 544_201
    )  # = 2,176,804 B TF.js shard / 4


def test_validate_rejects_a_wrong_shape(keras: KerasModel) -> None:
    layers = list(keras.layers)
    bad = layers[3]
    layers[3] = dataclasses.replace(bad, weights=(bad.kernel[:, :, :8], bad.bias))
    with pytest.raises(KerasH5Error, match="kernel shape"):
        validate(dataclasses.replace(keras, layers=tuple(layers)))


def test_h5_and_tfjs_weights_are_identical(keras: KerasModel, data_dir: Path) -> None:
    tfjs = read_tfjs_weights(data_dir / TFJS)
    h5 = keras.named_weights()
    assert list(tfjs) == list(h5)
    for name, array in h5.items():
        np.testing.assert_array_equal(tfjs[name], array, err_msg=name)


def _layer(class_name: str, config: dict, *weights: np.ndarray) -> KerasLayer:
    names = ("kernel", "bias")[: len(weights)]
    return KerasLayer(class_name.lower(), class_name, config, weights, names)


def test_reference_conv_same_padding_and_pool_match_torch() -> None:
    """An independent check of the reference's NHWC conv + 'valid' pool against torch (odd size 7)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((3, 3, 2, 4)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    conv = {"kernel_size": [3, 3], "filters": 4, "strides": [1, 1], "padding": "same"}
    conv |= {"activation": "relu", "dilation_rate": [1, 1]}
    pool = {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}
    model = KerasModel(
        (_layer("Conv2D", conv, kernel, bias), _layer("MaxPooling2D", pool)), input_shape=(7, 7, 2)
    )
    validate(model)
    x = rng.random((3, 7, 7, 2)).astype(np.float32)
    got = keras_forward(model, x)
    t = torch.nn.functional.conv2d(
        torch.from_numpy(x).permute(0, 3, 1, 2), torch.from_numpy(kernel).permute(3, 2, 0, 1), padding=1
    )
    want = torch.nn.functional.max_pool2d(torch.relu(t + torch.from_numpy(bias)[:, None, None]), 2)
    assert got.shape == (3, 3, 3, 4)
    np.testing.assert_allclose(got, want.permute(0, 2, 3, 1).numpy(), atol=1e-5)
