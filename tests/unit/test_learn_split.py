"""The validation split is deterministic and disjoint; dedupe keeps duplicated drawings out of training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inkling.learn.doodle_data import DoodleData, build_stroke_pool, load_doodle_data, mean_abs_diff

WORDS = ["apple", "cat", "bicycle"]
EXTRA_PER_WORD = 100  # the extra stroke files join, capped: the whole of them makes this a minute's work


def _load(data_dir: Path) -> DoodleData:
    return load_doodle_data(data_dir, words=WORDS, max_extra_per_word=EXTRA_PER_WORD)


@pytest.fixture(scope="module")
def data(data_dir: Path) -> DoodleData:
    return _load(data_dir)


def test_split_is_deterministic_and_disjoint(data: DoodleData, data_dir: Path) -> None:
    again = _load(data_dir)
    assert again.dedupe["extra_keyed"] > 0  # the extra files took part
    assert np.array_equal(data.stroke_val, again.stroke_val)
    assert np.array_equal(data.bitmap_val, again.bitmap_val)
    val_keys = {data.records[i]["key_id"] for i in data.stroke_val}
    train_keys = {data.records[i]["key_id"] for i in data.stroke_train}
    assert not val_keys & train_keys
    assert len(data.stroke_val) == 5 * len(WORDS)
    assert not set(data.bitmap_val.tolist()) & set(data.bitmap_train.tolist())


def test_dedupe_removes_near_identical_bitmaps(data: DoodleData) -> None:
    threshold = data.dedupe["threshold"]
    # the first official bitmaps of these words are the stroke samples: some must have been dropped
    assert data.dedupe["bitmap_train_dropped_near_stroke_val"] > 0
    near_val = mean_abs_diff(data.renders[data.stroke_val], data.bx[data.bitmap_train]).min(axis=0)
    assert (near_val >= threshold).all()
    near_train = mean_abs_diff(data.renders[data.stroke_train], data.bx[data.bitmap_val]).min(axis=0)
    assert (near_train >= threshold).all()
    train_bytes = {data.bx[i].tobytes() for i in data.bitmap_train}
    assert not any(data.bx[i].tobytes() in train_bytes for i in data.bitmap_val)


def test_pool_keeps_labels_and_marks_prefixes(data: DoodleData) -> None:
    records = [data.records[i] for i in data.stroke_train[:12]]
    pool = build_stroke_pool(records, variants=2, prefix_prob=1.0, seed=0, strokes=True, workers=1)
    assert pool["x"].shape == (24, 28, 28) and pool["recency"].shape == (24, 28, 28)
    assert pool["y"].tolist() == [r["label"] for r in records] * 2
    multi = np.array([len(r["simplified"]) > 1 for r in records] * 2)
    assert pool["is_prefix"][multi].all() and not pool["is_prefix"][~multi].any()
