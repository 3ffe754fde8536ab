"""The Quick, Draw! ResNet (TF.js layers model, 345 classes) rebuilt in torch from its model.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inkling.learn.tfjs_weights import read_tfjs_weights

INPUT_SIZE = 28  # bitmap side in pixels (the official numpy_bitmap size), like DoodleNet
IN_CHANNELS = 1  # grey, white strokes on black, 0..1
STAGES = ((32, 1), (64, 2), (128, 2))  # (channels, stride of the stage's first conv)
BLOCKS_PER_STAGE = 2  # identity residual blocks after each stage's first conv
KERNEL_SIZE = 3  # every conv is 3x3 with TF 'same' padding
BN_EPS = 1e-3  # Keras BatchNormalization epsilon
HIDDEN_UNITS = 256  # Dense after global average pooling, ReLU
NUM_CLASSES = 345  # every Quick, Draw! category


class TfjsModelError(ValueError):
    """model.json is not the residual network this module rebuilds."""


def tf_same_padding(size: int, stride: int, kernel: int = KERNEL_SIZE) -> tuple[int, int]:
    """TensorFlow 'same' padding (before, after) of one axis: an odd extra pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class ConvBN(nn.Module):
    """Conv 3x3 (TF 'same' padding for a fixed input side) + batch norm; ReLU when ``relu``."""

    def __init__(self, cin: int, cout: int, stride: int, size: int, relu: bool) -> None:
        super().__init__()
        before, after = tf_same_padding(size, stride)
        # symmetric padding inside the conv; asymmetric (stride 2 on even sides) as an explicit pad
        self.pad = nn.ZeroPad2d((before, after, before, after)) if before != after else nn.Identity()
        self.conv = nn.Conv2d(cin, cout, KERNEL_SIZE, stride, padding=before if before == after else 0)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.relu = relu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn(self.conv(self.pad(x)))
        return torch.relu(y) if self.relu else y


class ResidualBlock(nn.Module):
    """ReLU(x + BN(conv(ReLU(BN(conv(x)))))) at constant width and size."""

    def __init__(self, channels: int, size: int) -> None:
        super().__init__()
        self.first = ConvBN(channels, channels, 1, size, relu=True)
        self.second = ConvBN(channels, channels, 1, size, relu=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.second(self.first(x)))


class QuickdrawResNet(nn.Module):
    """Per stage: ConvBN-ReLU (stride s) + 2 residual blocks; global mean pool; Dense 256 ReLU; Dense 345."""

    def __init__(self, num_classes: int = NUM_CLASSES) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin, size = IN_CHANNELS, INPUT_SIZE
        for channels, stride in STAGES:
            layers.append(ConvBN(cin, channels, stride, size, relu=True))
            size = -(-size // stride)
            layers += [ResidualBlock(channels, size) for _ in range(BLOCKS_PER_STAGE)]
            cin = channels
        self.features = nn.Sequential(*layers)
        self.hidden = nn.Linear(cin, HIDDEN_UNITS)
        self.head = nn.Linear(HIDDEN_UNITS, num_classes)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The penultimate layer, what the head sees (256 ReLU units after global average pooling)."""
        return torch.relu(self.hidden(self.features(x).mean(dim=(2, 3))))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores before softmax (Dropout is the identity at inference and is left out)."""
        return self.head(self.embed(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities (softmax included, as in the TF.js original)."""
        return torch.softmax(self.logits(x), dim=-1)


def convs_in_order(net: nn.Module) -> list[ConvBN]:
    """Every ConvBN of ``net`` in forward order (the order of model.json's Conv2D layers)."""
    return [m for m in net.modules() if isinstance(m, ConvBN)]


def expected_layers() -> Iterator[tuple[str, dict[str, Any]]]:
    """The TF.js model's weighted layers as (class name, config values it must have), in order."""
    for channels, stride in STAGES:
        for i in range(1 + 2 * BLOCKS_PER_STAGE):
            strides = [stride, stride] if i == 0 else [1, 1]
            conv = {"filters": channels, "kernel_size": [KERNEL_SIZE] * 2, "strides": strides}
            yield "Conv2D", {**conv, "padding": "same", "activation": "linear", "use_bias": True}
            yield "BatchNormalization", {"epsilon": BN_EPS, "center": True, "scale": True}
    yield "Dense", {"units": HIDDEN_UNITS, "activation": "relu"}
    yield "Dense", {"units": NUM_CLASSES, "activation": "softmax"}


def topology_layers(model_json: Path) -> list[dict[str, Any]]:
    """The layer list of a TF.js layers-model's ``modelTopology`` (Functional or Sequential)."""
    topology = json.loads(Path(model_json).read_text())["modelTopology"]
    return topology["model_config"]["config"]["layers"]


def check_topology(layers: list[dict[str, Any]]) -> None:
    """Raise :class:`TfjsModelError` unless the weighted layers are exactly the ones this module rebuilds."""
    weighted = [layer for layer in layers if layer["class_name"] in ("Conv2D", "BatchNormalization", "Dense")]
    expected = list(expected_layers())
    if [layer["class_name"] for layer in weighted] != [kind for kind, _ in expected]:
        raise TfjsModelError(f"layers {[layer['class_name'] for layer in weighted]} are not the ResNet's")
    for layer, (_, values) in zip(weighted, expected, strict=True):
        for key, value in values.items():
            if layer["config"].get(key) != value:
                raise TfjsModelError(
                    f"{layer['name']}: {key}={layer['config'].get(key)!r}, expected {value!r}"
                )


def load_tfjs(net: QuickdrawResNet, model_json: Path) -> QuickdrawResNet:
    """Copy the TF.js weights into ``net`` (conv HWIO -> OIHW, BN running stats, dense kernels transposed)."""
    layers = topology_layers(model_json)
    check_topology(layers)
    weights = read_tfjs_weights(model_json)
    convs = [layer["name"] for layer in layers if layer["class_name"] == "Conv2D"]
    norms = [layer["name"] for layer in layers if layer["class_name"] == "BatchNormalization"]
    hidden, head = (layer["name"] for layer in layers if layer["class_name"] == "Dense")
    pairs: list[tuple[torch.Tensor, np.ndarray]] = []
    for block, conv, norm in zip(convs_in_order(net), convs, norms, strict=True):
        pairs += [(block.conv.weight, weights[f"{conv}/kernel"].transpose(3, 2, 0, 1)),
                  (block.conv.bias, weights[f"{conv}/bias"]),
                  (block.bn.weight, weights[f"{norm}/gamma"]), (block.bn.bias, weights[f"{norm}/beta"]),
                  (block.bn.running_mean, weights[f"{norm}/moving_mean"]),
                  (block.bn.running_var, weights[f"{norm}/moving_variance"])]  # fmt: skip
    for linear, name in ((net.hidden, hidden), (net.head, head)):
        pairs += [(linear.weight, weights[f"{name}/kernel"].T), (linear.bias, weights[f"{name}/bias"])]
    with torch.no_grad():
        for param, array in pairs:
            if tuple(param.shape) != array.shape:
                raise TfjsModelError(
                    f"weight shape {array.shape} does not fit parameter {tuple(param.shape)}"
                )
            param.copy_(torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)))
    return net


def fold_batch_norm(net: QuickdrawResNet) -> QuickdrawResNet:
    """Fold every batch norm into its conv (eval-mode arithmetic; the BN becomes the identity), in place."""
    with torch.no_grad():
        for block in convs_in_order(net):
            bn, conv = block.bn, block.conv
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            conv.weight.mul_(scale[:, None, None, None])
            conv.bias.copy_((conv.bias - bn.running_mean) * scale + bn.bias)
            block.bn = nn.Identity()  # type: ignore[assignment]
    return net


def quickdraw_resnet(model_json: str | Path | None = None, *, fold: bool = False) -> QuickdrawResNet:
    """The ResNet in eval mode; with ``model_json``, carrying the TF.js weights (BN folded when ``fold``)."""
    net = QuickdrawResNet()
    if model_json is not None:
        load_tfjs(net, Path(model_json))
    net.eval()
    return fold_batch_norm(net) if fold else net
