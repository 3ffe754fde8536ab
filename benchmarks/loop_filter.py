"""Precision and recall of the learning loop's outlier filter on injected bad drawings.

    INKLING_DATA_DIR=/work/shared/data .venv/bin/python -m benchmarks.loop_filter --per-word 40

Good play: real drawings of eight rich words from ``quickdraw_extra`` rows never read as base data. Bad
play: random scribbles labelled with a word, and real drawings of another of the eight words labelled
with the prompt. The judge is the shipped champion, exported with its embeddings output as the loop does.
Prints a Markdown table: each signal alone and together.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
from tests.loop_world import future_drawings, scribble

from inkling.inference.embeddings import descriptors
from inkling.ink import parse_ink, rasterise, simplify
from inkling.learn.loop.champion import export_serving, rebuild
from inkling.learn.loop.outliers import (
    KnnOutliers,
    label_probability_floor,
    label_probability_floors,
    precision_recall,
)
from inkling.learn.loop.run import _predictor
from inkling.learn.loop.snapshot import base_data
from inkling.services.models import default_shipped_model

WORDS = ["apple", "star", "candle", "fork", "eyeglasses", "eye", "mouth", "dog"]


def _bitmap(ink: object) -> np.ndarray:
    return rasterise(simplify(parse_ink(ink, strict_times=False)), 28)


def main() -> None:
    """Score good, scribbled and wrong-word play; print precision/recall per signal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-word", type=int, default=40, help="good drawings per word (and as many bad)")
    args = parser.parse_args()
    data_dir = Path(os.environ["INKLING_DATA_DIR"])
    shipped = default_shipped_model("doodle")
    meta = shipped.meta
    onnx = export_serving(rebuild(shipped.read_onnx(), meta), meta, Path(tempfile.mkdtemp()) / "c.onnx")
    judge, classes = _predictor(onnx, meta), meta["classes"]
    data = base_data(data_dir, WORDS, max_extra_per_word=200, workers=1)
    label_of = np.array([classes.index(w) for w in data.classes])
    refs = data.stroke_train
    ref_labels = label_of[[data.records[i]["label"] for i in refs]]
    knn = KnnOutliers().fit(descriptors(judge, data.renders[refs]), ref_labels)
    own = judge.probabilities(data.renders[refs])[np.arange(len(refs)), ref_labels]
    floor = label_probability_floor(own, 0.05)
    floors = label_probability_floors(own, ref_labels, 0.05, len(classes))
    good = future_drawings(data_dir, WORDS, args.per_word)
    x_good = np.stack([_bitmap(ink) for _, ink in good])
    y_good = np.array([classes.index(w) for w, _ in good])
    rng = np.random.default_rng(0)
    n_bad = len(good) // 2
    x_scribble = np.stack([_bitmap(scribble(rng)) for _ in range(n_bad)])
    y_scribble = rng.choice(y_good, n_bad)
    wrong = rng.choice(len(good), n_bad, replace=False)
    y_wrong = np.array([rng.choice([c for c in np.unique(y_good) if c != y_good[i]]) for i in wrong])
    x = np.concatenate([x_good, x_scribble, x_good[wrong]])
    y = np.concatenate([y_good, y_scribble, y_wrong])
    kind = np.array(["good"] * len(good) + ["scribble"] * n_bad + ["wrong word"] * n_bad)
    far = knn.predict(descriptors(judge, x), y)
    probability = judge.probabilities(x)[np.arange(len(y)), y]
    improbable, improbable_for_word = probability < floor, probability < floors[y]
    print(f"{len(good)} good, {n_bad} scribbles, {n_bad} wrong-word drawings; {len(refs)} base references\n")
    print("| signal | precision | recall (all bad) | recall scribbles | recall wrong word | good flagged |")
    print("|---|---|---|---|---|---|")
    signals = {
        "kNN embedding distance": far,
        "label probability, pooled floor": improbable,
        "label probability, each word's floor": improbable_for_word,
        "both, pooled floor (the loop's filter)": far | improbable,
        "both, each word's floor (--per-word-floor)": far | improbable_for_word,
    }
    for name, flagged in signals.items():
        precision, recall = precision_recall(flagged, kind != "good")
        rate = {k: flagged[kind == k].mean() for k in ("scribble", "wrong word", "good")}
        print(
            f"| {name} | {precision:.3f} | {recall:.3f} | {rate['scribble']:.3f} | {rate['wrong word']:.3f} "
            f"| {rate['good']:.3f} |"
        )


if __name__ == "__main__":
    main()
