"""Paired comparison of two doodle models on the validation split: wins, losses and McNemar's p per measure.

    INKLING_DATA_DIR=../shared/data .venv/bin/python -m benchmarks.blend_paired \
        [--new src/inkling/models/inkling-doodle.onnx] [--old src/inkling/models/quickdraw-resnet.onnx]

For each of the issue-13 bar's measures (all-words top-1 and top-3, 64-word bitmap top-1 and top-3, live
named-rate: named at some stroke prefix), a drawing is a *win* when only the new model gets it right and a
*loss* when only the old one does; the one-sided exact McNemar p-value (``inkling.learn.loop.gate``) says
how likely that many wins or more would be if neither model were better.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from inkling.learn.eval_doodle import EVAL_CACHE, _two_channels, in_topk, load_eval_set, onnx_predict
from inkling.learn.loop.gate import mcnemar_p

MODELS = Path("src/inkling/models")


def named(pred: np.ndarray, es: dict[str, np.ndarray]) -> np.ndarray:
    """Per replayed drawing: is its word the top guess at some prefix."""
    right = pred == es["sy"][es["owner"]]
    drawings = int(es["owner"].max()) + 1
    return np.bincount(es["owner"], weights=right, minlength=drawings) > 0


def correctness(path: Path, es: dict[str, np.ndarray], classes: list[str]) -> dict[str, np.ndarray]:
    """Per-item right/wrong of one ONNX model on every bar measure."""
    predict = onnx_predict(path, classes)
    strokes = predict(es["sx"].astype(np.float32) / 255.0)
    bitmaps = predict(_two_channels(es["bx"]))
    replay = predict(es["rx"].astype(np.float32) / 255.0).argmax(axis=1)
    return {
        "all-words top-1": in_topk(strokes, es["sy"], 1), "all-words top-3": in_topk(strokes, es["sy"], 3),
        "bitmaps top-1": in_topk(bitmaps, es["by"], 1), "bitmaps top-3": in_topk(bitmaps, es["by"], 3),
        "live named-rate": named(replay, es),
    }  # fmt: skip


def main() -> None:
    """Print the paired table (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    parser.add_argument("--new", type=Path, default=MODELS / "inkling-doodle.onnx")
    parser.add_argument("--old", type=Path, default=MODELS / "quickdraw-resnet.onnx")
    args = parser.parse_args()
    es, classes = load_eval_set(args.data_dir, None, EVAL_CACHE)
    old, new = correctness(args.old, es, classes), correctness(args.new, es, classes)
    print(f"| measure | n | {args.old.stem} | {args.new.stem} | wins | losses | McNemar p (one-sided) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for measure, a in old.items():
        b = new[measure]
        wins, losses = int((b & ~a).sum()), int((a & ~b).sum())
        print(f"| {measure} | {len(a)} | {a.mean():.4f} | {b.mean():.4f} | {wins} | {losses} | "
              f"{mcnemar_p(wins, losses):.3g} |")  # fmt: skip


if __name__ == "__main__":
    main()
