"""Export a fitted digit estimator to ONNX with a parity check, write its sidecar, register it.

The CNN goes through ``torch.onnx`` (``learn.onnx_export``); scikit-learn estimators through skl2onnx
(probabilities as a plain tensor, no ZipMap). Either way the ONNX input is float32 in 0..1, white on
black, images in the MNIST convention (``inkling.ink.mnist``), and the output is (N, 10) probabilities.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import torch
from sklearn.base import BaseEstimator
from sqlalchemy.orm import Session

from inkling.learn.digits.estimator import CNNDigitClassifier
from inkling.learn.onnx_export import DEFAULT_OPSET, ParityError, export_onnx
from inkling.registry import register_model
from inkling.registry.store import ModelNotFoundError, activate, get_active

CLASSES = [str(d) for d in range(10)]
PARITY_ATOL = 1e-4  # max abs difference between ONNX and the estimator's probabilities
INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"


def input_contract(layout: str) -> dict[str, Any]:
    """The input contract of a digit model (``NCHW`` images or ``flat`` 784-vectors)."""
    return {
        "kind": "mnist",
        "size": 28,
        "channels": 1,
        "layout": layout,
        "dtype": "float32",
        "range": [0, 1],
        "polarity": "white-on-black",
        "render": "inkling.ink.mnist: 20x20 box, aspect kept, centred by mass in 28x28",
    }


def _session_probabilities(onnx: bytes, x: np.ndarray) -> np.ndarray:
    """The ``probabilities`` output of ``onnx`` for ``x``."""
    session = ort.InferenceSession(onnx, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT_NAME], {INPUT_NAME: x})[0]


def to_onnx(estimator: BaseEstimator) -> tuple[bytes, str]:
    """ONNX bytes for ``estimator`` and its input layout (``NCHW`` for the CNN, ``flat`` otherwise)."""
    if isinstance(estimator, CNNDigitClassifier):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = export_onnx(
                estimator.model_,
                torch.zeros(1, 1, 28, 28),
                Path(tmp) / "model.onnx",
                input_name=INPUT_NAME,
                output_name=OUTPUT_NAME,
            )
            return path.read_bytes(), "NCHW"
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    model = convert_sklearn(
        estimator,
        initial_types=[(INPUT_NAME, FloatTensorType([None, 784]))],
        options={id(estimator): {"zipmap": False}},
        target_opset={"": DEFAULT_OPSET, "ai.onnx.ml": 3},
    )
    for output in model.graph.output:
        if output.name == "probabilities" or output.name == "output_probability":
            output.name = OUTPUT_NAME
    for node in model.graph.node:
        node.output[:] = [OUTPUT_NAME if name == "output_probability" else name for name in node.output]
    return model.SerializeToString(), "flat"


def parity(onnx: bytes, estimator: BaseEstimator, layout: str, images: np.ndarray) -> float:
    """Max abs difference of ONNX vs ``estimator.predict_proba`` on uint8 ``images``; raises if too large."""
    x = (images.astype(np.float32) / 255.0).reshape(len(images), -1)
    want = estimator.predict_proba(x)
    feed = x.reshape(len(x), 1, 28, 28) if layout == "NCHW" else x
    got = _session_probabilities(onnx, feed)
    diff = float(np.max(np.abs(got.astype(np.float64) - want)))
    if not diff <= PARITY_ATOL:
        raise ParityError(f"ONNX probabilities differ from the estimator by {diff:.3g} > {PARITY_ATOL:g}")
    return diff


def export_digit_model(
    estimator: BaseEstimator,
    path: Path,
    *,
    name: str,
    images: np.ndarray,
    metrics: dict[str, Any],
    training: dict[str, Any],
) -> dict[str, Any]:
    """Write ``path`` (ONNX) and ``path.with_suffix('.json')`` (metadata); return the metadata."""
    onnx, layout = to_onnx(estimator)
    diff = parity(onnx, estimator, layout, images)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(onnx)
    meta: dict[str, Any] = {
        "name": name,
        "task": "digit",
        "classes": CLASSES,
        "input": input_contract(layout),
        "input_name": INPUT_NAME,
        "output": {"kind": "probabilities", "softmax": True, "shape": ["batch", 10]},
        "output_name": OUTPUT_NAME,
        "opset": DEFAULT_OPSET,
        "estimator": type(estimator).__name__,
        "params": {
            k: v for k, v in estimator.get_params().items() if isinstance(v, int | float | str | bool)
        },
        "metrics": metrics,
        "training": training,
        "data": "MNIST (LeCun, Cortes, Burges), CC BY-SA 3.0; read from the mnist_train/mnist_test tables",
        "parity": {"max_abs_diff": diff, "atol": PARITY_ATOL, "inputs": len(images)},
        "onnx_sha256": hashlib.sha256(onnx).hexdigest(),
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def register_digit_model(session: Session, onnx_path: Path, meta: dict[str, Any]) -> tuple[Any, bool]:
    """Register the exported model; activate it when no digit model is active or it is more accurate."""
    onnx = Path(onnx_path).read_bytes()
    model = register_model(session, name=meta["name"], task="digit", onnx=onnx, meta=meta)
    try:
        current = get_active(session, "digit")
        better = meta["metrics"]["accuracy"] > float((current.meta.get("metrics") or {}).get("accuracy", 0))
    except ModelNotFoundError:
        better = True
    if better:
        activate(session, model)
    return model, better
