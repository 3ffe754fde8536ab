"""Every digit model family trains on a tiny subset through the comparison code path; export parity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from inkling.inference.digits import DigitPredictor
from inkling.learn.digits.architectures import create_digit_model, list_digit_models
from inkling.learn.digits.augment import random_affine
from inkling.learn.digits.compare import (
    load_estimator,
    load_results,
    run_family,
    save_result,
    stratified_subset,
)
from inkling.learn.digits.estimator import CNNDigitClassifier
from inkling.learn.digits.export import export_digit_model
from inkling.learn.digits.families import FAMILIES, get_family
from inkling.learn.digits.report import END, START, report_section, write_section


def _blobs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Ten easy 'digits': a bright square whose position encodes the label, plus noise."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 10
    x = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
    for i, label in enumerate(y):
        r, c = divmod(int(label), 5)
        x[i, 4 + 10 * r : 12 + 10 * r, 2 + 5 * c : 6 + 5 * c] = 255
    return x, y


@pytest.fixture(scope="module")
def tiny() -> tuple[np.ndarray, ...]:
    x_train, y_train = _blobs(200, 0)
    x_test, y_test = _blobs(60, 1)
    return x_train, y_train, x_test, y_test


@pytest.mark.parametrize("name", list(FAMILIES))
def test_each_family_trains_and_is_evaluated(name: str, tiny: tuple[np.ndarray, ...], tmp_path: Path) -> None:
    result, estimator = run_family(get_family(name), *tiny, quick=True)
    assert result.family == name and result.test_size == 60
    assert 0 <= result.accuracy <= 1 and 0 <= result.macro_f1 <= 1
    assert np.asarray(result.confusion).sum() == 60
    assert set(result.best_params) <= set(get_family(name).quick_grid) | {"max_iter"}
    save_result(result, estimator, tmp_path)
    assert (tmp_path / f"{name}-confusion.png").read_bytes().startswith(b"\x89PNG")
    assert load_results(tmp_path)[0].family == name
    assert load_estimator(tmp_path, name).predict_proba(tiny[2].reshape(60, -1) / 255.0).shape == (60, 10)


@pytest.mark.parametrize("arch", list_digit_models())
def test_every_architecture_gives_probabilities(arch: str) -> None:
    model = create_digit_model(arch).eval()
    out = model(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 10) and torch.allclose(out.sum(1), torch.ones(3), atol=1e-5)


def test_augmentation_keeps_shape_and_ink() -> None:
    x = torch.zeros(4, 1, 28, 28)
    x[:, :, 8:20, 12:16] = 1
    warped = random_affine(x, torch.Generator().manual_seed(0))
    assert warped.shape == x.shape and 0.6 < float(warped.sum() / x.sum()) < 1.5


def test_cnn_estimator_follows_sklearn_conventions(tiny: tuple[np.ndarray, ...]) -> None:
    estimator = CNNDigitClassifier(arch="digit-cnn-tiny", epochs=1, batch_size=32)
    assert not hasattr(estimator, "model_")
    assert estimator.fit(tiny[0], tiny[1]) is estimator
    assert estimator.classes_.tolist() == list(range(10)) and len(estimator.history_) == 1
    assert estimator.predict(tiny[2]).shape == (60,)


def test_stratified_subset_keeps_class_shares() -> None:
    y = np.repeat(np.arange(10), 100)
    picked = stratified_subset(y, 200, seed=0)
    assert len(picked) == 200 and np.bincount(y[picked]).tolist() == [20] * 10


@pytest.mark.parametrize("name", ["cnn", "tree"])
def test_export_matches_the_estimator_and_serves(
    name: str, tiny: tuple[np.ndarray, ...], tmp_path: Path
) -> None:
    _, estimator = run_family(get_family(name), *tiny, quick=True)
    path = tmp_path / f"digits-{name}.onnx"
    meta = export_digit_model(
        estimator, path, name=f"digits-{name}", images=tiny[2], metrics={"accuracy": 0.5}, training={}
    )
    assert meta["task"] == "digit" and meta["classes"] == [str(d) for d in range(10)]
    assert meta["parity"]["max_abs_diff"] <= 1e-4
    predictor = DigitPredictor.from_files(path)
    want = estimator.predict_proba((tiny[2].astype(np.float32) / 255).reshape(60, -1))
    assert np.allclose(predictor.probabilities(tiny[2]), want, atol=1e-4)


def test_report_section_is_replaced_in_place(tiny: tuple[np.ndarray, ...], tmp_path: Path) -> None:
    result, _ = run_family(get_family("tree"), *tiny, quick=True)
    bench = tmp_path / "BENCHMARKS.md"
    bench.write_text("# Benchmarks\n\n## Other\ntext\n", encoding="utf-8")
    write_section(bench, report_section([result], "inkling train digits --models tree"))
    write_section(bench, report_section([result], "inkling train digits --models tree"))
    text = bench.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1 and "## Other" in text
    assert "| decision tree |" in text
