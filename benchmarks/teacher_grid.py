"""Choose the teacher ensemble (ResNet + DoodleNet) on the validation split: a small grid of weights.

    INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/teacher_grid.py

Each member's logits are computed once per validation array (all-words, 64-word bitmaps, rich words, extra
bitmaps, every replay prefix); each grid point mixes them (``prob``: weighted mean of probabilities;
``logit``: weighted sum of logits) and is scored by ``inkling.learn.eval_doodle.evaluate``. The choice
maximises the mean of all-words top-1, 64-word bitmap top-1, rich-words top-1 and the live named-rate.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from inkling.learn.eval_doodle import EVAL_CACHE, choice_score, evaluate, load_eval_set
from inkling.learn.teachers import MODES, load_signal

WEIGHTS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)  # the ResNet's share
COLUMNS = ("strokes_top1", "strokes_top3", "bitmaps_top1", "bitmaps_top3", "rich_strokes_top1",
           "extra_bitmaps_top1", "replay_named_rate", "replay_mean_stroke_frac_at_first_correct")  # fmt: skip


def memo_logits(signal: torch.nn.Module, batch: int = 1024) -> Callable[[np.ndarray], np.ndarray]:
    """A member's logits on the bitmap channel, computed once per distinct input array."""
    cache: dict[str, np.ndarray] = {}

    def run(x: np.ndarray) -> np.ndarray:
        key = hashlib.sha1(np.ascontiguousarray(x).tobytes()).hexdigest()
        if key not in cache:
            with torch.no_grad():
                parts = [signal.logits(torch.from_numpy(x[i : i + batch, :1].copy())).numpy()
                         for i in range(0, len(x), batch)]  # fmt: skip
            cache[key] = np.concatenate(parts)
        return cache[key]

    return run


def mix(doodle: np.ndarray, resnet: np.ndarray, weight: float, mode: str) -> np.ndarray:
    """Scores of the mixture (only their order matters to the metrics)."""
    if mode == "logit":
        return (1 - weight) * doodle + weight * resnet

    def softmax(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return (1 - weight) * softmax(doodle) + weight * softmax(resnet)


def main() -> None:
    """Score every grid point and print the Markdown table and the choice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    es, classes = load_eval_set(args.data_dir, None, EVAL_CACHE)
    doodle = memo_logits(load_signal(args.data_dir, classes, "doodlenet"))
    resnet = memo_logits(load_signal(args.data_dir, classes, "resnet"))
    points = [(w, m) for m in MODES for w in WEIGHTS if m == MODES[0] or 0 < w < 1]
    print("| ResNet weight | mix | " + " | ".join(COLUMNS) + " | choice score |")
    print("|---:|---|" + "---:|" * (len(COLUMNS) + 1))
    best: tuple[float, float, str] = (-1.0, 0.0, "")
    for weight, mode in points:
        metrics = evaluate(lambda x, w=weight, m=mode: mix(doodle(x), resnet(x), w, m), es, classes)
        score = choice_score(metrics)
        best = max(best, (score, weight, mode))
        cells = " | ".join(f"{metrics.get(c, float('nan')):.3f}" for c in COLUMNS)
        print(f"| {weight:.1f} | {mode} | {cells} | {score:.4f} |", flush=True)
    print(f"\nchosen: ResNet weight {best[1]:.1f}, mix {best[2]} (score {best[0]:.4f})")


if __name__ == "__main__":
    main()
