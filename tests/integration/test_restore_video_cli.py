"""``inkling restore clip.mp4 --out restored.mp4``: frame count, size and audio kept; resume; bad input."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from inkling.cli import app
from inkling.inference.restore import RestorePredictor
from inkling.inference.video import probe
from inkling.restore.video_synth import ClipSpec, make_clip, write_clip
from inkling.services.models import SHIPPED_DIR
from inkling.services.restore_video import VideoCancelled, VideoJob, VideoOptions, parts_dir

runner = CliRunner()


def _photo() -> np.ndarray:
    y, x = np.mgrid[0:200, 0:260]
    rng = np.random.default_rng(0)
    blocks = np.kron(rng.random((10, 13, 3)), np.ones((20, 20, 1)))
    return (255 * (0.5 * blocks + 0.25 * (1 + np.sin(x / 9.0) * np.cos(y / 7.0))[..., None] / 2)).astype(
        np.uint8
    )


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6-frame 96x64 interlaced clip with a tone."""
    path = tmp_path_factory.mktemp("clip") / "capture.mp4"
    spec = ClipSpec(width=96, height=64, frames=6, interlaced=True)
    write_clip(path, make_clip(_photo(), spec, seed=1).degraded, spec.rate, interlaced=True)
    return path


def _streams(path: Path) -> dict[str, int]:
    with av.open(str(path)) as container:
        return {s.type: len(list(container.decode(s))) if s.type == "video" else 1 for s in container.streams}


def test_restore_a_clip(clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "restored.mp4"
    no_db = f"sqlite:///{tmp_path / 'absent.db'}"
    result = runner.invoke(app, ["restore", str(clip), "--out", str(out), "--database-url", no_db])
    assert result.exit_code == 0, result.output
    assert "interlaced" in result.output and "per field: yes" in result.output
    info = probe(out)
    assert (info.width, info.height, info.frames) == (96, 64, 6) and info.has_audio
    assert _streams(out) == {"video": 6, "audio": 1}
    assert not parts_dir(out).exists()
    square = tmp_path / "square.mkv"
    args = [
        "restore",
        str(clip),
        "--out",
        str(square),
        "--square-pixels",
        "--no-temporal",
        "--database-url",
        no_db,
    ]
    assert runner.invoke(app, args).exit_code == 0
    assert (probe(square).width, probe(square).height, probe(square).frames) == (86, 64, 6)


def test_resume_does_not_redo_finished_frames(clip: Path, tmp_path: Path) -> None:
    predictor = RestorePredictor(
        (SHIPPED_DIR / "restore-unet.onnx").read_bytes(),
        json.loads((SHIPPED_DIR / "restore-unet.json").read_text()),
    )
    out = tmp_path / "restored.mp4"
    options = VideoOptions(segment=2, fields="off")
    calls: list[int] = []

    def counting(frame: np.ndarray) -> np.ndarray:
        calls.append(1)
        return predictor.restore(frame)

    job = VideoJob(clip, out, probe(clip), options)
    with pytest.raises(VideoCancelled):
        job.run(counting, should_stop=lambda: len(calls) >= 3)  # stops in the middle of the second segment
    assert sorted(p.name for p in parts_dir(out).glob("segment-*")) == ["segment-00000.mkv"]
    assert not out.exists()
    calls.clear()
    seen: list[tuple[int, int]] = []
    assert VideoJob(clip, out, probe(clip), options).run(counting, lambda d, t: seen.append((d, t))) == 6
    assert len(calls) == 4  # frames 2..5 only
    assert seen[0] == (2, 6) and seen[-1] == (6, 6)
    assert probe(out).frames == 6 and not parts_dir(out).exists()


def test_bad_videos_are_refused(clip: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video at all")
    no_db = f"sqlite:///{tmp_path / 'absent.db'}"
    result = runner.invoke(
        app, ["restore", str(fake), "--out", str(tmp_path / "o.mp4"), "--database-url", no_db]
    )
    assert result.exit_code == 1 and "not a video" in result.output
    args = [
        "restore",
        str(clip),
        "--out",
        str(tmp_path / "o.mp4"),
        "--max-seconds",
        "0.1",
        "--database-url",
        no_db,
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "limit" in result.output
    result = runner.invoke(
        app, ["restore", str(clip), "--out", str(tmp_path / "o.png"), "--database-url", no_db]
    )
    assert result.exit_code == 1 and "--out must name a video" in result.output
