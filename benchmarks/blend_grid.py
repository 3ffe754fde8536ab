"""Choose the shipped blend's weights (ResNet, our student, DoodleNet) on the validation split.

    INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/blend_grid.py \
        [--student src/inkling/models/inkling-doodle-lite.onnx] [--resnet runs/wise.pt]

Each member's logits are computed once per validation array; each grid point is the weighted sum of the
members' log-probabilities (what :class:`inkling.learn.blend.Blend` computes) scored by
``inkling.learn.eval_doodle.evaluate``. The bar is to beat the ResNet alone on every one of its measures
(all-words top-1/top-3, 64-word bitmap top-1/top-3, live named-rate), so the choice is, among the points
that beat it on all five, the one whose smallest margin is largest, in standard errors of the ResNet's
own figure (``sqrt(p (1 - p) / n)``); equal margins (to 0.01) go to the higher choice score.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import torch

from benchmarks.teacher_grid import memo_logits
from inkling.learn.blend_build import resnet_member, student_member
from inkling.learn.eval_doodle import EVAL_CACHE, choice_score, evaluate, load_eval_set
from inkling.learn.teachers import load_signal

BAR = {  # measure -> the count it is a share of
    "strokes_top1": "strokes_n", "strokes_top3": "strokes_n", "bitmaps_top1": "bitmaps_n",
    "bitmaps_top3": "bitmaps_n", "replay_named_rate": "strokes_n",
}  # fmt: skip
COLUMNS = (*BAR, "rich_strokes_top1", "extra_bitmaps_top1", "replay_mean_stroke_frac_at_first_correct",
           "replay_named_by_half_strokes")  # fmt: skip
RESNET_WEIGHTS = (0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
STUDENT_WEIGHTS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def smallest_margin(metrics: dict, reference: dict) -> float:
    """The smallest lead over ``reference`` on the bar's measures, in the reference's standard errors."""
    margins = []
    for key, count in BAR.items():
        p, n = reference[key], reference[count]
        margins.append((metrics[key] - p) / max(np.sqrt(p * (1 - p) / n), 1e-9))
    return float(min(margins))


def main() -> None:
    """Score every grid point, print the Markdown table and the choice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    parser.add_argument("--student", type=Path, default=Path("src/inkling/models/inkling-doodle-lite.onnx"))
    parser.add_argument("--resnet", type=Path, default=None, help="fine-tuned ResNet checkpoint")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    es, classes = load_eval_set(args.data_dir, None, EVAL_CACHE)
    pretrained = load_signal(args.data_dir, classes, "resnet")
    resnet = resnet_member(args.resnet, classes) if args.resnet else pretrained
    student = student_member(args.student, classes)
    doodlenet = load_signal(args.data_dir, classes, "doodlenet")
    members = [memo_logits(net) for net in (resnet, student, doodlenet)]

    def blend(weights: tuple[float, ...]) -> dict:
        return evaluate(lambda x: sum(w * log_softmax(m(x)) for m, w in zip(members, weights, strict=True)),
                        es, classes)  # fmt: skip

    reference = evaluate(memo_logits(pretrained), es, classes)  # the pretrained ResNet alone: the bar
    head = "| ResNet | student | DoodleNet | " + " | ".join(COLUMNS)
    print(head + " | choice score | smallest margin (SE) |")
    print("|---:|---:|---:|" + "---:|" * (len(COLUMNS) + 2))
    best: tuple[float, float, tuple[float, ...]] | None = None
    grid = [(r, s, round(1 - r - s, 2) + 0.0) for r in RESNET_WEIGHTS for s in STUDENT_WEIGHTS]
    points = [(1.0, 0.0, 0.0)] + [p for p in grid if p[2] >= 0]
    for weights in points:
        metrics = blend(weights)
        margin, score = smallest_margin(metrics, reference), choice_score(metrics)
        if margin > 0 and (best is None or (round(margin, 2), score) > best[:2]):
            best = (round(margin, 2), score, weights)
        cells = " | ".join(f"{metrics.get(c, float('nan')):.4f}" for c in COLUMNS)
        row = " | ".join(f"{w:.2f}" for w in weights)
        print(f"| {row} | {cells} | {score:.4f} | {margin:+.2f} |", flush=True)
    if best is None:
        print("\nno point beats the ResNet on every measure")
    else:
        print(f"\nchosen: weights {best[2]} (smallest margin {best[0]:.2f} SE, choice score {best[1]:.4f})")


if __name__ == "__main__":
    main()
