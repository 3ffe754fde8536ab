"""Drawing descriptors from a doodle model: its ``embeddings`` output, or its probabilities.

Models the learning loop makes carry a second ONNX output, ``embeddings`` (the penultimate layer). A
model with one output (the shipped ones) still gives descriptors: the square roots of its probabilities
(so that Euclidean distance between descriptors is the Hellinger distance of the predictions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from inkling.inference.doodle import DoodlePredictor
from inkling.inference.inputs import build_input

EMBEDDINGS = "embeddings"  # the output name the loop exports
BATCH = 256  # rows per ONNX Runtime call


def has_embeddings(predictor: DoodlePredictor) -> bool:
    """Whether the model has an ``embeddings`` output."""
    return any(output.name == EMBEDDINGS for output in predictor.session.get_outputs())


def descriptors(predictor: DoodlePredictor, items: Sequence[Any] | np.ndarray) -> np.ndarray:
    """(N, D) float32 descriptors of non-blank drawings (raw ink, ``Ink``) or 28x28 bitmaps."""
    if not len(items):
        return np.zeros((0, 0), np.float32)
    if not has_embeddings(predictor):
        return np.sqrt(np.maximum(predictor.probabilities(items), 0.0)).astype(np.float32)
    chunks = []
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        if not isinstance(chunk, np.ndarray):
            chunk = [predictor.prepare(item) for item in chunk]
        x = build_input(chunk, predictor.contract)
        chunks.append(predictor.session.run([EMBEDDINGS], {predictor.input_name: x})[0])
    return np.concatenate(chunks).astype(np.float32)
