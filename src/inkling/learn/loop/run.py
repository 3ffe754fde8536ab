"""One learning run: snapshot -> filter -> pseudo-label -> fine-tune a challenger -> gate -> decide.

    inkling learn run --words apple,cat,fish --steps 300

The champion is the active doodle model, rebuilt in torch from its ONNX bytes
(:mod:`inkling.learn.loop.champion`). The challenger is registered under the champion's name (next
version) with an ``embeddings`` output, its lineage (parent, data hash, metrics) and the gate's decision
(:mod:`inkling.learn.loop.gate`): a supported win on the fixed benchmark's drawings of the words play
taught and on held-out play, and no loss on the whole benchmark; promoted (serving follows within
seconds) or rejected with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sqlalchemy.orm import Session

from inkling.inference.doodle import DoodlePredictor
from inkling.inference.embeddings import descriptors
from inkling.learn.doodle_data import DoodleData
from inkling.learn.eval_doodle import build_eval_set
from inkling.learn.loop.champion import export_serving, rebuild
from inkling.learn.loop.evaluate import benchmark_scores, play_scores
from inkling.learn.loop.fit import FitConfig, fit
from inkling.learn.loop.gate import ALPHA, NO_WORSE, compare, decide
from inkling.learn.loop.outliers import KnnOutliers, label_probability_floor, label_probability_floors
from inkling.learn.loop.pseudo import choose_threshold, pseudo_labels
from inkling.learn.loop.snapshot import (
    PLAY,
    PSEUDO,
    PlayItem,
    base_data,
    base_rows,
    play_items,
    play_repeats,
    shuffled,
    split_play,
    write_rows,
)
from inkling.registry import get_active, register_model
from inkling.services.examples import Evidence, training_examples
from inkling.services.lineage import promote, record_lineage, reject
from inkling.services.moderation import flag_drawings

DEFAULT_WORK_DIR = Path("runs/loop")


@dataclass
class LoopConfig:
    """A run's choices (stored in the challenger's metadata)."""

    words: list[str] | None = None  # base data and benchmark of these words (None: all the champion's)
    base_per_word: int | None = 200  # base drawings replayed per word (None: all)
    max_extra_per_word: int | None = None  # cap the quickdraw_extra files per word (tiny runs, tests)
    extra: bool = True  # read the quickdraw_extra files as base data too
    holdout_share: float = 0.3  # newest share of labelled play held out to judge on
    alpha: float = ALPHA  # one-sided McNemar level on each split
    outlier_filter: bool = True  # keep kNN-embedding outliers out of training and flag them
    outlier_quantile: float = 0.95  # threshold: this quantile of the base drawings' own scores
    knn: int = 5  # neighbours of the outlier score
    per_word_floor: bool = False  # the label-probability floor is each word's own (else one for all words)
    pseudo_labels: bool = True  # weak play (evidence none) trains with the champion's confident label
    play_share: float = 0.3  # play rows are repeated until they are about this share of the training rows
    scramble_labels: bool = False  # shuffle the training labels (a challenger that must be rejected)
    nproc: int = 1  # training processes (> 1: DistributedDataParallel via torchrun, gloo)
    fit: FitConfig = field(default_factory=FitConfig)


@dataclass
class RunResult:
    """What a run did: the challenger's id, the decision, and the figures behind it."""

    challenger_id: int
    champion_id: int
    promoted: bool
    reason: str
    data_hash: str
    metrics: dict[str, Any]
    counts: dict[str, int]
    flagged: list[int]
    work_dir: Path


def _predictor(onnx: bytes, meta: dict[str, Any]) -> DoodlePredictor:
    return DoodlePredictor(onnx, meta, strict_times=False, threads=1, max_wait=0.0)


def _train_challenger(champion_dir: Path, rows: Path, cfg: LoopConfig, out: Path, quiet: bool) -> dict:
    """The challenger's state dict: in process, or under torchrun with ``cfg.nproc`` ranks."""
    if cfg.nproc <= 1:
        net = rebuild(
            (champion_dir / "champion.onnx").read_bytes(),
            json.loads((champion_dir / "champion.json").read_text()),
        )
        return fit(net, rows, cfg.fit, quiet=quiet).state_dict()
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    command = [
        torchrun, "--standalone", f"--nproc_per_node={cfg.nproc}", "-m", "inkling.learn.loop.fit",
        "--champion", str(champion_dir / "champion.onnx"), "--snapshot", str(rows),
        "--config", json.dumps(asdict(cfg.fit)), "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL if quiet else None)
    return torch.load(out, map_location="cpu", weights_only=False)["state_dict"]


def _outliers(
    judge: DoodlePredictor, data: DoodleData, label_of: np.ndarray, items: list[PlayItem], cfg: LoopConfig
) -> np.ndarray:
    """Play items far from their word's base drawings (embeddings) or improbable for their word."""
    refs = data.stroke_train
    ref_labels = label_of[[data.records[i]["label"] for i in refs]]
    detector = KnnOutliers(cfg.knn, cfg.outlier_quantile).fit(
        descriptors(judge, data.renders[refs]), ref_labels
    )
    bitmaps, labels = np.stack([i.bitmap for i in items]), np.array([i.label for i in items])
    far = detector.predict(descriptors(judge, bitmaps), labels)
    own = judge.probabilities(data.renders[refs])[np.arange(len(refs)), ref_labels]
    share = 1 - cfg.outlier_quantile
    floor = (
        label_probability_floors(own, ref_labels, share, len(judge.classes))[labels]
        if cfg.per_word_floor
        else label_probability_floor(own, share)
    )
    return far | (judge.probabilities(bitmaps)[np.arange(len(items)), labels] < floor)


def run_once(
    session: Session,
    data_dir: Path,
    cfg: LoopConfig,
    *,
    work_dir: Path = DEFAULT_WORK_DIR,
    quiet: bool = False,
) -> RunResult:
    """Make, judge and record one challenger of the active doodle model (flushes; the caller commits)."""
    champion = get_active(session, "doodle")
    meta = dict(champion.meta)
    classes = list(meta["classes"])
    run_dir = Path(work_dir) / datetime.now(UTC).strftime("run-%Y%m%dT%H%M%S%f")
    run_dir.mkdir(parents=True, exist_ok=True)
    net = rebuild(champion.onnx, meta)
    champion_onnx = export_serving(net, meta, run_dir / "champion.onnx")
    (run_dir / "champion.json").write_text(json.dumps(meta))
    judge = _predictor(champion_onnx, meta)

    words = cfg.words or classes
    data = base_data(data_dir, words, extra=cfg.extra, max_extra_per_word=cfg.max_extra_per_word, workers=1)
    label_of = np.array([classes.index(w) for w in data.classes])
    base = base_rows(data, label_of, cfg.base_per_word)
    items = play_items(training_examples(session), classes)

    flagged: list[int] = []
    if cfg.outlier_filter and items:
        outlier = _outliers(judge, data, label_of, items, cfg)
        flagged = [items[j].example.drawing_id for j in np.flatnonzero(outlier)]
        flag_drawings(session, flagged)
        items = [item for item, bad in zip(items, outlier, strict=True) if not bad]
    train_items, held = split_play(items, cfg.holdout_share)

    labelled = [i for i in train_items if i.example.evidence != Evidence.NONE]
    weak = [i for i in train_items if i.example.evidence == Evidence.NONE]
    play = [{"label": i.label, "ink": i.ink, "kind": PLAY} for i in labelled]
    threshold = None
    if cfg.pseudo_labels and weak:
        if labelled:
            probs = judge.probabilities(np.stack([i.bitmap for i in labelled]))
            threshold = choose_threshold(probs, np.array([i.label for i in labelled]))
        else:
            threshold = choose_threshold(np.zeros((0, len(classes))), np.zeros(0, int))
        chosen = pseudo_labels(judge.probabilities(np.stack([i.bitmap for i in weak])), threshold)
        play += [
            {"label": int(c), "ink": i.ink, "kind": PSEUDO}
            for i, c in zip(weak, chosen, strict=True)
            if c >= 0
        ]
    else:
        play += [{"label": i.label, "ink": i.ink, "kind": PLAY} for i in weak]
    rows = shuffled(base + play * play_repeats(len(play), len(base), cfg.play_share), cfg.fit.seed)
    if cfg.scramble_labels:
        labels = np.random.default_rng(cfg.fit.seed).permutation([r["label"] for r in rows])
        rows = [{**r, "label": int(y)} for r, y in zip(rows, labels, strict=True)]
    snapshot = run_dir / "snapshot.ndjson"
    data_hash = write_rows(rows, snapshot)

    state = _train_challenger(run_dir, snapshot, cfg, run_dir / "challenger.pt", quiet)
    net.load_state_dict(state)
    challenger_meta = {
        **meta,
        "output": {**meta.get("output", {}), "embeddings": "embeddings"},
        "loop": {
            "config": asdict(cfg),
            "pseudo_threshold": threshold,
            "parent": f"{champion.name} v{champion.version}",
        },
    }
    challenger_onnx = export_serving(net, challenger_meta, run_dir / "challenger.onnx")
    contender = _predictor(challenger_onnx, challenger_meta)

    es = build_eval_set(data)
    es["sy"] = label_of[es["sy"]]
    held_bitmaps = np.stack([i.bitmap for i in held]) if held else np.zeros((0, 28, 28), np.uint8)
    held_labels = np.array([i.label for i in held], dtype=np.int64)
    old_bench, old_bench_m = benchmark_scores(judge, es)
    new_bench, new_bench_m = benchmark_scores(contender, es)
    old_play, old_play_m = play_scores(judge, held_bitmaps, held_labels)
    new_play, new_play_m = play_scores(contender, held_bitmaps, held_labels)
    taught = np.isin(es["sy"], [r["label"] for r in play])  # benchmark drawings of the words play taught
    tests = [
        compare("benchmark", old_bench, new_bench, NO_WORSE),
        compare("benchmark-played", old_bench[taught], new_bench[taught]),
        compare("play", old_play, new_play),
    ]
    promoted, reason = decide(tests, cfg.alpha)
    counts = {
        "base": len(base), "play_labelled": len(labelled), "play_weak": len(weak),
        "pseudo": sum(r["kind"] == PSEUDO for r in play), "held_out": len(held), "flagged": len(flagged),
    }  # fmt: skip
    metrics = {
        "benchmark": new_bench_m, "play": new_play_m,
        "champion": {"benchmark": old_bench_m, "play": old_play_m},
        "tests": {c.split: c.as_dict() for c in tests}, "counts": counts,
    }  # fmt: skip
    challenger_meta["metrics"] = {"strokes_top1": new_bench_m["top1"], "strokes_top3": new_bench_m["top3"],
                                  "replay_named_rate": new_bench_m["replay_named_rate"]}  # fmt: skip
    model = register_model(
        session, name=champion.name, task="doodle", onnx=challenger_onnx, meta=challenger_meta
    )
    record_lineage(session, model, parent=champion, data_hash=data_hash, metrics=metrics)
    if promoted:
        promote(session, model, reason=reason)
    else:
        reject(session, model, reason)
    return RunResult(model.id, champion.id, promoted, reason, data_hash, metrics, counts, flagged, run_dir)
