"""Pseudo-labels: a weakly labelled drawing trains with the champion's label only when it is confident.

The threshold is the lowest confidence at which the champion's top-1 is right at least
``target_precision`` of the time on validation drawings with known labels (at least ``min_count`` of them
above it); without enough validation drawings, ``DEFAULT_THRESHOLD``.
"""

from __future__ import annotations

import numpy as np

DEFAULT_THRESHOLD = 0.9  # when validation cannot choose
TARGET_PRECISION = 0.95  # how often a kept pseudo-label must be right on validation
MIN_COUNT = 10  # validation drawings above a candidate threshold needed to trust it


def choose_threshold(
    probabilities: np.ndarray,
    labels: np.ndarray,
    target_precision: float = TARGET_PRECISION,
    min_count: int = MIN_COUNT,
) -> float:
    """The lowest confidence threshold whose kept predictions reach ``target_precision`` on validation."""
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    for threshold in np.round(np.arange(0.3, 1.0, 0.05), 2):
        kept = confidence >= threshold
        if kept.sum() >= min_count and right[kept].mean() >= target_precision:
            return float(threshold)
    return DEFAULT_THRESHOLD


def pseudo_labels(probabilities: np.ndarray, threshold: float) -> np.ndarray:
    """The champion's label for each row, -1 where its confidence is below ``threshold``."""
    labels = probabilities.argmax(axis=1)
    return np.where(probabilities.max(axis=1) >= threshold, labels, -1)
