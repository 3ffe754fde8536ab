"""Shared by the tests of the converted pretrained doodle models (DoodleNet, the Quick, Draw! ResNet)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from inkling.learn.doodlenet_convert import MIRROR_BITMAPS
from inkling.learn.onnx_export import run_onnx

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "inkling" / "models"
ATOL = 1e-4  # the parity requirement on probabilities


def parity_bitmaps(data_dir: Path) -> np.ndarray:
    """40 official bitmaps (every 15th row: all six classes) and 8 random inputs, NCHW 0..1."""
    with np.load(data_dir / MIRROR_BITMAPS) as data:
        bitmaps = data["x"][::15, None].astype(np.float32) / 255
    noise = np.random.default_rng(1).random((8, 1, 28, 28), dtype=np.float32)
    return np.concatenate([bitmaps, noise])


def assert_shipped_is_current(
    converted: tuple[Path, dict[str, Any]], module: str, inputs: np.ndarray, reference: np.ndarray
) -> dict[str, Any]:
    """The packaged ONNX matches ``reference`` and is byte for byte today's conversion; its metadata too.

    Returns the shipped metadata. Only ``parity`` may differ: its floats vary with threads in the last digits.
    """
    onnx_path, meta = converted
    name = onnx_path.stem
    shipped = (SHIPPED / f"{name}.onnx").read_bytes()
    assert np.abs(run_onnx(shipped, inputs) - reference).max() <= ATOL
    assert shipped == onnx_path.read_bytes(), f"stale: re-run python -m inkling.learn.{module}"
    shipped_meta = json.loads((SHIPPED / f"{name}.json").read_text())
    measured = ("parity",)
    assert {k: v for k, v in shipped_meta.items() if k not in measured} == {
        k: v for k, v in meta.items() if k not in measured
    }
    return shipped_meta
