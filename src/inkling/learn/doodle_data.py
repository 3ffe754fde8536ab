"""Doodle training data: stroke samples (344 words) + 64-word official bitmaps, a fixed split, dedupe, pools.

Split (deterministic, kept apart from training): ``val_per_word`` stroke drawings per word, those with the
smallest sha1(key_id); ``bitmap_val_frac`` of each bitmap class by a seeded permutation. Many bitmap rows
are the same drawings as stroke samples, so bitmaps within ``dup_threshold``/255 mean abs diff of a stroke
validation render leave the bitmap train set, and bitmap validation rows close to any training drawing
(stroke render or bitmap train row) leave the bitmap validation set.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from inkling.datasets.bitmaps import load_npz
from inkling.datasets.quickdraw import read_categories, read_drawings
from inkling.ink import parse_ink, rasterise, simplify, simplify_ink
from inkling.ink.features import recency_channel
from inkling.learn.augment import augment_ink, prefix, random_prefix_length

SIMPLIFIED = "quickdraw/quickdraw_simplified_sample.ndjson.gz"
RAW = "quickdraw/quickdraw_raw_sample.ndjson.gz"
BITMAPS = "quickdraw_more/quickdraw_bitmaps_64class.npz"
TEACHER_H5 = "pretrained/doodlenet_keras/doodleNet-model.h5"
TEACHER_CLASSES = "pretrained/doodlenet_keras/class_names.txt"
CATEGORIES = "quickdraw/categories.txt"


def teacher_classes(data_dir: Path) -> list[str]:
    """DoodleNet's output order, as official names (``_`` -> space)."""
    names = [line.strip().replace("_", " ") for line in (data_dir / TEACHER_CLASSES).read_text().splitlines()]
    names = [n for n in names if n]
    official = set(read_categories(data_dir / CATEGORIES))
    if set(names) != official:
        raise ValueError(
            f"teacher classes differ from the official list: {sorted(set(names) ^ official)[:5]}"
        )
    return names


def key_rank(key_id: str) -> str:
    """Deterministic order of drawings within a word (sha1 of the key_id)."""
    return hashlib.sha1(str(key_id).encode()).hexdigest()


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) mean absolute pixel difference of two uint8 image stacks."""
    fa = a.reshape(len(a), -1).astype(np.float32)
    fb = b.reshape(len(b), -1).astype(np.float32)
    out = np.empty((len(a), len(b)), dtype=np.float32)
    for i in range(0, len(a), 64):
        out[i : i + 64] = np.abs(fa[i : i + 64, None, :] - fb[None]).mean(axis=2)
    return out


@dataclass
class DoodleData:
    """Everything a run needs, split and deduplicated; labels index ``classes`` (teacher order)."""

    classes: list[str]
    records: list[dict[str, Any]]  # word, key_id, label, simplified (lists), raw (lists or None)
    renders: np.ndarray  # (n_records, 28, 28) uint8 of the full simplified drawings
    stroke_train: np.ndarray
    stroke_val: np.ndarray
    bx: np.ndarray  # (N, 28, 28) uint8 official bitmaps
    by: np.ndarray  # labels in ``classes`` order
    bitmap_train: np.ndarray
    bitmap_val: np.ndarray
    dedupe: dict[str, Any] = field(default_factory=dict)


def _split_bitmaps(by: np.ndarray, frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/val indices: ``frac`` of each class, by a seeded permutation."""
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in np.unique(by):
        rows = rng.permutation(np.flatnonzero(by == label))
        cut = max(1, round(frac * len(rows)))
        val.append(rows[:cut])
        train.append(rows[cut:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def load_doodle_data(
    data_dir: Path,
    *,
    words: list[str] | None = None,
    val_per_word: int = 5,
    bitmap_val_frac: float = 0.1,
    dup_threshold: float = 3.0,
    max_bitmaps_per_word: int | None = None,
    seed: int = 0,
) -> DoodleData:
    """Load, split and deduplicate; ``words`` restricts to a subset (labels then index ``words``)."""
    data_dir = Path(data_dir)
    classes = list(words) if words else teacher_classes(data_dir)
    label_of = {name: i for i, name in enumerate(classes)}
    raw_by_key = {r["key_id"]: r["drawing"] for r in read_drawings(data_dir / RAW, words=classes)}
    records = []
    for r in read_drawings(data_dir / SIMPLIFIED, words=classes):
        records.append(
            {"word": r["word"], "key_id": r["key_id"], "label": label_of[r["word"]],
             "simplified": r["drawing"], "raw": raw_by_key.get(r["key_id"])}
        )  # fmt: skip
    renders = np.stack([rasterise(parse_ink(r["simplified"], strict_times=False), 28) for r in records])
    val: list[int] = []
    for label in range(len(classes)):
        mine = [i for i, r in enumerate(records) if r["label"] == label]
        val += sorted(mine, key=lambda i: key_rank(records[i]["key_id"]))[:val_per_word]
    stroke_val = np.array(sorted(val), dtype=np.int64)
    stroke_train = np.setdiff1d(np.arange(len(records)), stroke_val)

    bits = load_npz(data_dir / BITMAPS)
    keep = np.isin(np.array(bits.class_names)[bits.y], classes)
    bx, names = bits.x[keep], np.array(bits.class_names)[bits.y[keep]]
    by = np.array([label_of[n] for n in names], dtype=np.int64)
    if max_bitmaps_per_word is not None:
        rng = np.random.default_rng(seed)
        rows = np.concatenate(
            [rng.permutation(np.flatnonzero(by == c))[:max_bitmaps_per_word] for c in np.unique(by)]
        )
        rows = np.sort(rows)
        bx, by = bx[rows], by[rows]
    bitmap_train, bitmap_val = _split_bitmaps(by, bitmap_val_frac, seed)
    drop_train, drop_val, drop_val_exact = set(), set(), set()
    rec_labels = np.array([r["label"] for r in records])
    for label in np.unique(by):
        tr = bitmap_train[by[bitmap_train] == label]
        va = bitmap_val[by[bitmap_val] == label]
        sv = stroke_val[rec_labels[stroke_val] == label]
        st = stroke_train[rec_labels[stroke_train] == label]
        if len(sv) and len(tr):
            near = mean_abs_diff(renders[sv], bx[tr]).min(axis=0) < dup_threshold
            drop_train |= set(tr[near].tolist())
        if len(st) and len(va):
            near = mean_abs_diff(renders[st], bx[va]).min(axis=0) < dup_threshold
            drop_val |= set(va[near].tolist())
        train_bytes = {bx[i].tobytes() for i in tr}
        drop_val_exact |= {int(i) for i in va if bx[i].tobytes() in train_bytes}
    dedupe = {
        "threshold": dup_threshold,
        "bitmap_train_dropped_near_stroke_val": len(drop_train),
        "bitmap_val_dropped_near_stroke_train": len(drop_val),
        "bitmap_val_dropped_exact_bitmap_train": len(drop_val_exact - drop_val),
    }
    bitmap_train = np.array(sorted(set(bitmap_train.tolist()) - drop_train), dtype=np.int64)
    bitmap_val = np.array(sorted(set(bitmap_val.tolist()) - drop_val - drop_val_exact), dtype=np.int64)
    return DoodleData(
        classes, records, renders, stroke_train, stroke_val, bx, by, bitmap_train, bitmap_val, dedupe
    )


def best_ink(record: dict[str, Any]) -> Any:
    """The raw drawing (with times) when known, else the simplified one, parsed."""
    return parse_ink(
        record["raw"] if record.get("raw") is not None else record["simplified"], strict_times=False
    )


def _render_variant(args: tuple[dict[str, Any], int, float, bool, bool]) -> tuple[np.ndarray, ...]:
    """One pool item: (input bitmap, recency, full bitmap, is_prefix) for a record and seed."""
    record, seed, prefix_prob, augment, strokes = args
    rng = np.random.default_rng(seed)
    ink = best_ink(record)
    if augment:
        ink = augment_ink(ink, rng)
    full = simplify(ink) if augment or ink.has_times else simplify_ink(ink)
    part, is_prefix = full, False
    if len(ink) > 1 and rng.random() < prefix_prob:
        k = random_prefix_length(len(ink), rng)
        raw_part = prefix(ink, k)
        # live play re-normalises every prefix; now and then keep the full drawing's frame instead
        part = simplify(raw_part) if rng.random() < 0.8 else prefix(full, k)
        is_prefix = True
    full_img = rasterise(full, 28)
    part_img = rasterise(part, 28) if is_prefix else full_img
    rec = (
        (recency_channel(part, 28) * 255).round().astype(np.uint8)
        if strokes
        else np.zeros((28, 28), np.uint8)
    )
    return part_img, rec, full_img, np.bool_(is_prefix)


def build_stroke_pool(
    records: list[dict[str, Any]],
    *,
    variants: int,
    prefix_prob: float,
    seed: int,
    strokes: bool = False,
    workers: int = 2,
) -> dict[str, np.ndarray]:
    """Pre-render ``variants`` augmented copies of each record (copy 0 clean) with random prefixes."""
    jobs = [
        (r, seed * 1_000_003 + i * 101 + v, prefix_prob, v > 0, strokes)
        for v in range(variants)
        for i, r in enumerate(records)
    ]
    labels = np.array([r["label"] for _ in range(variants) for r in records], dtype=np.int64)
    if workers > 1 and len(jobs) > 200:
        with get_context("fork").Pool(workers) as pool:
            items = pool.map(_render_variant, jobs, chunksize=64)
    else:
        items = [_render_variant(j) for j in jobs]
    x, rec, full, is_prefix = (np.stack(a) for a in zip(*items, strict=True))
    return {"x": x, "recency": rec, "full": full, "is_prefix": is_prefix, "y": labels}
