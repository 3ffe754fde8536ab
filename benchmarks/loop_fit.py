"""The learning loop's fine-tune, ablated: one challenger per recipe from the same champion and play.

    INKLING_DATA_DIR=/work/shared/data .venv/bin/python -m benchmarks.loop_fit --per-word 40

Play: ``--per-word`` drawings of each of the simulation's held-back words (``benchmarks.learning_loop``:
``quickdraw_extra`` drawings the champion never trained on, past the held-back test set), labelled with
their word, as a person-labelled round would be. Base replay: the sample's training drawings (the loop's
``--no-extra``). Each recipe fine-tunes ``fit.fit`` from the champion on that snapshot, with no outlier
filter, pseudo-labels or HTTP (the simulation has those), and is scored against the champion on the fixed
all-words split, its drawings of the held-back words and the held-back test set: top-1 / top-3 /
live-replay named-rate, and the paired wins and losses of top-1 (one-sided McNemar p).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.learning_loop import TEST_PER_WORD, Judge, future_drawings, shipped_model
from inkling.learn.loop.champion import export_serving, rebuild
from inkling.learn.loop.evaluate import benchmark_scores
from inkling.learn.loop.fit import FitConfig, fit
from inkling.learn.loop.gate import compare
from inkling.learn.loop.run import _predictor
from inkling.learn.loop.snapshot import base_data, base_rows, play_repeats, shuffled, write_rows

RECIPES: dict[str, tuple[str, dict[str, Any]]] = {  # name: (what it is, its options)
    "shipped": ("as shipped (shuffled, play share 0.3, WiSE 0.6)", {}),
    "grouped": ("snapshot grouped as before (base word by word, then play)", {"grouped": True}),
    "no-wise": ("no WiSE (all of the fine-tune's change)", {"wise": 1.0}),
    "wise-0.4": ("WiSE 0.4", {"wise": 0.4}),
    "share-0.15": ("play share 0.15", {"share": 0.15}),
    "logit-adjust": ("logit-adjusted labels (play does not raise its words' prior)", {"logit_adjust": 1.0}),
    "before": (
        "before this change (grouped, play x4, KD 0.8, lr 1e-4, no WiSE)",
        {"grouped": True, "repeat": 4, "kd_weight": 0.8, "lr": 1e-4, "wise": 1.0},
    ),
}


def main() -> None:
    """Fine-tune once per recipe and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--champion", default="inkling-doodle-lite", help="shipped doodle model")
    parser.add_argument("--per-word", type=int, default=40, help="play drawings of each held-back word")
    parser.add_argument("--steps", type=int, default=250, help="fine-tuning steps")
    parser.add_argument("--recipes", default=",".join(RECIPES), help="comma-separated recipe names")
    args = parser.parse_args()
    data_dir = Path(os.environ["INKLING_DATA_DIR"])
    champion_model = shipped_model(args.champion)
    onnx, meta = champion_model.path.read_bytes(), champion_model.meta
    classes = list(meta["classes"])
    future = future_drawings(data_dir)
    judge = Judge.build(data_dir, classes, {w: inks[:TEST_PER_WORD] for w, inks in future.items()})
    base = base_rows(base_data(data_dir, classes, extra=False, workers=2), np.arange(len(classes)), 200)
    rng = np.random.default_rng(1)
    play = [
        {"label": classes.index(word), "ink": inks[TEST_PER_WORD + int(i)], "kind": "play"}
        for word, inks in future.items()
        for i in rng.choice(len(inks) - TEST_PER_WORD, args.per_word, replace=False)
    ]
    champion = {k: benchmark_scores(_predictor(onnx, meta), es) for k, es in judge.splits.items()}
    print(f"champion {args.champion}; play {len(play)} drawings; base {len(base)}; steps {args.steps}\n")
    print(
        "| recipe | play x | fit s | "
        + " | ".join(f"{k}: top-1 / top-3 / named (+won/-lost, p)" for k in champion)
        + " |"
    )
    print("|---|---:|---:|" + "---|" * len(champion))
    row = " | ".join(
        f"{m['top1']:.3f} / {m['top3']:.3f} / {m['replay_named_rate']:.3f}" for _, m in champion.values()
    )
    print(f"| champion | | | {row} |", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.recipes.split(","):
            label, recipe = RECIPES[name][0], dict(RECIPES[name][1])
            grouped, share = recipe.pop("grouped", False), recipe.pop("share", 0.3)
            repeat = recipe.pop("repeat", None) or play_repeats(len(play), len(base), share)
            rows = base + play * repeat
            snapshot = Path(tmp) / "snapshot.ndjson"
            write_rows(rows if grouped else shuffled(rows, 0), snapshot)
            started = time.monotonic()
            net = fit(rebuild(onnx, meta), snapshot, FitConfig(steps=args.steps, **recipe), quiet=True)
            seconds = time.monotonic() - started
            challenger = _predictor(export_serving(net, meta, Path(tmp) / "challenger.onnx"), meta)
            cells = []
            for split, es in judge.splits.items():
                right, m = benchmark_scores(challenger, es)
                paired = compare(split, champion[split][0], right)
                cells.append(
                    f"{m['top1']:.3f} / {m['top3']:.3f} / {m['replay_named_rate']:.3f} "
                    f"(+{paired.wins}/-{paired.losses}, p {paired.p_value:.2g})"
                )
            print(f"| {label} | {repeat} | {seconds:.0f} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
