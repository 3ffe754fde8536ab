"""Tiny end to end: train -> checkpoint -> rebuild -> export -> register -> activate-if-better; CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inkling.cli import app
from inkling.learn.eval_doodle import evaluate_checkpoint
from inkling.learn.onnx_export import run_onnx
from inkling.learn.publish import export_checkpoint, is_better, register_if_better
from inkling.learn.train_doodle import TrainConfig, load_checkpoint, save_checkpoint, train
from inkling.registry import get_active, register_model

TINY = {
    "steps": 3,
    "batch_size": 16,
    "variants": 1,
    "max_records": 12,
    "max_bitmaps_per_word": 40,
    "max_extra_per_word": 30,
    "workers": 1,
}


@pytest.fixture(scope="module")
def checkpoint_path(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    cfg = TrainConfig(arch="doodlenet", words=["apple", "cat"], **TINY)
    checkpoint = train(cfg, data_dir, quiet=True)
    checkpoint["metrics"] = evaluate_checkpoint(checkpoint, data_dir)
    return save_checkpoint(checkpoint, tmp_path_factory.mktemp("run") / "tiny.pt")


def test_checkpoint_rebuilds_and_exports(checkpoint_path: Path, tmp_path: Path) -> None:
    _, ckpt = load_checkpoint(checkpoint_path)
    assert ckpt["classes"] == ["apple", "cat"] and ckpt["config"]["steps"] == 3
    assert 0.0 <= ckpt["metrics"]["strokes_top1"] <= 1.0 and "replay_named_rate" in ckpt["metrics"]
    meta = export_checkpoint(checkpoint_path, tmp_path / "pack-tiny.onnx")
    assert meta["parity"]["max_abs_diff"] <= 1e-4 and meta["classes"] == ["apple", "cat"]
    assert meta["input"]["kind"] == "bitmap" and meta["pack"] is True
    probs = run_onnx(tmp_path / "pack-tiny.onnx", np.zeros((2, 1, 28, 28), np.float32))
    assert probs.shape == (2, 2)


def test_snapshots_are_written_while_training(data_dir: Path, tmp_path: Path) -> None:
    cfg = TrainConfig(arch="doodlenet", words=["apple", "cat"], save_every=2, **TINY)
    snapshot = tmp_path / "snap.pt"
    final = train(cfg, data_dir, quiet=True, snapshot_path=snapshot)
    _, saved = load_checkpoint(snapshot)
    assert saved["train"] == {**saved["train"], "step": 2, "partial": True}
    assert final["train"]["step"] == 3 and "partial" not in final["train"]


def test_activate_if_better_rule() -> None:
    old = {"strokes_top1": 0.70, "bitmaps_top1": 0.78, "replay_named_rate": 0.77}
    assert is_better({"strokes_top1": 0.72, "bitmaps_top1": 0.80, "replay_named_rate": 0.80}, old)
    assert not is_better({"strokes_top1": 0.70, "bitmaps_top1": 0.90, "replay_named_rate": 0.90}, old)
    assert not is_better({"strokes_top1": 0.75, "bitmaps_top1": 0.70, "replay_named_rate": 0.90}, old)
    assert is_better({"strokes_top1": 0.1}, None)


def test_register_activates_only_when_better(checkpoint_path: Path, tmp_path: Path, session: Session) -> None:
    onnx_path = tmp_path / "tiny.onnx"
    meta = export_checkpoint(checkpoint_path, onnx_path) | {"pack": False}
    old = {"metrics": {"strokes_top1": 2.0}}
    active = register_model(session, name="old", task="doodle", onnx=b"x", meta=old, activate_now=True)
    model, better = register_if_better(session, onnx_path, meta)
    assert not better and get_active(session, "doodle").id == active.id and model.version == 1
    active.meta = {"metrics": {"strokes_top1": -1.0}}
    session.flush()
    model, better = register_if_better(session, onnx_path, meta)
    assert better and get_active(session, "doodle").id == model.id and model.version == 2
    assert model.meta["classes"] == ["apple", "cat"]


def test_cli_train_export_eval(
    tmp_path: Path, data_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKLING_DATA_DIR", str(data_dir))
    monkeypatch.setenv("INKLING_DATABASE_URL", database_url)
    runner = CliRunner()
    ckpt = tmp_path / "cli.pt"
    args = ["train", "doodle", "--words", "apple,cat", "--out", str(ckpt), "--quiet", "--steps", "2",
            "--batch-size", "8", "--variants", "1", "--max-records", "10", "--max-bitmaps-per-word", "30",
            "--max-extra-per-word", "30", "--workers", "1"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert ckpt.exists() and "strokes_top1" in result.output
    result = runner.invoke(
        app, ["train", "export", str(ckpt), "--onnx", str(tmp_path / "p.onnx"), "--register"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.json").exists() and "registered p v1" in result.output
    result = runner.invoke(app, ["eval", "doodle", str(ckpt), "--json", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.json").exists()
