"""Tune each model family with ``GridSearchCV``, refit, and evaluate it on the MNIST test table.

    inkling train digits --models all --out runs/digits

One ``<family>.json`` (metrics, best parameters, times), ``<family>-confusion.png`` and the fitted
estimator (``<family>.pkl``) per family land in ``--out``; the report gathers whatever is there.
"""

from __future__ import annotations

import json
import pickle
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from inkling.learn.digits.families import Family


@dataclass
class FamilyResult:
    """What one family achieved, and at what cost."""

    family: str
    title: str
    best_params: dict[str, Any]
    cv_accuracy: float
    search_size: int
    search_seconds: float
    fit_size: int
    train_seconds: float
    test_size: int
    accuracy: float
    macro_f1: float
    inference_seconds: float
    confusion: list[list[int]]
    command: str = ""  # the command line that produced this result

    @property
    def inference_ms_per_1k(self) -> float:
        """Milliseconds to classify 1000 test images."""
        return 1000.0 * self.inference_seconds * 1000 / max(1, self.test_size)


def flat(X: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) → float32 (N, 784) in 0..1 (what every estimator is given)."""
    return (np.asarray(X, dtype=np.float32) / 255.0).reshape(len(X), -1)


def stratified_subset(y: np.ndarray, size: int | None, seed: int) -> np.ndarray:
    """Indices of a class-stratified random subset of ``size`` (all, shuffled, when ``size`` is None)."""
    rng = np.random.default_rng(seed)
    if size is None or size >= len(y):
        return rng.permutation(len(y))
    picks = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        share = max(1, round(size * len(members) / len(y)))
        picks.append(rng.choice(members, size=min(share, len(members)), replace=False))
    return rng.permutation(np.concatenate(picks))


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Grid parameters with tuples as lists (JSON)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def run_family(
    family: Family,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    *,
    quick: bool = False,
    seed: int = 0,
    base_params: dict[str, Any] | None = None,
) -> tuple[FamilyResult, BaseEstimator]:
    """Grid-search ``family`` on its subset, refit the best on its fit subset, evaluate on the test set.

    ``base_params`` are set on every estimator (searched and final), e.g. ``{"threads": 1}``.
    """
    grid = family.quick_grid if quick else family.grid
    search_idx = stratified_subset(y_train, None if quick else family.search_size, seed)
    cv = StratifiedKFold(n_splits=2 if quick else family.cv, shuffle=True, random_state=seed)
    base = family.build(seed).set_params(**(base_params or {}))
    search = GridSearchCV(base, grid, cv=cv, scoring="accuracy", refit=False, n_jobs=1)
    warnings.filterwarnings("ignore", message=".*probab.*", category=FutureWarning)  # SVC(probability=True)
    start = time.perf_counter()
    search.fit(flat(x_train[search_idx]), y_train[search_idx])
    search_seconds = time.perf_counter() - start
    fixed = {**family.fixed, **(family.quick_fixed if quick else {})}
    estimator = clone(base).set_params(**{**search.best_params_, **fixed})
    fit_idx = stratified_subset(y_train, None if quick else family.fit_size, seed + 1)
    start = time.perf_counter()
    estimator.fit(flat(x_train[fit_idx]), y_train[fit_idx])
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = estimator.predict(flat(x_test))
    inference_seconds = time.perf_counter() - start
    params = estimator.get_params()
    title = (
        f"{family.title}: {params['arch']}, {params['epochs']} epochs" if "arch" in params else family.title
    )
    result = FamilyResult(
        family=family.name,
        title=title,
        best_params=_jsonable(search.best_params_),
        cv_accuracy=float(search.best_score_),
        search_size=len(search_idx),
        search_seconds=search_seconds,
        fit_size=len(fit_idx),
        train_seconds=train_seconds,
        test_size=len(y_test),
        accuracy=float(accuracy_score(y_test, predicted)),
        macro_f1=float(f1_score(y_test, predicted, average="macro")),
        inference_seconds=inference_seconds,
        confusion=confusion_matrix(y_test, predicted, labels=list(range(10))).tolist(),
    )
    return result, estimator


def save_result(result: FamilyResult, estimator: BaseEstimator, out_dir: Path) -> None:
    """Write ``<family>.json``, ``<family>-confusion.png`` and ``<family>.pkl`` into ``out_dir``."""
    from inkling.learn.digits.plots import save_confusion_png

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{result.family}.json").write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    save_confusion_png(
        np.asarray(result.confusion),
        out_dir / f"{result.family}-confusion.png",
        title=f"{result.title}: accuracy {result.accuracy:.2%}",
    )
    with open(out_dir / f"{result.family}.pkl", "wb") as handle:
        pickle.dump(estimator, handle)


def load_results(out_dir: Path) -> list[FamilyResult]:
    """Every ``<family>.json`` in ``out_dir``, best test accuracy first."""
    results = []
    for path in sorted(Path(out_dir).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "family" in data and "macro_f1" in data:
            results.append(FamilyResult(**data))
    return sorted(results, key=lambda r: (-r.accuracy, r.family))


def load_estimator(out_dir: Path, family: str) -> BaseEstimator:
    """The fitted estimator saved by ``save_result`` (only load pickles you wrote yourself)."""
    with open(Path(out_dir) / f"{family}.pkl", "rb") as handle:
        return pickle.load(handle)
