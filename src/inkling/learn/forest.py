"""Random-forest-on-pixels baseline (scikit-learn), trained on a subset because it is slow and large."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from inkling.learn.doodle_data import DoodleData


def forest_training_set(
    data: DoodleData, bitmaps_per_word: int = 100, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Clean stroke-train renders plus up to ``bitmaps_per_word`` bitmap-train rows per word, as (N, 784)."""
    rng = np.random.default_rng(seed)
    rows = [rng.permutation(data.bitmap_train[data.by[data.bitmap_train] == c])[:bitmaps_per_word]
            for c in np.unique(data.by)]  # fmt: skip
    rows_arr = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    x = np.concatenate([data.renders[data.stroke_train], data.bx[rows_arr]]).reshape(-1, 784)
    y = np.concatenate([[data.records[i]["label"] for i in data.stroke_train], data.by[rows_arr]])
    return x, y.astype(np.int64)


class ForestPredictor:
    """A fitted forest as a Predict function over (N, C, 28, 28) 0..1 inputs; missing classes get 0."""

    def __init__(
        self, n_estimators: int = 100, min_samples_leaf: int = 1, num_classes: int = 345, seed: int = 0
    ) -> None:
        self.n_estimators = n_estimators
        self.min_samples_leaf = min_samples_leaf
        self.num_classes = num_classes
        self.seed = seed

    def fit(self, x: np.ndarray, y: np.ndarray) -> ForestPredictor:
        """Fit on uint8 (N, 784) pixels."""
        self.forest_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            min_samples_leaf=self.min_samples_leaf,
            n_jobs=2,
            random_state=self.seed,
        ).fit(x / 255.0, y)
        return self

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Probabilities over all ``num_classes``."""
        out = np.zeros((len(x), self.num_classes), dtype=np.float32)
        out[:, self.forest_.classes_] = self.forest_.predict_proba(x[:, 0].reshape(len(x), -1))
        return out
