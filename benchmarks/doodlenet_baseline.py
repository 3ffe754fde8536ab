""".venv/bin/python benchmarks/doodlenet_baseline.py --data-dir ../shared/data

Top-1/top-3 accuracy of the shipped DoodleNet ONNX (all 345 classes compete) on official Quick, Draw! bitmaps:
the 600 rows of the 6-class file and every row of the 64-class file, with onnxruntime on one CPU thread.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

MODELS = Path(__file__).resolve().parents[1] / "src" / "inkling" / "models"
FILES = {  # data-mirror files scored, by label
    "6-class (first 100 each)": Path("quickdraw/quickdraw_bitmap_6class_first100.npz"),
    "64-class (all rows)": Path("quickdraw_more/quickdraw_bitmaps_64class.npz"),
}
BATCH = 1024  # rows per onnxruntime call
TOP_K = (1, 3, 5)  # accuracies reported
THREADS = 1  # onnxruntime intra-op threads (the machine is shared)


def predict(session: ort.InferenceSession, x: np.ndarray) -> np.ndarray:
    """Class probabilities for uint8 white-on-black bitmaps (N, 28, 28), batched."""
    name = session.get_inputs()[0].name
    out = []
    for i in range(0, len(x), BATCH):
        batch = x[i : i + BATCH, None].astype(np.float32) / 255  # the model's 0..1 input contract
        out.append(session.run(None, {name: batch})[0])
    return np.concatenate(out)


def score(probs: np.ndarray, labels: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Top-k accuracy over rows (micro) and averaged over the file's classes ``y`` (macro)."""
    ranked = np.argsort(-probs, axis=1)
    out: dict[str, float] = {}
    for k in TOP_K:
        hit = (ranked[:, :k] == labels[:, None]).any(axis=1)
        out[f"top{k}"] = float(hit.mean())
        out[f"top{k}_class_mean"] = float(np.mean([hit[y == c].mean() for c in np.unique(y)]))
    return out


def main() -> None:
    """Score every file and print one line per file plus the per-class top-1 extremes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True, help="the data mirror (INKLING_DATA_DIR)")
    args = parser.parse_args()
    meta = json.loads((MODELS / "doodlenet.json").read_text())
    index = {name: i for i, name in enumerate(meta["classes"])}
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    session = ort.InferenceSession(
        str(MODELS / "doodlenet.onnx"), options, providers=["CPUExecutionProvider"]
    )
    for label, rel in FILES.items():
        with np.load(args.data_dir / rel) as data:
            x, y, names = data["x"], data["y"].astype(np.int64), [str(n) for n in data["class_names"]]
        start = time.perf_counter()
        probs = predict(session, x)
        seconds = time.perf_counter() - start
        # labels of the file -> DoodleNet's output indices
        labels = np.array([index[n] for n in names])[y]
        s = score(probs, labels, y)
        figures = ", ".join(f"{k} {v:.4f}" for k, v in s.items())
        print(f"{label}: {len(x)} rows, {len(names)} classes, {seconds:.1f} s: {figures}")
        top1 = (probs.argmax(1) == labels).astype(float)
        per_class = sorted((top1[y == c].mean(), names[c]) for c in range(len(names)))
        print("  worst top-1:", ", ".join(f"{n} {a:.2f}" for a, n in per_class[:3]))
        print("  best top-1: ", ", ".join(f"{n} {a:.2f}" for a, n in per_class[-3:]))


if __name__ == "__main__":
    main()
