"""``DoodlePredictor``: ranked guesses for a drawing, from an ONNX classifier and its metadata.

Nothing drawn, nothing guessed: an empty drawing (no strokes) or a blank bitmap (all zero) gets an
empty guess list, and the model is not run for it; the game shows "…" rather than a random word.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from inkling.inference.batching import DEFAULT_MAX_BATCH, DEFAULT_MAX_WAIT, MicroBatcher, Slot
from inkling.inference.inputs import InputError, Item, build_input
from inkling.inference.model import OnnxModel
from inkling.ink import Ink, parse_ink

DEFAULT_TOP = 5  # guesses returned unless asked otherwise
DEFAULT_BATCH = 256  # rows per ONNX Runtime call in predict_batch
# threads that turn drawings into input tensors at once: that work is Python holding the GIL, and more
# threads at it only hand the GIL around (32 threads on 2 cores fell into bursts of 100k context switches
# a second, 4 ms of CPU a guess instead of 1.2); any number of threads wait for the shared model call
PREPARE_SLOTS = 2
LOGIT_KINDS = ("logits",)  # output kinds that need a softmax; "probabilities" are used as they are


class Guess(NamedTuple):
    """One ranked guess: an official Quick, Draw! word and the model's probability for it."""

    word: str
    probability: float


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (N, C) scores, numerically stable."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def is_blank(item: Any) -> bool:
    """True for a drawing with no strokes or a bitmap with no ink."""
    if isinstance(item, np.ndarray):
        return item.size == 0 or not item.any()
    return isinstance(item, list | tuple) and len(item) == 0


def top_guesses(probabilities: np.ndarray, classes: Sequence[str], top: int) -> list[list[Guess]]:
    """The ``top`` most probable classes of each row, best first."""
    top = max(1, min(top, probabilities.shape[1]))
    part = np.argpartition(-probabilities, top - 1, axis=1)[:, :top]
    rows = np.arange(len(probabilities))[:, None]
    order = np.argsort(-probabilities[rows, part], axis=1, kind="stable")
    best = part[rows, order]
    return [
        [Guess(classes[j], float(p)) for j, p in zip(idx, probabilities[i, idx], strict=True)]
        for i, idx in enumerate(best.tolist())
    ]


class DoodlePredictor(OnnxModel):
    """A doodle classifier: raw ink, parsed ``Ink`` or 28x28 bitmaps in, ranked official words out.

    Concurrent calls (request threads of a server) share model calls: each thread prepares its own
    input (at most ``prepare_slots`` threads at once), and a ``MicroBatcher`` runs the model once on the
    rows of all threads ready together.
    """

    def __init__(
        self,
        onnx: bytes,
        meta: Mapping[str, Any],
        *,
        strict_times: bool = True,
        max_batch: int = DEFAULT_MAX_BATCH,
        max_wait: float = DEFAULT_MAX_WAIT,
        prepare_slots: int = PREPARE_SLOTS,
        **identity: Any,
    ) -> None:
        """``identity``: ``name``, ``version``, ``threads`` (see ``OnnxModel``); ``max_batch`` rows and
        ``max_wait`` seconds bound the batching of concurrent calls (see ``MicroBatcher``)."""
        super().__init__(onnx, meta, **identity)
        self.classes: tuple[str, ...] = tuple(meta.get("classes") or ())
        if not self.classes:
            raise InputError(f"model {self.model_name}: metadata lists no classes")
        self.contract: dict[str, Any] = dict(meta.get("input") or {})
        self.strict_times = strict_times
        output = meta.get("output") or {}
        self.outputs_logits = output.get("kind") in LOGIT_KINDS
        width = self.session.get_outputs()[0].shape[-1]
        if isinstance(width, int) and width != len(self.classes):
            raise InputError(f"model {self.model_name}: {width} outputs but {len(self.classes)} classes")
        self.batcher = MicroBatcher(self._run_model, max_batch=max_batch, max_wait=max_wait)
        self._preparing = threading.BoundedSemaphore(prepare_slots)

    def __repr__(self) -> str:
        version = f" v{self.version}" if self.version is not None else ""
        return f"<DoodlePredictor {self.model_name}{version} {len(self.classes)} classes>"

    def prepare(self, item: Any) -> Item:
        """A parsed ``Ink`` for raw ink (``InkError`` when invalid); bitmaps and ``Ink`` pass through."""
        if isinstance(item, Ink | np.ndarray):
            return item
        return parse_ink(item, strict_times=self.strict_times)

    def _run_model(self, x: np.ndarray) -> np.ndarray:
        """The model's raw output rows for the input tensor ``x``."""
        return self.session.run(None, {self.input_name: x})[0]

    def probabilities(
        self, items: Sequence[Any] | np.ndarray, batch_size: int = DEFAULT_BATCH, slot: Slot | None = None
    ) -> np.ndarray:
        """Class probabilities, (N, classes) float32, for drawings and/or bitmaps (none may be blank).

        ``slot``: this caller's announcement to the batcher (``self.batcher.incoming()``), if it made one.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        chunks = []
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            with self._preparing:
                if not isinstance(chunk, np.ndarray):
                    chunk = [self.prepare(item) for item in chunk]
                x = build_input(chunk, self.contract)
            chunks.append(self.batcher.run(x, slot))
        if not chunks:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        scores = np.concatenate(chunks)
        return softmax(scores) if self.outputs_logits else scores

    def predict(self, item: Any, top: int = DEFAULT_TOP) -> list[Guess]:
        """The ``top`` best guesses for one drawing (raw ink, ``Ink``) or bitmap; ``[]`` when blank."""
        return self.predict_batch([item], top)[0]

    def predict_batch(
        self, items: Iterable[Any], top: int = DEFAULT_TOP, batch_size: int = DEFAULT_BATCH
    ) -> list[list[Guess]]:
        """``predict`` for many items at once, in order; raw ink is validated first (``InkError``)."""
        with self.batcher.incoming() as slot:
            if isinstance(items, np.ndarray) and items.ndim == 3:
                inked = items.reshape(len(items), -1).any(axis=1)
                probs = self.probabilities(items[inked], batch_size, slot)
                ranked = iter(top_guesses(probs, self.classes, top))
                return [next(ranked) if flag else [] for flag in inked.tolist()]
            prepared = [None if is_blank(item) else self.prepare(item) for item in items]
            live = [item for item in prepared if item is not None]
            ranked = iter(top_guesses(self.probabilities(live, batch_size, slot), self.classes, top))
            return [[] if item is None else next(ranked) for item in prepared]
