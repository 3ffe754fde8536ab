"""``DigitPredictor``: the digit 0-9 in a drawing or picture, from an ONNX model and its metadata.

Drawings (raw ink) and pictures are brought to the MNIST convention by ``inkling.ink.mnist``; the
model's input contract (kind ``mnist``, layout ``NCHW`` or ``flat``) says how the tensor is laid out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from inkling.inference.doodle import softmax
from inkling.inference.inputs import InputError, register_input_kind
from inkling.inference.model import OnnxModel
from inkling.ink import Ink
from inkling.ink.mnist import ink_to_mnist

DEFAULT_BATCH = 512  # images per ONNX Runtime call
DIGITS = tuple(str(d) for d in range(10))


class DigitGuess(NamedTuple):
    """The most probable digit, its probability, and all ten probabilities (index = digit)."""

    digit: int
    confidence: float
    probabilities: list[float]


def mnist_stack(items: Sequence[Any] | np.ndarray) -> np.ndarray:
    """(N, 28, 28) uint8: MNIST-style bitmaps as they are, drawings (raw ink or ``Ink``) rendered."""
    if isinstance(items, np.ndarray):
        if items.ndim != 3 or items.shape[1:] != (28, 28) or items.dtype != np.uint8:
            raise InputError(f"digit bitmaps must be uint8 (N, 28, 28), got {items.dtype} {items.shape}")
        return items
    out = np.empty((len(items), 28, 28), dtype=np.uint8)
    for index, item in enumerate(items):
        if isinstance(item, np.ndarray):
            if item.shape != (28, 28) or item.dtype != np.uint8:
                raise InputError(
                    f"item {index}: a bitmap must be uint8 (28, 28), got {item.dtype} {item.shape}"
                )
            out[index] = item
        else:
            out[index] = ink_to_mnist(item)
    return out


@register_input_kind("mnist")
def build_mnist(items: Sequence[Any] | np.ndarray, contract: Mapping[str, Any]) -> np.ndarray:
    """Float32 0..1 white on black, (N, 1, 28, 28) for ``NCHW`` or (N, 784) for ``flat``."""
    layout = contract.get("layout", "NCHW")
    if layout not in ("NCHW", "flat"):
        raise InputError(f"input contract: layout={layout!r} is not supported for kind 'mnist'")
    x = mnist_stack(items).astype(np.float32) / np.float32(255.0)
    return x[:, None] if layout == "NCHW" else x.reshape(len(x), -1)


class DigitPredictor(OnnxModel):
    """A digit classifier: raw ink, ``Ink`` or MNIST-style 28x28 bitmaps in, a ``DigitGuess`` out."""

    default_name = "digits"

    def __init__(self, onnx: bytes, meta: Mapping[str, Any], **identity: Any) -> None:
        """``identity``: ``name``, ``version``, ``threads`` (see ``OnnxModel``)."""
        super().__init__(onnx, meta, **identity)
        self.classes: tuple[str, ...] = tuple(meta.get("classes") or ())
        if self.classes != DIGITS:
            raise InputError(f"model {self.model_name}: classes must be '0'..'9', got {list(self.classes)}")
        self.contract: dict[str, Any] = dict(meta.get("input") or {"kind": "mnist"})
        if self.contract.get("kind") != "mnist":
            raise InputError(
                f"model {self.model_name}: input kind must be 'mnist', got {self.contract.get('kind')!r}"
            )
        self.outputs_logits = (meta.get("output") or {}).get("kind") == "logits"
        outputs = [o.name for o in self.session.get_outputs()]
        self.output_name = meta.get("output_name") or outputs[-1]
        if self.output_name not in outputs:
            raise InputError(f"model {self.model_name}: no output {self.output_name!r} (has {outputs})")

    def probabilities(self, items: Sequence[Any] | np.ndarray, batch_size: int = DEFAULT_BATCH) -> np.ndarray:
        """(N, 10) float32 probabilities for drawings and/or MNIST-style bitmaps (``InkError`` on bad ink)."""
        chunks = []
        for start in range(0, len(items), batch_size):
            x = build_mnist(items[start : start + batch_size], self.contract)
            chunks.append(self.session.run([self.output_name], {self.input_name: x})[0])
        if not chunks:
            return np.zeros((0, 10), dtype=np.float32)
        scores = np.concatenate(chunks).astype(np.float32, copy=False)
        return softmax(scores) if self.outputs_logits else scores

    def predict_batch(self, items: Sequence[Any] | np.ndarray) -> list[DigitGuess]:
        """One ``DigitGuess`` per item, in order."""
        probs = self.probabilities(items)
        best = probs.argmax(axis=1)
        return [
            DigitGuess(int(d), float(p[d]), [float(v) for v in p]) for d, p in zip(best, probs, strict=True)
        ]

    def predict(self, item: Ink | np.ndarray | Any) -> DigitGuess:
        """The digit in one drawing (raw ink or ``Ink``) or MNIST-style 28x28 uint8 bitmap."""
        return self.predict_batch([item])[0]
