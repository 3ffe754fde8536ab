"""Score a model on the fixed benchmark and on held-out play: per-drawing correctness and summary metrics."""

from __future__ import annotations

from typing import Any

import numpy as np

from inkling.inference.doodle import DoodlePredictor
from inkling.learn.eval_doodle import replay_metrics, topk


def benchmark_scores(predictor: DoodlePredictor, es: dict[str, np.ndarray]) -> tuple[np.ndarray, dict]:
    """(per-drawing top-1 correctness, metrics) on the benchmark's full drawings and their live replay."""
    probs = predictor.probabilities(np.ascontiguousarray(es["sx"][:, 0]))
    replay = predictor.probabilities(np.ascontiguousarray(es["rx"][:, 0])).argmax(axis=1)
    named = replay_metrics(replay, es)
    metrics = {
        "top1": topk(probs, es["sy"], 1), "top3": topk(probs, es["sy"], 3), "n": len(es["sy"]),
        "replay_named_rate": named["named_rate"],
    }  # fmt: skip
    return probs.argmax(axis=1) == es["sy"], metrics


def play_scores(
    predictor: DoodlePredictor, bitmaps: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, dict]:
    """(per-drawing top-1 correctness, metrics) on held-out play drawings."""
    if not len(labels):
        return np.zeros(0, bool), {"top1": 0.0, "top3": 0.0, "n": 0}
    probs = predictor.probabilities(bitmaps)
    metrics: dict[str, Any] = {
        "top1": topk(probs, labels, 1),
        "top3": topk(probs, labels, 3),
        "n": len(labels),
    }
    return probs.argmax(axis=1) == labels, metrics
