"""The model families compared on MNIST, each with its estimator, grid and how much data it gets.

Slow learners are grid-searched on a subset of the training table (``search_size``) and refitted on
``fit_size`` images (all 60 000 when ``None``); both numbers are written into the report.
``quick=True`` gives tiny grids and sizes for tests and smoke runs (same code path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from inkling.learn.digits.estimator import CNNDigitClassifier


@dataclass(frozen=True)
class Family:
    """One model family: how to build it, what to search, on how much data."""

    name: str
    title: str
    build: Callable[[int], BaseEstimator]  # seed -> unfitted estimator
    grid: dict[str, list[Any]]
    search_size: int | None = None  # training images for the grid search (None: all)
    fit_size: int | None = None  # training images for the final fit (None: all)
    cv: int = 3  # cross-validation folds
    quick_grid: dict[str, list[Any]] = field(default_factory=dict)  # tests / smoke runs
    fixed: dict[str, Any] = field(default_factory=dict)  # parameters set for the final fit only
    quick_fixed: dict[str, Any] = field(default_factory=dict)  # ... overridden so in quick runs


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family(
            "tree",
            "decision tree",
            lambda seed: DecisionTreeClassifier(random_state=seed),
            {"criterion": ["gini", "entropy"], "max_depth": [15, None], "min_samples_leaf": [1, 4]},
            search_size=20_000,
            quick_grid={"max_depth": [5, None]},
        ),
        Family(
            "forest",
            "random forest",
            lambda seed: RandomForestClassifier(random_state=seed, n_jobs=2),
            {"n_estimators": [100, 300], "max_features": ["sqrt", 0.05]},
            search_size=10_000,
            quick_grid={"n_estimators": [5, 10]},
        ),
        Family(
            "knn",
            "k-nearest neighbours",
            lambda seed: KNeighborsClassifier(n_jobs=2),
            {"n_neighbors": [1, 3, 5], "weights": ["uniform", "distance"]},
            search_size=10_000,
            quick_grid={"n_neighbors": [1, 3]},
        ),
        Family(
            "svm",
            "SVM (RBF kernel)",
            lambda seed: SVC(kernel="rbf", probability=False, random_state=seed),
            {"C": [1, 5, 10], "gamma": ["scale", 0.02]},
            search_size=5_000,
            fit_size=20_000,
            quick_grid={"C": [1, 10]},
            fixed={"probability": True},
        ),
        Family(
            "mlp",
            "MLP (scikit-learn)",
            lambda seed: MLPClassifier(max_iter=40, early_stopping=True, random_state=seed),
            {"hidden_layer_sizes": [(256,), (512, 256)], "alpha": [1e-4, 1e-3]},
            search_size=10_000,
            quick_grid={"hidden_layer_sizes": [(16,)], "max_iter": [5]},
        ),
        Family(
            "cnn",
            "CNN (torch, augmented)",
            lambda seed: CNNDigitClassifier(arch="digit-cnn-wide", epochs=2, seed=seed),
            {"lr": [2e-3, 5e-3]},
            search_size=10_000,
            cv=2,
            quick_grid={"arch": ["digit-cnn-tiny"], "epochs": [1], "lr": [1e-2]},
            fixed={"epochs": 12, "verbose": True},
            quick_fixed={"epochs": 1, "verbose": False},
        ),
    )
}


def get_family(name: str) -> Family:
    """The family called ``name``."""
    if name not in FAMILIES:
        raise KeyError(f"unknown model family {name!r}; known: {', '.join(FAMILIES)}")
    return FAMILIES[name]
