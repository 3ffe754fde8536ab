"""Export a doodle checkpoint to ONNX (with parity), write its metadata, register it, activate if better."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sqlalchemy.orm import Session

from inkling.learn.onnx_export import DEFAULT_OPSET, check_parity, export_onnx, torch_reference
from inkling.learn.quickdraw_resnet_convert import SOURCE as RESNET_SOURCE
from inkling.learn.train_doodle import load_checkpoint
from inkling.registry import ModelNotFoundError, get_active, register_model

SUMMARY_KEYS = (
    "strokes_top1", "strokes_top3", "bitmaps_top1", "bitmaps_top3", "replay_named_rate",
    "replay_mean_stroke_frac_at_first_correct", "replay_mean_time_frac_at_first_correct",
    "replay_named_by_half_strokes",
)  # fmt: skip
TOLERANCE = 0.005  # "not worse": at most half a point below on the secondary splits


def input_contract(in_channels: int) -> dict[str, Any]:
    """The input contract stored with the model (same shape as doodlenet.json's)."""
    contract = {"kind": "bitmap", "size": 28, "channels": 1, "layout": "NCHW", "dtype": "float32",
                "range": [0, 1], "polarity": "white-on-black"}  # fmt: skip
    if in_channels > 1:
        contract |= {"kind": "bitmap+recency", "channels": in_channels}
    return contract


DOODLENET_CREDIT = "ml5 DoodleNet (MIT)"
RESNET_CREDIT = f"{RESNET_SOURCE['name']} ({RESNET_SOURCE['licence']}, {RESNET_SOURCE['copyright']})"
DATA_CREDIT = "Google Quick, Draw! (CC BY 4.0)"


def provenance(config: dict[str, Any], arch: str) -> dict[str, Any]:
    """``source`` and ``licence`` of a trained doodle model: whose weights it starts from and learns from."""
    teacher = config.get("teacher", "doodlenet")
    learns_from = {"doodlenet": [DOODLENET_CREDIT], "resnet": [RESNET_CREDIT]}.get(
        teacher, [RESNET_CREDIT, DOODLENET_CREDIT]
    )
    starts_from = {"resnet": [RESNET_CREDIT], "blend": [RESNET_CREDIT, DOODLENET_CREDIT]}.get(
        arch, [DOODLENET_CREDIT]
    )
    derived = list(dict.fromkeys([*starts_from, *learns_from]))
    notices = "; ".join(derived)
    return {
        "source": {
            "initialised from": " + ".join(starts_from),
            "teacher": " + ".join(learns_from),
            "data": DATA_CREDIT,
        },
        "licence": f"MIT (weights derived from {notices}: keep these notices); data CC BY 4.0, attribute "
        "Google / Quick, Draw!",
    }


def export_checkpoint(
    checkpoint_path: Path, onnx_path: Path, parity_inputs: np.ndarray | None = None
) -> dict[str, Any]:
    """Export to ONNX, check parity against torch, return the metadata (metrics from the checkpoint)."""
    model, ckpt = load_checkpoint(checkpoint_path)
    channels = ckpt["in_channels"]
    export_onnx(model, torch.zeros(1, channels, 28, 28), onnx_path, output_name="probabilities")
    inputs = (
        parity_inputs
        if parity_inputs is not None
        else np.random.default_rng(0).random((64, channels, 28, 28))
    )
    diff = check_parity(onnx_path, torch_reference(model), inputs.astype(np.float32))
    data = Path(onnx_path).read_bytes()
    words = ckpt["config"].get("words")
    metrics = {k: round(float(v), 4) for k, v in ckpt.get("metrics", {}).items() if k in SUMMARY_KEYS}
    return {
        "name": Path(onnx_path).stem,
        "task": "doodle",
        "classes": list(ckpt["classes"]),
        "input": input_contract(channels),
        "input_name": "input",
        "output": {"kind": "probabilities", "softmax": True, "shape": ["batch", len(ckpt["classes"])]},
        "output_name": "probabilities",
        "opset": DEFAULT_OPSET,
        "arch": ckpt["arch"],
        **({"arch_options": ckpt["arch_options"]} if ckpt.get("arch_options") else {}),
        "pack": words is not None,
        "activate_if_none": words is None,  # a word pack is registered but never made the active doodle model
        "metrics": metrics,
        "training": {k: v for k, v in ckpt["config"].items() if k != "extra"}
        | {"run": ckpt.get("train", {})},
        "dedupe": ckpt.get("dedupe", {}),
        "parity": {
            "reference": "torch (eval mode)",
            "max_abs_diff": diff,
            "atol": 1e-4,
            "inputs": len(inputs),
        },
        **provenance(ckpt["config"], ckpt["arch"]),
        "onnx_sha256": hashlib.sha256(data).hexdigest(),
    }


def write_meta(meta: dict[str, Any], path: Path) -> Path:
    """Write model metadata JSON next to the ONNX file."""
    Path(path).write_text(json.dumps(meta, indent=2) + "\n")
    return Path(path)


def is_better(new: dict[str, Any], old: dict[str, Any] | None) -> bool:
    """New beats old: higher all-words top-1, and bitmap top-1 and replay named-rate not worse (TOLERANCE)."""
    if not old or "strokes_top1" not in old:
        return True
    if new.get("strokes_top1", -1.0) <= old["strokes_top1"]:
        return False
    for key in ("bitmaps_top1", "replay_named_rate"):
        if key in old and new.get(key, -1.0) < old[key] - TOLERANCE:
            return False
    return True


def register_if_better(
    session: Session, onnx_path: Path, meta: dict[str, Any], baseline: dict[str, Any] | None = None
) -> tuple[Any, bool]:
    """Register the model; activate it if it beats the active doodle model (or ``baseline``)."""
    try:
        active = get_active(session, "doodle")
        old = active.meta.get("metrics") or baseline
    except ModelNotFoundError:
        old = None
    better = not meta.get("pack") and is_better(meta.get("metrics", {}), old)
    model = register_model(
        session,
        name=meta["name"],
        task="doodle",
        onnx=Path(onnx_path).read_bytes(),
        meta=meta,
        activate_now=better,
    )
    return model, better
