"""The quickdraw_extra files join the pool: key-less drawings deduped by content; validation stays unseen."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from inkling.datasets.quickdraw import iter_drawings
from inkling.learn.doodle_data import DoodleData, load_doodle_data, mean_abs_diff
from inkling.learn.doodle_extra import CONTENT_PREFIX, EXTRA_NOKEY, content_key, extra_records

# zigzag: no sample drawings, 204 extra; duck: rich in the extra strokes; ant: extra bitmaps and strokes
WORDS = ["zigzag", "duck", "ant", "bicycle"]
CAP = 210  # extra drawings per word and file: enough for zigzag to count as rich (rich_min 200)


@pytest.fixture(scope="module")
def data(data_dir: Path) -> DoodleData:
    return load_doodle_data(data_dir, words=WORDS, max_extra_per_word=CAP, workers=1)


def test_content_key_depends_on_the_strokes_only() -> None:
    drawing = [[[0, 10, 20], [5, 5, 5]]]
    assert content_key(drawing) == content_key(json.loads(json.dumps(drawing)))
    assert content_key(drawing) != content_key([[[0, 10, 21], [5, 5, 5]]])
    assert content_key(drawing).startswith(CONTENT_PREFIX)


def test_keyless_drawings_are_deduplicated_by_content_not_id(data_dir: Path) -> None:
    first = next(iter_drawings(data_dir / EXTRA_NOKEY, words="duck"))
    known = [{"word": "duck", "key_id": "some-other-id", "label": 0, "simplified": first["drawing"]}]
    label_of = {"duck": 0}
    fresh, fresh_counts = extra_records(data_dir, label_of, [], max_per_word=5)
    again, counts = extra_records(data_dir, label_of, known, max_per_word=5)
    assert counts["skipped_same_content"] == fresh_counts["skipped_same_content"] + 1
    assert len(again) == len(fresh) - 1
    nokey = [r for r in fresh if r["source"] == "extra-nokey"]
    assert nokey and all(r["key_id"] == content_key(r["simplified"]) for r in nokey)
    assert first["drawing"] not in [r["simplified"] for r in again]


def test_every_source_joins_the_pool(data: DoodleData) -> None:
    sources = {r["source"] for r in data.records}
    assert {"sample", "extra-keyed", "extra-nokey"} <= sources
    assert data.counts["strokes"]["extra-keyed"]["train"] > 0
    assert data.counts["bitmaps"]["bitmaps-extra"]["train"] > 0  # ant's extra bitmaps
    raw_only = [r for r in data.records if r["source"] == "extra-raw-only"]
    assert all(r["raw"] is not None and len(r["raw"][0]) == 3 for r in raw_only)


def test_validation_covers_zigzag_and_the_rich_words(data: DoodleData) -> None:
    val_words = {data.records[i]["word"] for i in data.stroke_val}
    assert val_words == set(WORDS)  # zigzag's all-words validation comes from the extra file
    rich_words = {data.records[i]["word"] for i in data.stroke_val_rich}
    assert {"zigzag", "duck", "ant"} <= rich_words and "bicycle" not in rich_words
    assert all(data.records[i]["source"] == "extra-keyed" for i in data.stroke_val_rich)


def test_validation_stays_unseen(data: DoodleData) -> None:
    val = np.union1d(data.stroke_val, data.stroke_val_rich)
    assert not set(val.tolist()) & set(data.stroke_train.tolist())
    keys = {data.records[i]["key_id"] for i in val}
    assert not keys & {data.records[i]["key_id"] for i in data.stroke_train}
    labels = np.array([r["label"] for r in data.records])
    threshold = data.dedupe["threshold"]
    for label in range(len(WORDS)):
        v, t = val[labels[val] == label], data.stroke_train[labels[data.stroke_train] == label]
        if len(v) and len(t):
            assert (mean_abs_diff(data.renders[t], data.renders[v]).min(axis=1) >= threshold).all()
        b = data.bitmap_train[data.by[data.bitmap_train] == label]
        if len(v) and len(b):
            assert (mean_abs_diff(data.bx[b], data.renders[v]).min(axis=1) >= threshold).all()
    assert not set(data.bitmap_val.tolist()) & set(data.bitmap_train.tolist())


def test_sample_validation_is_unchanged_by_the_extra_files(data_dir: Path, data: DoodleData) -> None:
    plain = load_doodle_data(data_dir, words=WORDS, extra=False, workers=1)
    keys = {plain.records[i]["key_id"] for i in plain.stroke_val}
    sample_val = {data.records[i]["key_id"] for i in data.stroke_val if data.records[i]["source"] == "sample"}
    assert keys == sample_val
    assert "bitmaps-extra" not in plain.counts["bitmaps"]
