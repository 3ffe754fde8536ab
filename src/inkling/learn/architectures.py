"""Doodle classifier architectures, timm-style: ``@register_model`` + ``create_model(name, ...)``.

Every model takes NCHW float32 in 0..1 (channel 0 = the official-style bitmap; more channels for
stroke-aware models), has ``.logits(x)`` and returns probabilities from ``forward`` (what we export).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from inkling.ink.features import STROKE_CHANNELS
from inkling.learn.blend import MEMBER_ARCHS, Blend
from inkling.learn.doodlenet import DoodleNet
from inkling.learn.quickdraw_resnet import QuickdrawResNet, fold_batch_norm

_REGISTRY: dict[str, Callable[..., nn.Module]] = {}
IN_CHANNELS: dict[str, int] = {}  # input channels each registered model expects
PRETRAINED_FAMILIES = (DoodleNet, QuickdrawResNet)  # a student of one starts from the pretrained one


def register_model(
    name: str, in_channels: int = 1
) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: add a model factory ``fn(num_classes, **kw)`` to the registry under ``name``."""

    def wrap(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} is already registered")
        _REGISTRY[name] = fn
        IN_CHANNELS[name] = in_channels
        return fn

    return wrap


def list_models() -> list[str]:
    """Names of every registered architecture, sorted."""
    return sorted(_REGISTRY)


def create_model(name: str, num_classes: int = 345, **kwargs: Any) -> nn.Module:
    """Build a registered architecture with ``num_classes`` outputs (fresh weights)."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(list_models())}")
    return _REGISTRY[name](num_classes=num_classes, **kwargs)


class ProbabilityHead(nn.Module):
    """Mixin-style base: ``forward`` is the softmax of ``logits``."""

    def logits(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        """Class scores before softmax."""
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities."""
        return torch.softmax(self.logits(x), dim=-1)


class MLP(ProbabilityHead):
    """784 -> 128 -> 100 -> N with batch-norm, ReLU and dropout."""

    def __init__(self, num_classes: int, hidden: Sequence[int] = (128, 100), dropout: float = 0.2) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for units in hidden:
            layers += [nn.Linear(width, units), nn.BatchNorm1d(units), nn.ReLU(), nn.Dropout(dropout)]
            width = units
        layers.append(nn.Linear(width, num_classes))
        self.net = nn.Sequential(*layers)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores before softmax."""
        return self.net(x[:, :1])


class SmallCNN(ProbabilityHead):
    """conv32-pool-conv64-pool-dropout-dense128-dense N."""

    def __init__(self, num_classes: int, dropout: float = 0.25) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Dropout(dropout), nn.Flatten(),
        )  # fmt: skip
        self.head = nn.Sequential(nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, num_classes))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores before softmax."""
        return self.head(self.features(x[:, :1]))


class DoodleNetStrokes(DoodleNet):
    """DoodleNet with extra stroke channels; their first-conv weights start at zero (= the teacher)."""

    def __init__(self, num_classes: int = 345, extra_channels: int = STROKE_CHANNELS) -> None:
        super().__init__(num_classes=num_classes)
        first = self.features[0]
        wider = nn.Conv2d(1 + extra_channels, first.out_channels, first.kernel_size, padding=first.padding)
        with torch.no_grad():
            wider.weight.zero_()
            wider.weight[:, :1] = first.weight
            wider.bias.copy_(first.bias)
        self.features[0] = wider


@register_model("mlp")
def mlp(num_classes: int = 345, **kwargs: Any) -> nn.Module:
    """Pixel MLP baseline."""
    return MLP(num_classes, **kwargs)


@register_model("cnn-small")
def cnn_small(num_classes: int = 345, **kwargs: Any) -> nn.Module:
    """Two-conv CNN baseline."""
    return SmallCNN(num_classes, **kwargs)


@register_model("doodlenet")
def doodlenet_arch(num_classes: int = 345, **kwargs: Any) -> nn.Module:
    """The DoodleNet architecture (initialise from the released weights with :func:`init_from_teacher`)."""
    return DoodleNet(num_classes=num_classes, **kwargs)


@register_model("doodlenet-strokes", in_channels=1 + STROKE_CHANNELS)
def doodlenet_strokes(num_classes: int = 345, **kwargs: Any) -> nn.Module:
    """DoodleNet + stroke-recency channel (zeros when only a bitmap is known)."""
    return DoodleNetStrokes(num_classes=num_classes, **kwargs)


@register_model("resnet")
def resnet_arch(num_classes: int = 345, **kwargs: Any) -> nn.Module:
    """The Quick, Draw! ResNet with batch norm folded away (seed it with ``init_from_teacher``)."""
    return fold_batch_norm(QuickdrawResNet(num_classes=num_classes, **kwargs))


@register_model("blend")
def blend_arch(
    num_classes: int = 345,
    members: Sequence[str] = MEMBER_ARCHS,
    weights: Sequence[float] = (0.5, 0.5),
    shifts: Sequence[str | None] | None = None,
) -> nn.Module:
    """Members of registered architectures blended in one graph (:class:`inkling.learn.blend.Blend`)."""
    unknown = [m for m in members if m not in MEMBER_ARCHS]
    if unknown:
        raise ValueError(f"a blend holds {', '.join(MEMBER_ARCHS)}, not {unknown[0]!r}")
    return Blend([create_model(m, num_classes=num_classes) for m in members], weights, shifts)


def init_from_teacher(model: nn.Module, teacher: nn.Module, rows: Sequence[int] | None = None) -> bool:
    """Copy a same-family teacher's weights into ``model`` (``rows`` slices the head); False if unfit.

    DoodleNet-family students take DoodleNet's weights (a wider first conv gets zeros for the extra
    channels); the folded ResNet takes the folded ResNet's.
    """
    if not any(isinstance(model, family) and isinstance(teacher, family) for family in PRETRAINED_FAMILIES):
        return False
    source = teacher.state_dict()
    target = model.state_dict()
    index = torch.as_tensor(list(rows)) if rows is not None else None
    with torch.no_grad():
        for key, value in source.items():
            if key.startswith("head.") and index is not None:
                value = value[index]
            if key == "features.0.weight" and target[key].shape[1] != value.shape[1]:
                widened = torch.zeros_like(target[key])
                widened[:, : value.shape[1]] = value
                value = widened
            target[key].copy_(value)
    model.load_state_dict(target)
    return True
