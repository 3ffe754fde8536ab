"""``inkling restore`` on files and folders: same-size PNGs named after the inputs; ``train restore`` help."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from inkling.cli import app

runner = CliRunner()


def _write(path: Path, size: tuple[int, int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(path)


def test_restore_a_folder_and_a_file(tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    _write(frames / "b.jpg", (45, 33), 0)
    _write(frames / "a.png", (64, 20), 1)
    (frames / "notes.txt").write_text("not an image")
    single = tmp_path / "one.jpeg"
    _write(single, (17, 9), 2)
    out = tmp_path / "out"
    no_db = f"sqlite:///{tmp_path / 'absent.db'}"
    result = runner.invoke(
        app, ["restore", str(frames), str(single), "--out", str(out), "--database-url", no_db]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.png", "one.png"]
    for name, size in (("a.png", (64, 20)), ("b.png", (45, 33)), ("one.png", (17, 9))):
        with Image.open(out / name) as image:
            assert image.format == "PNG" and image.size == size and image.mode == "RGB"
    assert not (tmp_path / "absent.db").exists()


def test_restore_reports_unreadable_images(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    no_db = f"sqlite:///{tmp_path / 'absent.db'}"
    result = runner.invoke(
        app, ["restore", str(bad), "--out", str(tmp_path / "out"), "--database-url", no_db]
    )
    assert result.exit_code == 1
    assert "skipped" in result.output


def test_restore_missing_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["restore", str(tmp_path / "nope.png"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1


def test_train_restore_is_registered() -> None:
    result = runner.invoke(app, ["train", "restore", "--help"])
    assert result.exit_code == 0 and "--resume" in result.output


def test_train_restore_refuses_a_model_it_cannot_start_from(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.onnx"
    result = runner.invoke(
        app, ["train", "restore", "--init-from", str(missing), "--out", str(tmp_path / "r.pt")]
    )
    assert result.exit_code != 0 and "cannot start from" in result.output
    assert not (tmp_path / "r.pt").exists()


def test_train_restore_refuses_an_artifact_chance_range_upside_down(tmp_path: Path) -> None:
    args = ["train", "restore", "--out", str(tmp_path / "r.pt"), "--core-prob", "0.9", "0.2"]
    result = runner.invoke(app, args)
    assert result.exit_code != 0 and "--core-prob needs 0 <= MIN <= MAX <= 1" in result.output
    assert not (tmp_path / "r.pt").exists()


def _clean_picture(size: tuple[int, int]) -> np.ndarray:
    """An undamaged picture: smooth colour gradients and soft shapes, no grain, jitter or tear."""
    y, x = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
    disc = ((x - size[0] / 2) ** 2 + (y - size[1] / 2) ** 2 < (size[1] / 3) ** 2).astype(np.float32)
    image = np.stack([x / size[0], y / size[1], 0.3 + 0.4 * disc], axis=-1)
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)


def test_a_clean_frame_comes_out_unchanged(tmp_path: Path) -> None:
    picture = _clean_picture((160, 120))
    Image.fromarray(picture).save(tmp_path / "clean.png")
    no_db = f"sqlite:///{tmp_path / 'absent.db'}"
    result = runner.invoke(
        app, ["restore", str(tmp_path / "clean.png"), "--out", str(tmp_path / "out"), "--database-url", no_db]
    )
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "out" / "clean.png") as image:
        assert np.array_equal(np.asarray(image), picture)
