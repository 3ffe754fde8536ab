"""Turn drawings and bitmaps into a model's input tensor, following the input contract in its metadata.

A contract is a dict such as ``{"kind": "bitmap", "size": 28, "channels": 1, "layout": "NCHW",
"dtype": "float32", "range": [0, 1], "polarity": "white-on-black"}``. Each ``kind`` has one builder
function, registered in ``INPUT_BUILDERS``; a new kind (e.g. ``bitmap+strokes``) plugs in with
``@register_input_kind("bitmap+strokes")`` and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from inkling.ink import Ink, ink_to_bitmap

Item = Ink | np.ndarray  # a parsed drawing, or a ready uint8 (size, size) bitmap, white on black
InputBuilder = Callable[[Sequence[Item], Mapping[str, Any]], np.ndarray]

INPUT_BUILDERS: dict[str, InputBuilder] = {}
LAYOUTS = ("NCHW", "NHWC")
POLARITIES = ("white-on-black", "black-on-white")


class InputError(ValueError):
    """An input contract we cannot honour, or an item that does not fit it."""


def register_input_kind(kind: str) -> Callable[[InputBuilder], InputBuilder]:
    """Decorator: make ``builder(items, contract)`` the builder of input ``kind``."""

    def decorate(builder: InputBuilder) -> InputBuilder:
        INPUT_BUILDERS[kind] = builder
        return builder

    return decorate


def build_input(items: Sequence[Item] | np.ndarray, contract: Mapping[str, Any]) -> np.ndarray:
    """The model input tensor for a batch of drawings and/or bitmaps, per ``contract``."""
    kind = contract.get("kind")
    builder = INPUT_BUILDERS.get(kind)  # type: ignore[arg-type]
    if builder is None:
        known = ", ".join(sorted(INPUT_BUILDERS)) or "none"
        raise InputError(f"unknown model input kind {kind!r}; this build knows: {known}")
    return builder(items, contract)


def _contract_value(contract: Mapping[str, Any], key: str, default: Any, allowed: Sequence[Any]) -> Any:
    """``contract[key]`` (``default`` when absent), checked against ``allowed``."""
    value = contract.get(key, default)
    if value not in allowed:
        raise InputError(
            f"input contract: {key}={value!r} is not supported (expected one of {list(allowed)})"
        )
    return value


def bitmap_stack(items: Sequence[Item] | np.ndarray, size: int) -> np.ndarray:
    """(N, size, size) uint8, white on black: bitmaps as they are, drawings through ``ink_to_bitmap``."""
    if isinstance(items, np.ndarray):
        if items.ndim != 3 or items.shape[1:] != (size, size) or items.dtype != np.uint8:
            raise InputError(f"bitmaps must be uint8 (N, {size}, {size}), got {items.dtype} {items.shape}")
        return items
    out = np.empty((len(items), size, size), dtype=np.uint8)
    for index, item in enumerate(items):
        if isinstance(item, np.ndarray):
            if item.shape != (size, size) or item.dtype != np.uint8:
                raise InputError(
                    f"item {index}: a bitmap must be uint8 ({size}, {size}), got {item.dtype} {item.shape}"
                )
            out[index] = item
        else:
            out[index] = ink_to_bitmap(item, size)
    return out


@register_input_kind("bitmap")
def build_bitmap(items: Sequence[Item] | np.ndarray, contract: Mapping[str, Any]) -> np.ndarray:
    """One grey channel: the official ``numpy_bitmap`` rendering scaled to the contract's range."""
    size = int(contract.get("size", 28))
    if int(contract.get("channels", 1)) != 1:
        raise InputError(f"input contract: kind 'bitmap' has 1 channel, not {contract.get('channels')}")
    layout = _contract_value(contract, "layout", "NCHW", LAYOUTS)
    _contract_value(contract, "dtype", "float32", ("float32",))
    polarity = _contract_value(contract, "polarity", "white-on-black", POLARITIES)
    low, high = (float(v) for v in contract.get("range", (0, 1)))
    x = bitmap_stack(items, size).astype(np.float32)
    if polarity == "black-on-white":
        x = 255.0 - x
    x /= np.float32(255.0)
    if (low, high) != (0.0, 1.0):
        x = x * np.float32(high - low) + np.float32(low)
    return x[:, None] if layout == "NCHW" else x[..., None]


@register_input_kind("bitmap+recency")
def build_bitmap_recency(items: Sequence[Item] | np.ndarray, contract: Mapping[str, Any]) -> np.ndarray:
    """NCHW: the official bitmap (0..1) plus stroke-recency channel(s); zeros where only a bitmap is known."""
    from inkling.ink import simplify_ink
    from inkling.ink.features import bitmap_channels, ink_channels

    size = int(contract.get("size", 28))
    _contract_value(contract, "layout", "NCHW", ("NCHW",))
    if not isinstance(items, np.ndarray):
        stacks = [
            bitmap_channels(item) if isinstance(item, np.ndarray) else ink_channels(simplify_ink(item), size)
            for item in items
        ]
        return np.stack(stacks).astype(np.float32) if stacks else np.zeros((0, 2, size, size), np.float32)
    return np.stack([bitmap_channels(b) for b in bitmap_stack(items, size)]).astype(np.float32)
