"""Evaluate doodle models: all-words stroke validation, 64-word bitmap validation, live replay of prefixes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw
from torch import nn

from inkling.ink import rasterise, simplify
from inkling.ink.features import recency_channel
from inkling.learn.augment import prefix
from inkling.learn.doodle_data import DoodleData, best_ink, load_doodle_data

Predict = Callable[[np.ndarray], np.ndarray]  # (N, C, 28, 28) float32 0..1 -> (N, classes) probabilities
EVAL_CACHE = Path("runs/cache/eval-all-v2.npz")  # v2: the split with the quickdraw_extra files
# what a choice among models maximises (the teacher mix, the WiSE-FT alpha): the mean of these metrics
CHOICE_KEYS = ("strokes_top1", "bitmaps_top1", "rich_strokes_top1", "replay_named_rate")


def choice_score(metrics: dict[str, Any]) -> float:
    """Mean of all-words top-1, 64-word bitmap top-1, rich-words top-1 and live named-rate."""
    return float(np.mean([metrics[k] for k in CHOICE_KEYS]))


def _channels(ink: Any) -> np.ndarray:
    """(2, 28, 28) uint8: bitmap and recency of simplified ink."""
    return np.stack([rasterise(ink, 28), (recency_channel(ink, 28) * 255).round().astype(np.uint8)])


def build_eval_set(data: DoodleData) -> dict[str, np.ndarray]:
    """Validation arrays: stroke val (full drawings), bitmap val, and every stroke prefix for replay."""
    from inkling.ink import parse_ink

    sx, rx, owner, ks, ns, tfrac = [], [], [], [], [], []
    for d, i in enumerate(data.stroke_val):
        record = data.records[i]
        sx.append(_channels(parse_ink(record["simplified"], strict_times=False)))
        ink = best_ink(record)
        end = max(float(s.ts[-1]) for s in ink) if ink.has_times else None
        for k in range(1, len(ink) + 1):
            rx.append(_channels(simplify(prefix(ink, k))))  # live play: every prefix re-normalised
            owner.append(d)
            ks.append(k)
            ns.append(len(ink))
            done = float(ink[k - 1].ts[-1]) if ink.has_times else np.nan
            tfrac.append(done / end if end else np.nan)
    rich = [
        _channels(parse_ink(data.records[i]["simplified"], strict_times=False)) for i in data.stroke_val_rich
    ]
    src = (
        data.bitmap_source[data.bitmap_val]
        if len(data.bitmap_source)
        else np.zeros(len(data.bitmap_val), int)
    )
    return {
        "sx": np.stack(sx), "sy": np.array([data.records[i]["label"] for i in data.stroke_val]),
        "bx": data.bx[data.bitmap_val[src == 0]][:, None], "by": data.by[data.bitmap_val[src == 0]],
        "rx": np.stack(rx), "owner": np.array(owner), "k": np.array(ks), "n": np.array(ns),
        "tfrac": np.array(tfrac),
        "rich_x": np.stack(rich) if rich else np.zeros((0, 2, 28, 28), np.uint8),
        "rich_y": np.array([data.records[i]["label"] for i in data.stroke_val_rich], dtype=np.int64),
        "xbx": data.bx[data.bitmap_val[src == 1]][:, None], "xby": data.by[data.bitmap_val[src == 1]],
    }  # fmt: skip


def torch_predict(model: nn.Module, in_channels: int, batch: int = 2048) -> Predict:
    """A Predict function running a torch model (eval mode, no grad) on the first ``in_channels`` channels."""

    def run(x: np.ndarray) -> np.ndarray:
        model.eval()
        outs = []
        with torch.no_grad():
            for i in range(0, len(x), batch):
                chunk = np.zeros((len(x[i : i + batch]), in_channels, 28, 28), dtype=np.float32)
                c = min(in_channels, x.shape[1])
                chunk[:, :c] = x[i : i + batch, :c]
                outs.append(model(torch.from_numpy(chunk)).numpy())
        return np.concatenate(outs) if outs else np.zeros((0, 0), np.float32)

    return run


def onnx_predict(path: Path, classes: list[str], batch: int = 2048, threads: int = 2) -> Predict:
    """A Predict function running a doodle ONNX file on CPU, its outputs reordered to ``classes``.

    The model's own class order comes from its ``.json`` sidecar (``classes``).
    """
    import json

    from inkling.inference.session import make_session

    own = json.loads(Path(path).with_suffix(".json").read_text())["classes"]
    missing = sorted(set(classes) - set(own))
    if missing:
        raise ValueError(f"{path} has no class for {missing[:5]}")
    rows = [own.index(c) for c in classes]
    session = make_session(Path(path).read_bytes(), threads)
    channels = session.get_inputs()[0].shape[1]
    name = session.get_inputs()[0].name

    def run(x: np.ndarray) -> np.ndarray:
        outs = []
        for i in range(0, len(x), batch):
            chunk = np.zeros((len(x[i : i + batch]), channels, 28, 28), dtype=np.float32)
            c = min(channels, x.shape[1])
            chunk[:, :c] = x[i : i + batch, :c]
            outs.append(session.run(None, {name: chunk})[0][:, rows])
        return np.concatenate(outs) if outs else np.zeros((0, 0), np.float32)

    return run


def in_topk(probs: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Per row: is its label among the ``k`` highest probabilities."""
    return (np.argsort(-probs, axis=1)[:, :k] == labels[:, None]).any(axis=1)


def topk(probs: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Share of rows whose label is among the ``k`` highest probabilities."""
    return float(in_topk(probs, labels, k).mean()) if len(labels) else float("nan")


def replay_metrics(pred: np.ndarray, es: dict[str, np.ndarray]) -> dict[str, float]:
    """Named-rate (top-1 right at some prefix) and how early (share of strokes / of drawing time)."""
    right = pred == es["sy"][es["owner"]]
    drawings = int(es["owner"].max()) + 1 if len(es["owner"]) else 0
    first_frac, first_time, named = [], [], 0
    for d in range(drawings):
        rows = np.flatnonzero(es["owner"] == d)
        hits = rows[right[rows]]
        if len(hits):
            named += 1
            first = hits[np.argmin(es["k"][hits])]
            first_frac.append(es["k"][first] / es["n"][first])
            first_time.append(es["tfrac"][first])
    first_frac_arr = np.array(first_frac) if first_frac else np.array([np.nan])
    return {
        "named_rate": named / max(drawings, 1),
        "mean_stroke_frac_at_first_correct": float(np.nanmean(first_frac_arr)),
        "mean_time_frac_at_first_correct": float(np.nanmean(np.array(first_time)))
        if first_time
        else float("nan"),
        "named_by_half_strokes": float((first_frac_arr <= 0.5).sum() / max(drawings, 1)),
    }


def _two_channels(x: np.ndarray) -> np.ndarray:
    """uint8 (N, 1 or 2, 28, 28) -> float32 0..1 with two channels (a bitmap gets an empty recency)."""
    if x.shape[1] == 1:
        x = np.concatenate([x, np.zeros_like(x)], axis=1)
    return x.astype(np.float32) / 255.0


def evaluate(predict: Predict, es: dict[str, np.ndarray], classes: list[str]) -> dict[str, Any]:
    """All metrics for one model: stroke val, bitmap val, replay, per-word top-1."""
    sp = predict(es["sx"].astype(np.float32) / 255.0)
    metrics: dict[str, Any] = {"strokes_top1": topk(sp, es["sy"], 1), "strokes_top3": topk(sp, es["sy"], 3),
                               "strokes_n": len(es["sy"])}  # fmt: skip
    if len(es["by"]):
        bp = predict(_two_channels(es["bx"]))
        metrics |= {"bitmaps_top1": topk(bp, es["by"], 1), "bitmaps_top3": topk(bp, es["by"], 3),
                    "bitmaps_n": len(es["by"])}  # fmt: skip
        metrics["_bitmap_pred"] = bp.argmax(axis=1)
    for key, x, y in (("rich_strokes", "rich_x", "rich_y"), ("extra_bitmaps", "xbx", "xby")):
        if len(es.get(y, ())):
            probs = predict(_two_channels(es[x]))
            metrics |= {f"{key}_top1": topk(probs, es[y], 1), f"{key}_top3": topk(probs, es[y], 3),
                        f"{key}_n": len(es[y])}  # fmt: skip
    rp = predict(es["rx"].astype(np.float32) / 255.0).argmax(axis=1)
    metrics |= {f"replay_{k}": v for k, v in replay_metrics(rp, es).items()}
    hit = sp.argmax(axis=1) == es["sy"]
    metrics["per_word_top1"] = {classes[c]: float(hit[es["sy"] == c].mean()) for c in np.unique(es["sy"])}
    return metrics


def confusion_png(
    pred: np.ndarray, labels: np.ndarray, classes: list[str], path: Path, cell: int = 8
) -> list[tuple]:
    """Row-normalised confusion matrix of the labels present, as a PNG; returns the top 15 confusions."""
    present = np.unique(labels)
    index = {c: i for i, c in enumerate(present)}
    m = np.zeros((len(present), len(present)))
    off: dict[tuple[int, int], int] = {}
    for p, y in zip(pred.tolist(), labels.tolist(), strict=True):
        if p in index:
            m[index[y], index[p]] += 1
        if p != y:
            off[(y, p)] = off.get((y, p), 0) + 1
    m = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    side = len(present) * cell
    image = Image.new("RGB", (side + 120, side), "white")
    draw = ImageDraw.Draw(image)
    for i in range(len(present)):
        for j in range(len(present)):
            v = int(255 * (1 - m[i, j] ** 0.5))
            draw.rectangle(
                (120 + j * cell, i * cell, 120 + (j + 1) * cell - 1, (i + 1) * cell - 1), fill=(v, v, 255)
            )
        draw.text((2, i * cell - 2), classes[present[i]][:18], fill="black")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    top = sorted(off.items(), key=lambda kv: -kv[1])[:15]
    return [(classes[y], classes[p], n) for (y, p), n in top]


def load_eval_set(
    data_dir: Path, words: list[str] | None = None, cache: Path | None = None, **options: Any
) -> tuple[dict, list[str]]:
    """The eval set (cached as .npz when ``cache`` is given) and its class names.

    ``options`` go to ``load_doodle_data`` (e.g. ``extra``, ``max_extra_per_word``).
    """
    if cache is not None and Path(cache).exists():
        with np.load(cache, allow_pickle=False) as z:
            es = {k: z[k] for k in z.files if k != "classes"}
            return es, [str(c) for c in z["classes"]]
    data = load_doodle_data(data_dir, words=words, **options)
    es = build_eval_set(data)
    if cache is not None:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, classes=np.array(data.classes), **es)
    return es, data.classes


def evaluate_checkpoint(
    checkpoint: dict[str, Any],
    data_dir: Path,
    *,
    cache: Path | None = None,
    quiet: bool = True,
    eval_set: tuple[dict, list[str]] | None = None,
) -> dict:
    """Metrics of a checkpoint (summary only; per-word kept under ``per_word_top1``).

    ``eval_set`` (``load_eval_set``'s answer for the checkpoint's words) saves loading it again.
    """
    from inkling.learn.train_doodle import model_from_checkpoint

    config = checkpoint["config"]
    words = config.get("words")
    options = {
        "extra": config.get("extra_data", True),
        "max_extra_per_word": config.get("max_extra_per_word"),
    }
    if cache is None and not words and options == {"extra": True, "max_extra_per_word": None}:
        cache = EVAL_CACHE
    es, classes = eval_set or load_eval_set(data_dir, words, cache, **options)
    model = model_from_checkpoint(checkpoint)
    metrics = evaluate(torch_predict(model, checkpoint["in_channels"]), es, classes)
    metrics.pop("_bitmap_pred", None)
    return metrics
