"""``inkling ink render``: ndjson (raw or simplified, gz or plain) to an npz of bitmaps."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from inkling.cli.ink import app
from inkling.ink import ink_to_bitmap

RAW = [[[300, 350, 420, 500], [200, 260, 240, 300], [0, 30, 60, 90]], [[320], [330], [200]]]
SIMPLIFIED = [[[0, 255, 255, 0], [0, 0, 255, 255]]]
GLITCHY_TIMES = [[[10, 20, 30], [10, 40, 20], [0, 50, 45]]]

runner = CliRunner()


def _write(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    text = "\n".join(lines) + "\n"
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["drawings.ndjson", "drawings.ndjson.gz"])
def test_renders_raw_and_simplified_records_in_order(tmp_path: Path, name: str) -> None:
    records = [
        {"word": "cat", "key_id": "1", "drawing": RAW},
        {"word": "square", "key_id": "2", "drawing": SIMPLIFIED},
        {"word": "cat", "key_id": "3", "drawing": GLITCHY_TIMES},
    ]
    source = _write(tmp_path / name, records)
    out = tmp_path / "out" / "bitmaps.npz"
    result = runner.invoke(app, ["render", str(source), "--size", "32", "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = np.load(out)
    assert saved["x"].shape == (3, 32, 32) and saved["x"].dtype == np.uint8
    for row, record in zip(saved["x"], records, strict=True):
        assert np.array_equal(row, ink_to_bitmap(record["drawing"], 32, strict_times=False))
    assert saved["word"].tolist() == ["cat", "square", "cat"]
    assert saved["key_id"].tolist() == ["1", "2", "3"]


def test_word_and_key_id_are_left_out_when_absent(tmp_path: Path) -> None:
    source = _write(tmp_path / "plain.ndjson", [{"drawing": SIMPLIFIED}])
    out = tmp_path / "plain.npz"
    assert runner.invoke(app, ["render", str(source), "--out", str(out)]).exit_code == 0
    assert sorted(np.load(out).files) == ["x"]
    assert np.load(out)["x"].shape == (1, 28, 28)


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [{"drawing": SIMPLIFIED}, {"drawing": [[[1, 2], [1]]]}],
            "record 2: stroke 0: xs has 2 points but ys has 1",
        ),
        ([{"drawing": SIMPLIFIED}, {"word": "cat"}], "record 2: no 'drawing' field"),
        ([{"drawing": SIMPLIFIED}, "{not json"], "bad.ndjson:2: not a JSON line"),
        ([{"drawing": "scribble"}], "record 1: ink must be a list of strokes, got str"),
    ],
)
def test_bad_records_exit_1_naming_the_record(tmp_path: Path, records: list, message: str) -> None:
    source = _write(tmp_path / "bad.ndjson", records)
    out = tmp_path / "bad.npz"
    result = runner.invoke(app, ["render", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not out.exists()


def test_strict_times_rejects_times_that_step_back(tmp_path: Path) -> None:
    source = _write(tmp_path / "glitch.ndjson", [{"drawing": GLITCHY_TIMES}])
    result = runner.invoke(app, ["render", str(source), "--out", str(tmp_path / "g.npz"), "--strict-times"])
    assert result.exit_code == 1
    assert "record 1: stroke 0: ts decreases at index 2 (50 -> 45)" in result.output


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", str(tmp_path / "nope.ndjson"), "--out", str(tmp_path / "x.npz")])
    assert result.exit_code == 2


def test_real_simplified_sample_matches_googles_bitmaps(tmp_path: Path, data_dir: Path) -> None:
    source = data_dir / "quickdraw" / "quickdraw_simplified_sample.ndjson.gz"
    out = tmp_path / "sample.npz"
    result = runner.invoke(app, ["render", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = np.load(out)
    assert saved["x"].shape == (9056, 28, 28) and len(saved["word"]) == len(saved["key_id"]) == 9056
    official = np.load(data_dir / "quickdraw" / "quickdraw_bitmap_6class_first100.npz")
    for index, name in enumerate(official["class_names"]):
        mine = saved["x"][saved["word"] == name][:25].astype(float)
        google = official["x"][index * 100 : index * 100 + 25].astype(float)
        assert np.abs(mine - google).mean() <= 0.8


def test_real_raw_sample_renders(tmp_path: Path, data_dir: Path) -> None:
    with gzip.open(
        data_dir / "quickdraw" / "quickdraw_raw_sample.ndjson.gz", "rt", encoding="utf-8"
    ) as handle:
        head = [next(handle) for _ in range(300)]
    source = tmp_path / "raw_head.ndjson.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.writelines(head)
    out = tmp_path / "raw.npz"
    result = runner.invoke(app, ["render", str(source), "--size", "64", "--out", str(out)])
    assert result.exit_code == 0, result.output
    saved = np.load(out)
    assert saved["x"].shape == (300, 64, 64)
    assert saved["key_id"].tolist() == [json.loads(line)["key_id"] for line in head]
    assert (saved["x"].reshape(300, -1).max(axis=1) > 0).all()
