"""Read a Keras HDF5 model file with h5py: the layer list from ``model_config`` and each layer's weights."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

# layer types whose weights are [kernel, bias]; everything else must carry no weights
WEIGHTED_LAYERS = ("Conv2D", "Dense")
# layer types we know how to read and validate (enough for small Sequential CNNs such as DoodleNet)
KNOWN_LAYERS = (*WEIGHTED_LAYERS, "MaxPooling2D", "Dropout", "Flatten", "InputLayer")


class KerasH5Error(ValueError):
    """The HDF5 file is not a Keras model we can read, or its weights do not fit its layers."""


@dataclass(frozen=True)
class KerasLayer:
    """One Keras layer: its class, its config and its weights in Keras order (e.g. kernel, bias)."""

    name: str
    class_name: str
    config: Mapping[str, Any]
    weights: tuple[np.ndarray, ...] = ()
    weight_names: tuple[str, ...] = ()

    @property
    def kernel(self) -> np.ndarray:
        """The kernel of a Conv2D (HWIO) or Dense (in, out) layer."""
        return self.weights[0]

    @property
    def bias(self) -> np.ndarray:
        """The bias of a Conv2D or Dense layer."""
        return self.weights[1]


@dataclass(frozen=True)
class KerasModel:
    """A Keras Sequential model as read from HDF5: layers in order, input shape and file attributes."""

    layers: tuple[KerasLayer, ...]
    input_shape: tuple[int, ...]
    keras_version: str = ""
    backend: str = ""
    model_config: Mapping[str, Any] = field(default_factory=dict)

    def weighted(self) -> list[KerasLayer]:
        """The layers that carry weights, in order."""
        return [layer for layer in self.layers if layer.weights]

    def named_weights(self) -> dict[str, np.ndarray]:
        """Every weight as ``{"<layer>/<kernel|bias>": array}``, the naming the TF.js manifest uses."""
        out: dict[str, np.ndarray] = {}
        for layer in self.layers:
            for name, array in zip(layer.weight_names, layer.weights, strict=True):
                out[f"{layer.name}/{name}"] = array
        return out


def _text(value: Any) -> str:
    """An HDF5 attribute (bytes or str) as str."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _layer_weights(group: h5py.Group) -> tuple[tuple[str, ...], tuple[np.ndarray, ...]]:
    """A layer group's weights in the order of its ``weight_names`` attribute, with short names."""
    names = [_text(n) for n in group.attrs.get("weight_names", [])]
    arrays = tuple(np.asarray(group[name], dtype=np.float32) for name in names)
    # "conv2d/kernel:0" -> "kernel"
    short = tuple(name.split("/")[-1].split(":")[0] for name in names)
    return short, arrays


def _check_shapes(layer: KerasLayer, channels: int) -> int:
    """Check a layer's weights against its config and the incoming channel count; return outgoing."""
    cfg = layer.config
    if layer.class_name not in KNOWN_LAYERS:
        raise KerasH5Error(f"layer {layer.name!r}: unsupported layer type {layer.class_name}")
    if layer.class_name not in WEIGHTED_LAYERS:
        if layer.weights:
            raise KerasH5Error(f"layer {layer.name!r} ({layer.class_name}) should carry no weights")
        return channels
    use_bias = cfg.get("use_bias", True)
    if layer.weight_names != (("kernel", "bias") if use_bias else ("kernel",)):
        raise KerasH5Error(f"layer {layer.name!r}: unexpected weights {layer.weight_names}")
    if layer.class_name == "Conv2D":
        expected = (*cfg["kernel_size"], channels, cfg["filters"])
        out = int(cfg["filters"])
    else:
        expected = (channels, cfg["units"])
        out = int(cfg["units"])
    if layer.kernel.shape != tuple(expected):
        raise KerasH5Error(f"layer {layer.name!r}: kernel shape {layer.kernel.shape}, expected {expected}")
    if use_bias and layer.bias.shape != (out,):
        raise KerasH5Error(f"layer {layer.name!r}: bias shape {layer.bias.shape}, expected ({out},)")
    return out


def validate(model: KerasModel) -> None:
    """Check every kernel and bias shape against the layer configs, following the data through the net."""
    height, width, channels = model.input_shape
    for layer in model.layers:
        if layer.class_name == "Flatten":
            channels = height * width * channels
            height = width = 1
        elif layer.class_name == "MaxPooling2D":
            (ph, pw), (sh, sw) = layer.config["pool_size"], layer.config["strides"]
            height, width = (height - ph) // sh + 1, (width - pw) // sw + 1
        elif layer.class_name == "Conv2D" and layer.config.get("padding") == "valid":
            kh, kw = layer.config["kernel_size"]
            height, width = height - kh + 1, width - kw + 1
        channels = _check_shapes(layer, channels)


def read_keras_h5(path: str | Path) -> KerasModel:
    """Read a Keras (2.x, Sequential) HDF5 file: architecture from ``model_config``, weights, validated."""
    with h5py.File(path, "r") as f:
        if "model_config" not in f.attrs:
            raise KerasH5Error(f"{path}: no model_config attribute (weights-only file?)")
        config = json.loads(_text(f.attrs["model_config"]))
        if config.get("class_name") != "Sequential":
            raise KerasH5Error(
                f"{path}: only Sequential models are supported, got {config.get('class_name')}"
            )
        weights_root = f.get("model_weights", f)
        layers = []
        for spec in config["config"]["layers"]:
            cfg = spec["config"]
            names: tuple[str, ...] = ()
            arrays: tuple[np.ndarray, ...] = ()
            if cfg["name"] in weights_root:
                names, arrays = _layer_weights(weights_root[cfg["name"]])
            layers.append(KerasLayer(cfg["name"], spec["class_name"], cfg, arrays, names))
        batch_shape = config["config"]["layers"][0]["config"].get("batch_input_shape")
        if not batch_shape or len(batch_shape) != 4:
            raise KerasH5Error(f"{path}: first layer has no 4-D batch_input_shape (got {batch_shape})")
        model = KerasModel(
            layers=tuple(layers),
            input_shape=tuple(int(d) for d in batch_shape[1:]),
            keras_version=_text(f.attrs.get("keras_version", "")),
            backend=_text(f.attrs.get("backend", "")),
            model_config=config,
        )
    validate(model)
    return model
