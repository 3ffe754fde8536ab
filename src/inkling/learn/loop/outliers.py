"""The garbage and mislabel filter: k-nearest-neighbour distance to the word's base-data embeddings.

Embeddings are the serving model's penultimate layer (its ``embeddings`` ONNX output), L2-normalised. A
play drawing labelled ``w`` scores the mean cosine distance to its ``k`` nearest base drawings of ``w``;
the threshold is the ``quantile`` of the same score over the base drawings themselves (each left out of
its own neighbours), pooled over words. Above it: an outlier (scribble, blank-ish, abuse, another word).

A second, cheaper signal joins it in the loop: the serving model's probability of the drawing's own
word, below the ``1 - quantile`` share of the base drawings' (:func:`label_probability_floor`, pooled over
words; :func:`label_probability_floors` takes each word's own, an option that measured no better). The
embedding alone caught half the random scribbles in tests and nearly every drawing of another word;
the two together catch both (see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import numpy as np


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length."""
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-8)


class KnnOutliers:
    """scikit-learn-style detector: ``fit(reference, labels)``, ``score``/``predict(x, labels)``."""

    def __init__(self, k: int = 5, quantile: float = 0.95) -> None:
        self.k = k
        self.quantile = quantile

    def fit(self, reference: np.ndarray, labels: np.ndarray) -> KnnOutliers:
        """Keep each word's reference embeddings; set the threshold from their leave-one-out scores."""
        reference, labels = normalise(np.asarray(reference, np.float32)), np.asarray(labels)
        self.reference_ = {int(c): reference[labels == c] for c in np.unique(labels)}
        own = [self._distances(rows, rows, leave_out=True) for rows in self.reference_.values()]
        pooled = np.concatenate(own) if own else np.zeros(1)
        self.threshold_ = float(np.quantile(pooled, self.quantile))
        return self

    def _distances(self, x: np.ndarray, ref: np.ndarray, *, leave_out: bool = False) -> np.ndarray:
        """Mean cosine distance of each row of ``x`` to its ``k`` nearest rows of ``ref``."""
        distance = 1.0 - x @ ref.T
        if leave_out:
            np.fill_diagonal(distance, np.inf)
        k = min(self.k, ref.shape[0] - int(leave_out))
        if k < 1:
            return np.full(len(x), np.nan)
        return np.sort(distance, axis=1)[:, :k].mean(axis=1)

    def score(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Outlier scores (higher: stranger); a word without reference drawings scores NaN."""
        x, labels = normalise(np.asarray(x, np.float32)), np.asarray(labels)
        scores = np.full(len(x), np.nan)
        for c in np.unique(labels):
            ref = self.reference_.get(int(c))
            if ref is not None and len(ref):
                rows = labels == c
                scores[rows] = self._distances(x[rows], ref)
        return scores

    def predict(self, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """True for outliers (a NaN score, no reference to judge by, is not an outlier)."""
        return np.nan_to_num(self.score(x, labels), nan=-np.inf) > self.threshold_


def precision_recall(flagged: np.ndarray, bad: np.ndarray) -> tuple[float, float]:
    """Precision and recall of ``flagged`` against the truly ``bad`` rows."""
    flagged, bad = np.asarray(flagged, bool), np.asarray(bad, bool)
    hits = int((flagged & bad).sum())
    return hits / max(int(flagged.sum()), 1), hits / max(int(bad.sum()), 1)


def label_probability_floor(reference: np.ndarray, quantile: float) -> float:
    """The ``quantile`` of the serving model's probability of the true word on base drawings."""
    return float(np.quantile(reference, quantile)) if len(reference) else 0.0


MIN_PER_WORD = 20  # base drawings a word needs for a floor of its own (else the pooled floor)


def label_probability_floors(
    reference: np.ndarray, labels: np.ndarray, quantile: float, n_classes: int
) -> np.ndarray:
    """Per word, the ``quantile`` of the model's probability of that word on its own base drawings.

    A word the model is weak on gets a lower floor, so its good drawings are not flagged for being
    drawings of a hard word; a word with under ``MIN_PER_WORD`` base drawings takes the pooled floor.
    """
    floors = np.full(n_classes, label_probability_floor(reference, quantile))
    for word in np.unique(labels):
        own = reference[labels == word]
        if len(own) >= MIN_PER_WORD:
            floors[word] = label_probability_floor(own, quantile)
    return floors
