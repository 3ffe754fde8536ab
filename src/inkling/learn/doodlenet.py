"""DoodleNet (ml5.js, 345 Quick, Draw! classes) rebuilt in torch, loadable from the released Keras HDF5."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inkling.learn.keras_h5 import KerasH5Error, KerasModel, read_keras_h5

INPUT_SIZE = 28  # bitmap side in pixels (the official numpy_bitmap size)
IN_CHANNELS = 1  # grey, white strokes on black, 0..1
CONV_PLAN = (16, 16, "M", 32, 32, "M", 64, 64, "M")  # conv output channels; "M" = 2x2 max pool
KERNEL_SIZE = 3  # every conv is 3x3, stride 1, 'same' padding, ReLU
POOL_SIZE = 2  # every max pool is 2x2, stride 2, 'valid' (28 -> 14 -> 7 -> 3)
DROPOUT = 0.1  # before the classifier (identity at inference)
HIDDEN_UNITS = 512  # first dense layer, tanh
NUM_CLASSES = 345  # every Quick, Draw! category


def _feature_side(size: int = INPUT_SIZE) -> int:
    """Side of the last feature map: each 'valid' pool floors."""
    for step in CONV_PLAN:
        if step == "M":
            size //= POOL_SIZE
    return size


def expected_keras_layers() -> Iterator[tuple[str, dict[str, Any]]]:
    """The released DoodleNet as (Keras layer type, config values it must have), in order."""
    for step in CONV_PLAN:
        if step == "M":
            pool = [POOL_SIZE, POOL_SIZE]
            yield "MaxPooling2D", {"pool_size": pool, "strides": pool, "padding": "valid"}
        else:
            kernel = [KERNEL_SIZE, KERNEL_SIZE]
            conv = {"filters": step, "kernel_size": kernel, "strides": [1, 1], "padding": "same"}
            yield "Conv2D", {**conv, "activation": "relu", "data_format": "channels_last"}
    yield "Dropout", {"rate": DROPOUT}
    yield "Flatten", {"data_format": "channels_last"}
    yield "Dense", {"units": HIDDEN_UNITS, "activation": "tanh"}
    yield "Dense", {"units": NUM_CLASSES, "activation": "softmax"}


def check_architecture(model: KerasModel) -> None:
    """Raise :class:`KerasH5Error` unless the Keras model is exactly the DoodleNet this module rebuilds."""
    expected = list(expected_keras_layers())
    layers = [layer for layer in model.layers if layer.class_name != "InputLayer"]
    if model.input_shape != (INPUT_SIZE, INPUT_SIZE, IN_CHANNELS):
        raise KerasH5Error(
            f"input shape {model.input_shape}, expected {(INPUT_SIZE, INPUT_SIZE, IN_CHANNELS)}"
        )
    if [layer.class_name for layer in layers] != [kind for kind, _ in expected]:
        raise KerasH5Error(f"layers {[layer.class_name for layer in layers]} are not DoodleNet's")
    for layer, (_, values) in zip(layers, expected, strict=True):
        for key, value in values.items():
            if layer.config.get(key) != value:
                raise KerasH5Error(f"layer {layer.name}: {key}={layer.config.get(key)!r}, expected {value!r}")


class DoodleNet(nn.Module):
    """Conv16-Conv16-Pool-Conv32-Conv32-Pool-Conv64-Conv64-Pool-Dropout-Dense512(tanh)-Dense345; NCHW."""

    def __init__(self, num_classes: int = NUM_CLASSES, dropout: float = DROPOUT) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = IN_CHANNELS
        for step in CONV_PLAN:
            if step == "M":
                layers.append(nn.MaxPool2d(POOL_SIZE))
            else:
                layers += [nn.Conv2d(channels, int(step), KERNEL_SIZE, padding=KERNEL_SIZE // 2), nn.ReLU()]
                channels = int(step)
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.hidden = nn.Linear(channels * _feature_side() ** 2, HIDDEN_UNITS)
        self.head = nn.Linear(HIDDEN_UNITS, num_classes)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The penultimate layer, what the head sees (512 tanh units)."""
        return torch.tanh(self.hidden(self.dropout(self.features(x)).flatten(1)))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores before softmax (what a loss function wants)."""
        return self.head(self.embed(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities (softmax included, as in the Keras original)."""
        return torch.softmax(self.logits(x), dim=-1)


def keras_flatten_rows_to_torch(kernel: np.ndarray, height: int, width: int, channels: int) -> np.ndarray:
    """Reorder a Dense kernel's rows from Keras's channels-last flatten (h, w, c) to torch's (c, h, w)."""
    units = kernel.shape[1]
    return kernel.reshape(height, width, channels, units).transpose(2, 0, 1, 3).reshape(-1, units)


def load_keras_weights(net: DoodleNet, model: KerasModel) -> DoodleNet:
    """Copy Keras weights into ``net``: conv HWIO -> OIHW, dense (in, out) -> (out, in), flatten reorder."""
    check_architecture(model)
    keras_convs = [layer for layer in model.layers if layer.class_name == "Conv2D"]
    torch_convs = [m for m in net.features if isinstance(m, nn.Conv2d)]
    hidden, head = (layer for layer in model.layers if layer.class_name == "Dense")
    side = _feature_side()
    hidden_kernel = keras_flatten_rows_to_torch(hidden.kernel, side, side, torch_convs[-1].out_channels)
    pairs = [
        (conv.weight, k.kernel.transpose(3, 2, 0, 1))
        for conv, k in zip(torch_convs, keras_convs, strict=True)
    ]
    pairs += [(conv.bias, k.bias) for conv, k in zip(torch_convs, keras_convs, strict=True)]
    pairs += [(net.hidden.weight, hidden_kernel.T), (net.hidden.bias, hidden.bias)]
    pairs += [(net.head.weight, head.kernel.T), (net.head.bias, head.bias)]
    with torch.no_grad():
        for param, array in pairs:
            if tuple(param.shape) != array.shape:
                raise KerasH5Error(f"weight shape {array.shape} does not fit parameter {tuple(param.shape)}")
            param.copy_(torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)))
    return net


def doodlenet(h5_path: str | Path | None = None, **kwargs: Any) -> DoodleNet:
    """A DoodleNet in eval mode; with ``h5_path``, carrying the released Keras weights."""
    net = DoodleNet(**kwargs)
    if h5_path is not None:
        load_keras_weights(net, read_keras_h5(h5_path))
    return net.eval()
