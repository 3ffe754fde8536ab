"""``inkling predict digits`` on a .npz and on PNG files; ``inkling train digits --quick`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from inkling.cli import app
from inkling.datasets.mnist import Mnist
from inkling.db.engine import make_engine, session_scope
from inkling.db.models import RegisteredModel
from inkling.db.repositories.mnist import load_mnist_into_db

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"
needs_model = pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@needs_model
def test_predict_digits_on_an_npz(data_dir: Path, tmp_path: Path) -> None:
    with np.load(data_dir / "mnist" / "mnist.npz") as data:
        x, y = data["x_test"][:50], data["y_test"][:50]
    np.savez(tmp_path / "some.npz", x=x)
    result = CliRunner().invoke(
        app,
        ["predict", "digits", str(tmp_path / "some.npz"), "--database-url", f"sqlite:///{tmp_path}/none.db"],
    )
    assert result.exit_code == 0, result.output
    lines = _lines(result.stdout)
    assert [line["index"] for line in lines] == list(range(50))
    assert np.mean([line["digit"] == label for line, label in zip(lines, y, strict=True)]) >= 0.96
    assert all(0 < line["probability"] <= 1 for line in lines)


@needs_model
def test_predict_digits_on_png_files(data_dir: Path, tmp_path: Path) -> None:
    with np.load(data_dir / "mnist" / "mnist.npz") as data:
        x, y = data["x_test"][:3], data["y_test"][:3]
    paths = []
    for i, image in enumerate(x):
        paths.append(tmp_path / f"{i}.png")
        Image.fromarray(image).save(paths[-1])
    result = CliRunner().invoke(
        app, ["predict", "digits", *map(str, paths), "--database-url", f"sqlite:///{tmp_path}/none.db"]
    )
    assert result.exit_code == 0, result.output
    assert [line["digit"] for line in _lines(result.stdout)] == y.tolist()


def test_predict_digits_refuses_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("1")
    result = CliRunner().invoke(app, ["predict", "digits", str(bad)])
    assert result.exit_code == 1 and "npz" in result.output


def test_train_digits_quick_reads_the_database_and_exports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inkling.db'}"
    from inkling.db.migrate import upgrade

    upgrade(url)
    rng = np.random.default_rng(0)
    y = np.arange(120) % 10
    x = rng.integers(0, 30, (120, 28, 28)).astype(np.uint8)
    for i, label in enumerate(y):
        x[i, 2 * label : 2 * label + 6, 4:24] = 255
    engine = make_engine(url)
    with session_scope(engine) as session:
        load_mnist_into_db(
            session, Mnist(x[:100], y[:100].astype(np.uint8), x[100:], y[100:].astype(np.uint8))
        )
    onnx = tmp_path / "digits.onnx"
    result = CliRunner().invoke(
        app,
        ["train", "digits", "--models", "tree,knn", "--quick", "--out", str(tmp_path / "runs"),
         "--onnx", str(onnx), "--register", "--database-url", url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert onnx.is_file() and json.loads(onnx.with_suffix(".json").read_text())["task"] == "digit"
    with session_scope(engine) as session:
        row = session.query(RegisteredModel).one()
        assert row.task == "digit" and row.is_active and row.name.startswith("digits-")
    engine.dispose()
