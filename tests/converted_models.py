"""Shared by the tests of the converted pretrained doodle models (DoodleNet, the Quick, Draw! ResNet)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

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


def assert_same_model(shipped: bytes, converted: bytes, hint: str) -> None:
    """Same graph (every node, in order) and the same weights up to float32 rounding.

    Folding batch norm into the convolutions rounds in the last bit differently on different CPUs (the
    vector instructions torch picks), so the bytes may differ between machines while the model does not.
    """
    if shipped == converted:
        return
    a, b = onnx.load_from_string(shipped), onnx.load_from_string(converted)
    nodes = [[(n.op_type, list(n.input), list(n.output)) for n in m.graph.node] for m in (a, b)]
    assert nodes[0] == nodes[1], f"stale graph: {hint}"
    weights = [{i.name: numpy_helper.to_array(i) for i in m.graph.initializer} for m in (a, b)]
    assert weights[0].keys() == weights[1].keys(), f"stale weights: {hint}"
    for name, value in weights[0].items():
        assert np.allclose(value, weights[1][name], rtol=1e-6, atol=1e-6), f"stale {name}: {hint}"


def assert_shipped_is_current(
    converted: tuple[Path, dict[str, Any]], module: str, inputs: np.ndarray, reference: np.ndarray
) -> dict[str, Any]:
    """The packaged ONNX matches ``reference`` and is today's conversion (see ``assert_same_model``);
    its metadata too.

    Returns the shipped metadata. ``parity`` may differ (its floats vary with threads in the last digits),
    and ``onnx_sha256`` with the bytes, but it must be the shipped file's own hash.
    """
    onnx_path, meta = converted
    name = onnx_path.stem
    shipped = (SHIPPED / f"{name}.onnx").read_bytes()
    assert np.abs(run_onnx(shipped, inputs) - reference).max() <= ATOL
    assert_same_model(shipped, onnx_path.read_bytes(), f"re-run python -m inkling.learn.{module}")
    shipped_meta = json.loads((SHIPPED / f"{name}.json").read_text())
    assert shipped_meta["onnx_sha256"] == hashlib.sha256(shipped).hexdigest()
    measured = ("parity", "onnx_sha256")
    assert {k: v for k, v in shipped_meta.items() if k not in measured} == {
        k: v for k, v in meta.items() if k not in measured
    }
    return shipped_meta
