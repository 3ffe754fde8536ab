"""Convert the released DoodleNet (Keras HDF5) to ONNX + JSON metadata, checked against a NumPy reference.

Run: .venv/bin/python -m inkling.learn.doodlenet_convert --data-dir ../shared/data --out src/inkling/models
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inkling.learn.doodlenet import INPUT_SIZE, NUM_CLASSES, doodlenet, load_keras_weights
from inkling.learn.keras_h5 import KerasModel, read_keras_h5
from inkling.learn.keras_reference import keras_reference
from inkling.learn.onnx_export import (
    DEFAULT_ATOL,
    DEFAULT_OPSET,
    Reference,
    check_parity,
    export_onnx,
    torch_reference,
)
from inkling.learn.tfjs_weights import read_tfjs_weights

NAME = "doodlenet"  # registry name and file stem
TASK = "doodle"  # registry task
INPUT_NAME = "input"  # ONNX input name
OUTPUT_NAME = "probabilities"  # ONNX output name: softmax is part of the graph
# where things live in the data mirror (see shared/data/PROVENANCE.md section 7)
MIRROR_H5 = Path("pretrained/doodlenet_keras/doodleNet-model.h5")
MIRROR_TFJS = Path("pretrained/doodlenet_tfjs/model.json")
MIRROR_CATEGORIES = Path("quickdraw/categories.txt")
MIRROR_BITMAPS = Path("quickdraw/quickdraw_bitmap_6class_first100.npz")
PARITY_SEED = 0  # seed of the random parity inputs
PARITY_RANDOM = 32  # uniform-noise inputs in [0, 1]
PARITY_SPARSE = 32  # stroke-like inputs: mostly 0 with a few bright pixels
SPARSE_INK = 0.15  # fraction of bright pixels in a sparse input
INPUT_CONTRACT = {
    "kind": "bitmap",
    "size": INPUT_SIZE,
    "channels": 1,
    "layout": "NCHW",
    "dtype": "float32",
    "range": [0, 1],
    "polarity": "white-on-black",
}
SOURCE = {
    "name": "ml5 DoodleNet",
    "author": "Yining Shi (ml5.js)",
    "url": "https://github.com/ml5js/ml5-data-and-models/tree/0612a3e7c51cbffdc5db701dff49d16d1ac26fa8/models/doodlenet",
    "keras_url": "https://github.com/yining1023/doodleNet/blob/7a4708e4d2be126d30679807b85ac5f5489c09f5/model-keras/doodleNet-model.h5",
    "licence": "MIT",
    "copyright": "Copyright (c) 2018 ml5",
}


def official_class_names(class_names_path: Path, categories_path: Path) -> list[str]:
    """DoodleNet's class names in output order, as official Quick, Draw! names (``_`` -> space)."""
    names = [
        line.strip().replace("_", " ") for line in class_names_path.read_text().splitlines() if line.strip()
    ]
    official = {line.strip() for line in categories_path.read_text().splitlines() if line.strip()}
    unknown = [name for name in names if name not in official]
    if unknown:
        raise ValueError(f"class names not in {categories_path}: {unknown}")
    if len(names) != NUM_CLASSES or len(set(names)) != len(names):
        raise ValueError(
            f"expected {NUM_CLASSES} distinct class names, got {len(names)} ({len(set(names))} distinct)"
        )
    return names


def parity_inputs(bitmaps_path: Path | None = None) -> np.ndarray:
    """NCHW float32 inputs for the parity check: official bitmaps (when given) + seeded random ones."""
    rng = np.random.default_rng(PARITY_SEED)
    shape = (1, INPUT_SIZE, INPUT_SIZE)
    parts = [
        rng.random((PARITY_RANDOM, *shape), dtype=np.float32),
        (rng.random((PARITY_SPARSE, *shape)) < SPARSE_INK).astype(np.float32),
    ]
    if bitmaps_path is not None:
        with np.load(bitmaps_path) as data:
            parts.insert(0, data["x"][:, None].astype(np.float32) / 255)
    return np.concatenate(parts)


def tfjs_weights_match(keras: KerasModel, model_json: Path) -> bool:
    """True when every HDF5 weight equals the TF.js copy of the same name, bit for bit."""
    tfjs = read_tfjs_weights(model_json)
    h5 = keras.named_weights()
    return tfjs.keys() == h5.keys() and all(np.array_equal(tfjs[k], h5[k]) for k in h5)


def export_doodle_onnx(net: nn.Module, path: Path) -> Path:
    """Export a 28x28 bitmap doodle classifier to ``path`` with the shared input/output names and opset."""
    example = torch.zeros(1, 1, INPUT_SIZE, INPUT_SIZE)
    return export_onnx(
        net, example, path, input_name=INPUT_NAME, output_name=OUTPUT_NAME, opset=DEFAULT_OPSET
    )


def check_and_write_meta(
    onnx_path: Path,
    classes: list[str],
    details: dict[str, Any],
    *,
    reference: Reference,
    reference_name: str,
    torch_net: nn.Module,
    bitmaps_path: Path,
) -> dict[str, Any]:
    """Check ``onnx_path`` against ``reference`` and ``torch_net``, write its ``.json`` beside it, return it.

    The metadata is the doodle contract, then ``details`` (source, licence, ...), then the parity found on
    :func:`parity_inputs` (official bitmaps among them when ``bitmaps_path`` exists). Raises ``ParityError``
    when either check differs by more than 1e-4.
    """
    bitmaps = bitmaps_path if bitmaps_path.exists() else None
    inputs = parity_inputs(bitmaps)
    max_abs_diff = check_parity(onnx_path, reference, inputs, atol=DEFAULT_ATOL)
    max_abs_diff_torch = check_parity(onnx_path, torch_reference(torch_net), inputs, atol=DEFAULT_ATOL)
    name = onnx_path.stem
    meta: dict[str, Any] = {
        "name": name,
        "task": TASK,
        "classes": classes,
        "input": INPUT_CONTRACT,
        "input_name": INPUT_NAME,
        "output": {"kind": "probabilities", "softmax": True, "shape": ["batch", len(classes)]},
        "output_name": OUTPUT_NAME,
        "opset": DEFAULT_OPSET,
        **details,
        "parity": {
            "reference": reference_name,
            "max_abs_diff": max_abs_diff,
            "max_abs_diff_torch": max_abs_diff_torch,
            "atol": DEFAULT_ATOL,
            "inputs": len(inputs),
            "bitmaps": str(MIRROR_BITMAPS) if bitmaps is not None else None,
        },
        "onnx_sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
    }
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    (onnx_path.parent / f"{name}.json").write_text(text, encoding="utf-8")
    return meta


def convert_main(
    doc: str,
    convert: Callable[[Path, Path], tuple[Path, dict[str, Any]]],
    source: Path,
    argv: list[str] | None,
) -> None:
    """Command line of a conversion: ``convert(<data-dir>/source, --out)``, then the file and its parity."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the data mirror (INKLING_DATA_DIR)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parents[1] / "models", help="output folder"
    )
    args = parser.parse_args(argv)
    onnx_path, meta = convert(args.data_dir / source, args.out)
    size = onnx_path.stat().st_size
    print(f"{onnx_path} ({size:,} B), parity max abs diff {meta['parity']['max_abs_diff']:.2e}")


def convert_doodlenet(
    h5_path: str | Path,
    out_dir: str | Path,
    *,
    class_names_path: Path | None = None,
    categories_path: Path | None = None,
    bitmaps_path: Path | None = None,
    tfjs_model_json: Path | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Write ``doodlenet.onnx`` + ``doodlenet.json`` to ``out_dir``; return the ONNX path and the metadata.

    Paths left out default to the data-mirror layout around ``h5_path`` (``<data>/pretrained/...``).
    Raises ``ParityError`` when ONNX and the NumPy Keras reference differ by more than 1e-4.
    """
    h5_path, out_dir = Path(h5_path), Path(out_dir)
    data_root = h5_path.resolve().parents[2]
    class_names_path = class_names_path or h5_path.parent / "class_names.txt"
    categories_path = categories_path or data_root / MIRROR_CATEGORIES
    bitmaps_path = bitmaps_path or data_root / MIRROR_BITMAPS
    tfjs_model_json = tfjs_model_json or data_root / MIRROR_TFJS

    keras = read_keras_h5(h5_path)
    classes = official_class_names(class_names_path, categories_path)
    net = load_keras_weights(doodlenet(), keras)
    onnx_path = export_doodle_onnx(net, out_dir / f"{NAME}.onnx")
    details = {
        "source": {
            **SOURCE,
            "keras_version": keras.keras_version,
            "h5_sha256": hashlib.sha256(h5_path.read_bytes()).hexdigest(),
            "tfjs_weights_equal": tfjs_weights_match(keras, tfjs_model_json)
            if tfjs_model_json.exists()
            else None,
        },
        "licence": SOURCE["licence"],
    }
    meta = check_and_write_meta(
        onnx_path,
        classes,
        details,
        reference=keras_reference(keras),
        reference_name="NumPy forward pass of the Keras HDF5 weights (float64, Keras semantics)",
        torch_net=net,
        bitmaps_path=bitmaps_path,
    )
    return onnx_path, meta


def main(argv: list[str] | None = None) -> None:
    """Command line: convert from the data mirror into the package's models folder."""
    convert_main(__doc__, convert_doodlenet, MIRROR_H5, argv)


if __name__ == "__main__":
    main()
