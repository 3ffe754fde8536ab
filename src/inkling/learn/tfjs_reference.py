"""An independent NumPy forward pass of a TF.js layers-model (Functional graph) from model.json + shards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from inkling.learn.keras_h5 import KerasLayer
from inkling.learn.keras_reference import conv2d, dense
from inkling.learn.quickdraw_resnet import topology_layers
from inkling.learn.tfjs_weights import read_tfjs_weights

# weight order per layer type, as Keras stores them (the suffixes of the manifest names)
WEIGHT_NAMES = {
    "Conv2D": ("kernel", "bias"),
    "Dense": ("kernel", "bias"),
    "BatchNormalization": ("gamma", "beta", "moving_mean", "moving_variance"),
}


def batch_norm(x: np.ndarray, layer: KerasLayer) -> np.ndarray:
    """Keras BatchNormalization at inference: gamma * (x - mean) / sqrt(var + eps) + beta, last axis."""
    gamma, beta, mean, var = (w.astype(x.dtype) for w in layer.weights)
    return gamma * (x - mean) / np.sqrt(var + layer.config["epsilon"]) + beta


# single-input layer type -> forward function (inference mode: Dropout is the identity)
UNARY: dict[str, Callable[[np.ndarray, KerasLayer], np.ndarray]] = {
    "Conv2D": conv2d,
    "Dense": dense,
    "BatchNormalization": batch_norm,
    "ReLU": lambda x, layer: np.maximum(x, 0),
    "GlobalAveragePooling2D": lambda x, layer: x.mean(axis=(1, 2)),
    "Dropout": lambda x, layer: x,
}


def tfjs_layers(model_json: Path) -> list[tuple[KerasLayer, list[str]]]:
    """Each layer of the graph with its weights and the names of the layers feeding it."""
    weights = read_tfjs_weights(model_json)
    out = []
    for spec in topology_layers(model_json):
        names = WEIGHT_NAMES.get(spec["class_name"], ())
        arrays = tuple(weights[f"{spec['name']}/{n}"] for n in names)
        inbound = [node[0] for node in spec["inbound_nodes"][0]] if spec["inbound_nodes"] else []
        out.append((KerasLayer(spec["name"], spec["class_name"], spec["config"], arrays, names), inbound))
    return out


def tfjs_forward(
    layers: list[tuple[KerasLayer, list[str]]], x: np.ndarray, dtype: type = np.float64
) -> np.ndarray:
    """Run the graph on NHWC input ``x`` (computing in ``dtype``); returns the last layer's output."""
    values: dict[str, np.ndarray] = {}
    for layer, inbound in layers:
        if layer.class_name == "InputLayer":
            values[layer.name] = np.asarray(x, dtype=dtype)
        elif layer.class_name == "Add":
            values[layer.name] = sum(values[name] for name in inbound)  # type: ignore[assignment]
        elif layer.class_name in UNARY:
            (source,) = inbound
            values[layer.name] = UNARY[layer.class_name](values[source], layer)
        else:
            raise NotImplementedError(f"{layer.name}: layer type {layer.class_name}")
    return values[layers[-1][0].name]


def tfjs_reference(model_json: str | Path, batch_size: int = 128) -> Callable[[np.ndarray], np.ndarray]:
    """A batched NumPy reference function of the TF.js model that accepts NCHW input (the ONNX layout)."""
    layers = tfjs_layers(Path(model_json))

    def run(x: np.ndarray) -> np.ndarray:
        nhwc = np.moveaxis(np.asarray(x), 1, -1)
        parts = [tfjs_forward(layers, nhwc[i : i + batch_size]) for i in range(0, len(nhwc), batch_size)]
        return np.concatenate(parts)

    return run
