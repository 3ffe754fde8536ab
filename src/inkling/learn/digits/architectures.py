"""Digit classifier architectures, timm-style: ``@register_digit_model`` + ``create_digit_model(name)``.

Every model takes NCHW float32 (N, 1, 28, 28) in 0..1, white on black (the MNIST convention), has
``.logits(x)`` and returns probabilities from ``forward`` (what we export to ONNX).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

_REGISTRY: dict[str, Callable[..., nn.Module]] = {}


def register_digit_model(name: str) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: add a factory ``fn(num_classes, **kw)`` to the digit model registry under ``name``."""

    def wrap(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _REGISTRY:
            raise ValueError(f"digit model {name!r} is already registered")
        _REGISTRY[name] = fn
        return fn

    return wrap


def list_digit_models() -> list[str]:
    """Names of every registered digit architecture, sorted."""
    return sorted(_REGISTRY)


def create_digit_model(name: str, num_classes: int = 10, **kwargs: Any) -> nn.Module:
    """Build a registered digit architecture with fresh weights."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown digit model {name!r}; known: {', '.join(list_digit_models())}")
    return _REGISTRY[name](num_classes=num_classes, **kwargs)


def conv_block(c_in: int, c_out: int) -> list[nn.Module]:
    """3x3 convolution (no bias), batch-norm, ReLU."""
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]


class DigitCNN(nn.Module):
    """Conv blocks with max-pooling between them, global average pooling, dropout, linear head."""

    def __init__(
        self, num_classes: int = 10, widths: Sequence[int] = (32, 64, 128), dropout: float = 0.2
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in = 1
        for index, width in enumerate(widths):
            layers += conv_block(c_in, width)
            if index < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            c_in = width
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(c_in, num_classes))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores before softmax."""
        return self.head(self.features(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities."""
        return torch.softmax(self.logits(x), dim=-1)


@register_digit_model("digit-cnn")
def digit_cnn(num_classes: int = 10, **kwargs: Any) -> nn.Module:
    """32@28 → pool → 64@14 → pool → 128@7 → GAP → 10 (~94k parameters, ~7.5M MACs per image)."""
    return DigitCNN(num_classes, widths=(32, 64, 128), **kwargs)


@register_digit_model("digit-cnn-wide")
def digit_cnn_wide(num_classes: int = 10, **kwargs: Any) -> nn.Module:
    """48@28 → pool → 96@14 → pool → 192@7 → GAP → 10 (~210k parameters; ~2x the compute)."""
    return DigitCNN(num_classes, widths=(48, 96, 192), **kwargs)


@register_digit_model("digit-cnn-tiny")
def digit_cnn_tiny(num_classes: int = 10, **kwargs: Any) -> nn.Module:
    """8@28 → pool → 16@14 → GAP → 10: for tests and smoke runs only."""
    return DigitCNN(num_classes, widths=(8, 16), **kwargs)
