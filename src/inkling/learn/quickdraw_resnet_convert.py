"""Convert the Quick, Draw! ResNet (TF.js layers model) to ONNX + JSON metadata, checked against NumPy.

Run: .venv/bin/python -m inkling.learn.quickdraw_resnet_convert --data-dir ../shared/data
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from inkling.learn.doodlenet_convert import (
    MIRROR_BITMAPS,
    MIRROR_CATEGORIES,
    check_and_write_meta,
    convert_main,
    export_doodle_onnx,
    official_class_names,
)
from inkling.learn.quickdraw_resnet import quickdraw_resnet
from inkling.learn.tfjs_reference import tfjs_reference

NAME = "quickdraw-resnet"  # registry name and file stem
MIRROR_DIR = Path("pretrained/quickdraw_resnet_tfjs")  # model.json, shard, class names, LICENSE
MODEL_JSON = "model.json"
CLASS_NAMES = "classes_official_names.txt"  # class.json's order, official spelling, one per line
SOURCE = {
    "name": "Quick, Draw! ResNet (jinnyday0719/quickdraw-prediction-model)",
    "url": "https://github.com/jinnyday0719/quickdraw-prediction-model/tree/"
    "bb1d600a7b2139e0f36cb199eac8ab30dda71e4f/web/tfjs_model",
    "licence": "MIT",
    "copyright": "Copyright (c) 2024 안서진",
}


def convert_quickdraw_resnet(
    model_dir: str | Path, out_dir: str | Path, *, categories_path: Path | None = None
) -> tuple[Path, dict[str, Any]]:
    """Write ``quickdraw-resnet.onnx`` + ``.json`` to ``out_dir``; return the ONNX path and the metadata.

    Batch norm is folded into the convolutions before export. Raises ``ParityError`` when ONNX and the
    NumPy reading of the TF.js weights differ by more than 1e-4.
    """
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    data_root = model_dir.resolve().parents[1]
    categories_path = categories_path or data_root / MIRROR_CATEGORIES
    bitmaps_path = data_root / MIRROR_BITMAPS
    model_json = model_dir / MODEL_JSON
    classes = official_class_names(model_dir / CLASS_NAMES, categories_path)
    net = quickdraw_resnet(model_json, fold=True)
    onnx_path = export_doodle_onnx(net, out_dir / f"{NAME}.onnx")
    details = {
        "arch": "quickdraw-resnet (15 conv+BN, identity shortcuts, GAP, Dense 256, Dense 345; BN folded)",
        "activate_if_none": False,  # a teacher and reference: registered, never made active by loading
        "source": {
            **SOURCE,
            "model_json_sha256": hashlib.sha256(model_json.read_bytes()).hexdigest(),
            "weights_sha256": hashlib.sha256((model_dir / "group1-shard1of1.bin").read_bytes()).hexdigest(),
        },
        "licence": f"MIT, {SOURCE['copyright']} (keep this notice with the weights)",
    }
    meta = check_and_write_meta(
        onnx_path,
        classes,
        details,
        reference=tfjs_reference(model_json),
        reference_name="NumPy forward pass of model.json + the TF.js shard (float64, Keras semantics)",
        torch_net=quickdraw_resnet(model_json),  # unfolded: the export's batch-norm folding is checked too
        bitmaps_path=bitmaps_path,
    )
    return onnx_path, meta


def main(argv: list[str] | None = None) -> None:
    """Command line: convert from the data mirror into the package's models folder."""
    convert_main(__doc__, convert_quickdraw_resnet, MIRROR_DIR, argv)


if __name__ == "__main__":
    main()
