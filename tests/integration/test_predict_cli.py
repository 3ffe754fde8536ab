"""``inkling predict doodle``: ndjson and npz in, one JSON line per input out, in order."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from inkling.cli import app
from inkling.db.engine import make_engine, session_scope
from inkling.registry import get_active, register_model
from inkling.services.models import load_shipped_models

runner = CliRunner()
SQUARE = [[[0, 100, 100, 0, 0], [0, 0, 100, 100, 0]]]


@pytest.fixture
def no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point INKLING_DATABASE_URL at a SQLite file that does not exist."""
    path = tmp_path / "nowhere" / "inkling.db"
    monkeypatch.setenv("INKLING_DATABASE_URL", f"sqlite:///{path}")
    return path


def run(*args: str, code: int = 0) -> list[dict]:
    """Run ``inkling predict doodle ARGS``; return its JSON lines."""
    result = runner.invoke(app, ["predict", "doodle", *args])
    assert result.exit_code == code, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def write_ndjson(path: Path, records: list[object]) -> Path:
    """Write records (dicts, or raw strings for broken lines) as ndjson, gzipped for ``.gz``."""
    lines = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(lines.encode()))
    else:
        path.write_text(lines)
    return path


def test_simplified_and_raw_samples(data_dir: Path, no_database: Path, tmp_path: Path) -> None:
    source = data_dir / "quickdraw" / "quickdraw_simplified_sample.ndjson.gz"
    with gzip.open(source, "rt") as lines:
        records = [json.loads(line) for _, line in zip(range(400), lines, strict=False)]
    eiffel = [r for r in records if r["word"] == "The Eiffel Tower"]
    picked = records[:30:3] + eiffel[:3] if eiffel else records[:30:3]
    out = run(str(write_ndjson(tmp_path / "sample.ndjson.gz", picked)), "--top", "3", "--batch-size", "4")
    assert [o["index"] for o in out] == list(range(len(picked)))
    assert [o["key_id"] for o in out] == [r["key_id"] for r in picked]
    assert all(len(o["top"]) == 3 for o in out)
    hits = sum(r["word"] in [w for w, _ in o["top"]] for r, o in zip(picked, out, strict=True))
    assert hits >= len(picked) // 2
    probabilities = [p for _, p in out[0]["top"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1
    assert not no_database.parent.exists()

    raw = data_dir / "quickdraw" / "quickdraw_raw_sample.ndjson.gz"
    with gzip.open(raw, "rt") as lines:
        raw_records = [json.loads(line) for _, line in zip(range(5), lines, strict=False)]
    raw_out = run(str(write_ndjson(tmp_path / "raw.ndjson", raw_records)), "--top", "1")
    assert [o["key_id"] for o in raw_out] == [r["key_id"] for r in raw_records]


def test_official_names_come_out(no_database: Path, tmp_path: Path) -> None:
    out = run(str(write_ndjson(tmp_path / "one.ndjson", [{"drawing": SQUARE}])), "--top", "345")
    words = [w for w, _ in out[0]["top"]]
    assert "The Eiffel Tower" in words and "key_id" not in out[0]


def test_invalid_records_are_reported_and_the_rest_go_on(no_database: Path, tmp_path: Path) -> None:
    records = [
        {"key_id": "1", "drawing": SQUARE},
        "{not json",
        {"key_id": "3", "drawing": [[[0, 1], [0]]]},
        {"key_id": "4", "word": "cat"},
        {"key_id": "5", "drawing": []},
        {"key_id": "6", "drawing": SQUARE},
    ]
    out = run(str(write_ndjson(tmp_path / "mixed.ndjson", records)), "--top", "2", code=1)
    assert [o["index"] for o in out] == [0, 1, 2, 3, 4, 5]
    assert "not JSON" in out[1]["error"] and "key_id" not in out[1]
    assert out[2]["key_id"] == "3" and "invalid ink" in out[2]["error"]
    assert "no 'drawing'" in out[3]["error"]
    assert out[4]["top"] == []  # nothing drawn, nothing guessed
    assert out[0]["top"] == out[5]["top"] and len(out[0]["top"]) == 2


def test_npz_bitmaps(data_dir: Path, no_database: Path, tmp_path: Path) -> None:
    with np.load(data_dir / "quickdraw" / "quickdraw_bitmap_6class_first100.npz") as data:
        x, y, names = data["x"][::50], data["y"][::50], data["class_names"]
    path = tmp_path / "bitmaps.npz"
    np.savez(path, x=x, key_id=np.array([f"k{i}" for i in range(len(x))]))
    out = run(str(path), "--top", "3", "--batch-size", "5")
    assert [o["key_id"] for o in out] == [f"k{i}" for i in range(len(x))]
    assert sum(names[c] in [w for w, _ in o["top"]] for c, o in zip(y, out, strict=True)) >= len(x) - 2
    flat = tmp_path / "flat.npz"
    np.savez(flat, x=x.reshape(len(x), 784))
    assert [o["top"] for o in run(str(flat), "--top", "3")] == [o["top"] for o in out]
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=x.astype(np.float32))
    result = runner.invoke(app, ["predict", "doodle", str(bad)])
    assert result.exit_code == 1 and "must be uint8" in result.output


def test_model_from_the_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKLING_DATABASE_URL", database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        load_shipped_models(session)
        shipped = get_active(session, "doodle")
        meta = {**shipped.meta, "classes": list(reversed(shipped.meta["classes"]))}
        register_model(session, name="reversed", task="doodle", onnx=shipped.onnx, meta=meta)
    engine.dispose()
    path = str(write_ndjson(tmp_path / "one.ndjson", [{"drawing": SQUARE}]))
    active = run(path, "--top", "1")[0]["top"][0]
    named = run(path, "--top", "1", "--model", "reversed")[0]["top"][0]
    assert named[1] == active[1] and named[0] == meta["classes"][shipped.meta["classes"].index(active[0])]
    result = runner.invoke(app, ["predict", "doodle", path, "--model", "nope"])
    assert result.exit_code == 1 and "no model 'nope'" in result.output
