"""Export a restore checkpoint to ONNX (dynamic batch, height and width), check parity, write the sidecar."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sqlalchemy.orm import Session

from inkling.inference.restore import DEFAULT_MARGIN, DEFAULT_OVERLAP, DEFAULT_TILE
from inkling.inference.timebase import TimebaseConfig
from inkling.learn.onnx_export import DEFAULT_ATOL, DEFAULT_OPSET, check_parity, export_onnx, torch_reference
from inkling.registry import register_model
from inkling.restore.pix2pix import GeneratorConfig, build_generator
from inkling.restore.train import load_checkpoint

TASK = "restore"
PARITY_SHAPES = ((2, 3, 48, 80), (1, 3, 96, 64))  # random inputs checked against torch (sizes vary)


def export_checkpoint(checkpoint: Path, onnx_path: Path, *, name: str | None = None) -> dict[str, Any]:
    """Write the generator of ``checkpoint`` as ONNX, parity-check it, return its metadata (not written)."""
    state, _, raw = load_checkpoint(checkpoint)
    gen = state["generator"].eval()
    multiple = gen.config.multiple
    export_onnx(
        gen, torch.zeros(1, 3, 4 * multiple, 4 * multiple), onnx_path, extra_axes={2: "height", 3: "width"}
    )
    rng = np.random.default_rng(0)
    diffs = [
        check_parity(onnx_path, torch_reference(gen), rng.random(shape, dtype=np.float32), atol=DEFAULT_ATOL)
        for shape in PARITY_SHAPES
    ]
    data = Path(onnx_path).read_bytes()
    metrics = raw.get("metrics", {})
    return {
        "name": name or Path(onnx_path).stem,
        "task": TASK,
        "input": {
            "kind": "rgb",
            "layout": "NCHW",
            "dtype": "float32",
            "range": [0, 1],
            "channels": 3,
            "multiple": multiple,
            "pad": "reflect to a multiple of `multiple` (height and width), crop after",
        },
        "output": {
            "kind": "rgb",
            "layout": "NCHW",
            "range": [0, 1],
            "clip": True,
            "same_size_as_input": True,
        },
        "input_name": "input",
        "output_name": "output",
        "opset": DEFAULT_OPSET,
        "arch": "pix2pix-unet-residual",
        "generator": raw["generator_config"],
        "inference": {
            "tile": DEFAULT_TILE,
            "overlap": DEFAULT_OVERLAP,
            "margin": DEFAULT_MARGIN,
            **({"timebase": asdict(TimebaseConfig())} if raw["config"].get("timebase") else {}),
        },
        "metrics": {k: metrics[k] for k in ("psnr", "ssim", "images", "step") if k in metrics},
        "reference": raw.get("reference", {}),
        "training": {k: v for k, v in raw["config"].items() if k != "extra"} | {"run": raw.get("train", {})},
        "parity": {
            "reference": "torch (eval mode)",
            "max_abs_diff": max(diffs),
            "atol": DEFAULT_ATOL,
            "shapes": [list(s) for s in PARITY_SHAPES],
        },
        "source": {"data": "BSDS500 train+val (research and educational use only), degraded on the fly"},
        "licence": "weights MIT; data BSDS500, research/educational use only (check before commercial use)",
        "onnx_sha256": hashlib.sha256(data).hexdigest(),
    }


def write_meta(meta: dict[str, Any], path: Path) -> Path:
    """Write the ``.json`` sidecar."""
    path = Path(path)
    path.write_text(json.dumps(meta, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return path


def register(session: Session, onnx_path: Path, meta: dict[str, Any], *, activate_now: bool = True) -> Any:
    """Store the exported model in the registry (activating it by default)."""
    return register_model(
        session,
        name=meta["name"],
        task=TASK,
        onnx=Path(onnx_path).read_bytes(),
        meta=meta,
        activate_now=activate_now,
    )


def generator_weights(onnx_path: Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """(generator config, state dict) read back from an exported restore model and its ``.json`` sidecar.

    The export keeps every parameter as a named initializer, so a shipped model can seed a new run
    (``inkling train restore --init-from``) when its checkpoint is gone.
    """
    import onnx
    from onnx import numpy_helper

    meta = json.loads(Path(onnx_path).with_suffix(".json").read_text(encoding="utf-8"))
    if meta.get("task") != TASK or "generator" not in meta:
        raise ValueError(f"{onnx_path}: not a restore generator (its sidecar has no generator config)")
    config = GeneratorConfig(**meta["generator"])  # older sidecars omit options added since (defaults)
    graph = onnx.load(str(onnx_path)).graph
    initializers = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    expected = build_generator(config).state_dict()
    missing = sorted(set(expected) - set(initializers))
    if missing:
        raise ValueError(f"{onnx_path}: no weights for {', '.join(missing[:5])}")
    weights = {name: torch.from_numpy(initializers[name].copy()) for name in expected}
    return asdict(config), weights
