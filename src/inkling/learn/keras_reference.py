"""An independent NumPy forward pass of a Keras Sequential CNN, with Keras semantics (NHWC, TF padding)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from inkling.learn.keras_h5 import KerasLayer, KerasModel


def _softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the max for stability."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# Keras activation names -> NumPy functions
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "softmax": _softmax,
}


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow 'same' padding (before, after): the extra pixel, if any, goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d(x: np.ndarray, layer: KerasLayer) -> np.ndarray:
    """Keras Conv2D on NHWC input with an HWIO kernel, 'same' or 'valid' padding, any stride."""
    cfg = layer.config
    if cfg.get("data_format", "channels_last") != "channels_last" or tuple(cfg["dilation_rate"]) != (1, 1):
        raise NotImplementedError(f"{layer.name}: only channels_last, undilated convolutions")
    kh, kw = layer.kernel.shape[:2]
    sh, sw = cfg["strides"]
    if cfg["padding"] == "same":
        pads = (_same_padding(x.shape[1], kh, sh), _same_padding(x.shape[2], kw, sw))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    # windows: (N, H', W', C, kh, kw), strided
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    y = np.einsum("nhwcij,ijco->nhwo", windows, layer.kernel.astype(x.dtype), optimize=True)
    if cfg.get("use_bias", True):
        y = y + layer.bias.astype(x.dtype)
    return ACTIVATIONS[cfg["activation"]](y)


def max_pool2d(x: np.ndarray, layer: KerasLayer) -> np.ndarray:
    """Keras MaxPooling2D on NHWC input ('valid' padding: trailing rows/columns that do not fit drop)."""
    cfg = layer.config
    if cfg["padding"] != "valid":
        raise NotImplementedError(f"{layer.name}: only 'valid' max pooling")
    (ph, pw), (sh, sw) = cfg["pool_size"], cfg["strides"]
    windows = sliding_window_view(x, (ph, pw), axis=(1, 2))[:, ::sh, ::sw]
    return windows.max(axis=(-2, -1))


def dense(x: np.ndarray, layer: KerasLayer) -> np.ndarray:
    """Keras Dense: ``activation(x @ kernel + bias)`` with an (in, out) kernel."""
    y = x @ layer.kernel.astype(x.dtype)
    if layer.config.get("use_bias", True):
        y = y + layer.bias.astype(x.dtype)
    return ACTIVATIONS[layer.config["activation"]](y)


# layer type -> forward function (inference mode: Dropout is the identity; Flatten keeps NHWC order)
FORWARD: dict[str, Callable[[np.ndarray, KerasLayer], np.ndarray]] = {
    "Conv2D": conv2d,
    "MaxPooling2D": max_pool2d,
    "Dense": dense,
    "Dropout": lambda x, layer: x,
    "InputLayer": lambda x, layer: x,
    "Flatten": lambda x, layer: x.reshape(x.shape[0], -1),
}


def keras_forward(model: KerasModel, x: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """Run ``model`` on NHWC (or NHW for one channel) input ``x``; computes in ``dtype`` (float64 default)."""
    x = np.asarray(x, dtype=dtype)
    if x.ndim == 3 and model.input_shape[-1] == 1:
        x = x[..., None]
    if x.shape[1:] != model.input_shape:
        raise ValueError(f"input shape {x.shape[1:]} != model input {model.input_shape}")
    for layer in model.layers:
        x = FORWARD[layer.class_name](x, layer)
    return x


def keras_reference(model: KerasModel, batch_size: int = 256) -> Callable[[np.ndarray], np.ndarray]:
    """A batched NumPy reference function for ``model`` that accepts NCHW input (the ONNX layout)."""

    def run(x: np.ndarray) -> np.ndarray:
        nhwc = np.moveaxis(np.asarray(x), 1, -1)
        parts = [keras_forward(model, nhwc[i : i + batch_size]) for i in range(0, len(nhwc), batch_size)]
        return np.concatenate(parts)

    return run
