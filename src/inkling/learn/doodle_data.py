"""Doodle training data: stroke drawings (345 words) + official bitmaps, a fixed split, dedupe, pools.

Sources: the simplified sample (with its raw ink), the 64-word bitmaps, and (``extra``) the
``quickdraw_extra`` files (``doodle_extra``). Split (deterministic, kept apart from training): all-words
validation = ``val_per_word`` stroke drawings per word with the smallest sha1(key_id), from the sample (from
the keyed extra drawings for a word the sample lacks); rich-words validation = ``rich_val_per_word`` keyed
extra drawings of each word the extra file makes rich; ``bitmap_val_frac`` of each class of each bitmap file
by a seeded permutation. Near-copies (within ``dup_threshold``/255 mean abs diff of a validation render)
leave the stroke and bitmap train sets, and bitmap validation rows close to any training stroke drawing, or
identical to a bitmap train row, leave the bitmap validation set.
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
from inkling.learn.doodle_extra import extra_bitmaps, extra_records

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
    records: list[dict[str, Any]]  # word, key_id, label, simplified (lists), raw (lists or None), source
    renders: np.ndarray  # (n_records, 28, 28) uint8 of the full simplified drawings
    stroke_train: np.ndarray
    stroke_val: np.ndarray  # all-words validation: ``val_per_word`` drawings of every word
    bx: np.ndarray  # (N, 28, 28) uint8 official bitmaps (the 64-word file, then the extra file)
    by: np.ndarray  # labels in ``classes`` order
    bitmap_train: np.ndarray
    bitmap_val: np.ndarray
    dedupe: dict[str, Any] = field(default_factory=dict)
    stroke_val_rich: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # extra-rich words
    bitmap_source: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # 0: 64-word, 1: extra
    counts: dict[str, Any] = field(default_factory=dict)  # pool sizes per source (see ``pool_counts``)


def _split_bitmaps(by: np.ndarray, frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/val indices: ``frac`` of each class, by a seeded permutation."""
    rng = np.random.default_rng(seed)
    train, val = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for label in np.unique(by):
        rows = rng.permutation(np.flatnonzero(by == label))
        cut = max(1, round(frac * len(rows)))
        val.append(rows[:cut])
        train.append(rows[cut:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def _render(record: dict[str, Any]) -> np.ndarray:
    """The 28x28 render of a record's full simplified drawing."""
    return rasterise(parse_ink(record["simplified"], strict_times=False), 28)


def render_records(records: list[dict[str, Any]], workers: int = 1) -> np.ndarray:
    """(len(records), 28, 28) uint8 renders, in ``workers`` processes for large lists."""
    if workers > 1 and len(records) > 2000:
        with get_context("fork").Pool(workers) as pool:
            return np.stack(pool.map(_render, records, chunksize=256))
    return np.stack([_render(r) for r in records]) if records else np.zeros((0, 28, 28), np.uint8)


def _sample_records(data_dir: Path, classes: list[str], label_of: dict[str, int]) -> list[dict[str, Any]]:
    """The simplified sample (with raw ink by key_id) as records."""
    raw_by_key = {r["key_id"]: r["drawing"] for r in read_drawings(data_dir / RAW, words=classes)}
    return [
        {"word": r["word"], "key_id": r["key_id"], "label": label_of[r["word"]], "simplified": r["drawing"],
         "raw": raw_by_key.get(r["key_id"]), "source": "sample"}
        for r in read_drawings(data_dir / SIMPLIFIED, words=classes)
    ]  # fmt: skip


def _drop_repeated_renders(
    records: list[dict[str, Any]], renders: np.ndarray
) -> tuple[list, np.ndarray, int]:
    """Drop key-less records whose render equals another record's of the same word (content dedupe)."""
    seen: set[tuple[int, bytes]] = set()
    keep = []
    for i, r in enumerate(records):
        if r.get("source") != "extra-nokey":
            seen.add((r["label"], renders[i].tobytes()))
    for i, r in enumerate(records):
        item = (r["label"], renders[i].tobytes())
        if r.get("source") != "extra-nokey":
            keep.append(i)
        elif item not in seen:
            seen.add(item)
            keep.append(i)
    return [records[i] for i in keep], renders[keep], len(records) - len(keep)


def _choose_val(records: list[dict[str, Any]], n_classes: int, per_word: int, rich_per_word: int,
                rich_min: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """All-words val (smallest sha1(key_id) of the sample, else of the keyed extra drawings) and rich val.

    Rich val: ``rich_per_word`` keyed extra drawings of each word with at least ``rich_min`` of them.
    """
    by_label: list[dict[str, list[int]]] = [{} for _ in range(n_classes)]
    for i, r in enumerate(records):
        by_label[r["label"]].setdefault(r.get("source", "sample"), []).append(i)
    val, rich = [], []
    for groups in by_label:
        keyed = sorted(groups.get("extra-keyed", []), key=lambda i: key_rank(records[i]["key_id"]))
        sample = sorted(groups.get("sample", []), key=lambda i: key_rank(records[i]["key_id"]))
        chosen = sample[:per_word] if sample else keyed[:per_word]
        val += chosen
        if len(keyed) >= rich_min:
            rich += [i for i in keyed if i not in chosen][:rich_per_word]
    return np.array(sorted(val), dtype=np.int64), np.array(sorted(rich), dtype=np.int64)


def _near(a: np.ndarray, b: np.ndarray, threshold: float) -> np.ndarray:
    """For each row of ``a``: is it within ``threshold`` mean abs difference of some row of ``b``?"""
    if not len(a) or not len(b):
        return np.zeros(len(a), dtype=bool)
    return mean_abs_diff(a, b).min(axis=1) < threshold


def load_doodle_data(
    data_dir: Path,
    *,
    words: list[str] | None = None,
    val_per_word: int = 5,
    bitmap_val_frac: float = 0.1,
    dup_threshold: float = 3.0,
    max_bitmaps_per_word: int | None = None,
    seed: int = 0,
    extra: bool = True,
    rich_val_per_word: int = 20,
    rich_min: int = 200,
    max_extra_per_word: int | None = None,
    workers: int = 2,
) -> DoodleData:
    """Load, split and deduplicate; ``words`` restricts to a subset (labels then index ``words``).

    With ``extra`` the ``quickdraw_extra`` stroke files join the records and its bitmaps the bitmaps
    (``max_extra_per_word`` caps each extra stroke file per word); the all-words validation keeps its
    sample drawings, and ``rich_val_per_word`` keyed extra drawings of each word with at least
    ``rich_min`` of them form a second, rich-words validation set.
    """
    data_dir = Path(data_dir)
    classes = list(words) if words else teacher_classes(data_dir)
    label_of = {name: i for i, name in enumerate(classes)}
    records = _sample_records(data_dir, classes, label_of)
    extra_counts: dict[str, int] = {}
    if extra:
        more, extra_counts = extra_records(data_dir, label_of, records, max_per_word=max_extra_per_word)
        records += more
    renders = render_records(records, workers)
    records, renders, same_render = _drop_repeated_renders(records, renders)
    stroke_val, stroke_val_rich = _choose_val(
        records, len(classes), val_per_word, rich_val_per_word, rich_min
    )
    all_val = np.union1d(stroke_val, stroke_val_rich)
    rec_labels = np.array([r["label"] for r in records], dtype=np.int64)
    candidates = np.setdiff1d(np.arange(len(records)), all_val)
    dropped_stroke = set()
    for label in np.unique(rec_labels[all_val]):
        mine = candidates[rec_labels[candidates] == label]
        vals = all_val[rec_labels[all_val] == label]
        dropped_stroke |= set(mine[_near(renders[mine], renders[vals], dup_threshold)].tolist())
    stroke_train = np.setdiff1d(candidates, np.array(sorted(dropped_stroke), dtype=np.int64))

    bx, by, bsrc = _load_bitmaps(data_dir, classes, label_of, extra)
    if max_bitmaps_per_word is not None:
        rng = np.random.default_rng(seed)
        rows = np.concatenate(
            [rng.permutation(np.flatnonzero(by == c))[:max_bitmaps_per_word] for c in np.unique(by)]
        )
        rows = np.sort(rows)
        bx, by, bsrc = bx[rows], by[rows], bsrc[rows]
    splits = [
        (np.flatnonzero(bsrc == s), _split_bitmaps(by[bsrc == s], bitmap_val_frac, seed)) for s in (0, 1)
    ]
    bitmap_train = np.sort(np.concatenate([rows[tr] for rows, (tr, _) in splits]))
    bitmap_val = np.sort(np.concatenate([rows[va] for rows, (_, va) in splits]))
    drop_train, drop_val, drop_val_exact = set(), set(), set()
    for label in np.unique(by):
        tr = bitmap_train[by[bitmap_train] == label]
        va = bitmap_val[by[bitmap_val] == label]
        sv = all_val[rec_labels[all_val] == label]
        st = stroke_train[rec_labels[stroke_train] == label]
        drop_train |= set(tr[_near(bx[tr], renders[sv], dup_threshold)].tolist())
        drop_val |= set(va[_near(bx[va], renders[st], dup_threshold)].tolist())
        train_bytes = {bx[i].tobytes() for i in tr}
        drop_val_exact |= {int(i) for i in va if bx[i].tobytes() in train_bytes}
    dedupe = {
        "threshold": dup_threshold,
        "bitmap_train_dropped_near_stroke_val": len(drop_train),
        "bitmap_val_dropped_near_stroke_train": len(drop_val),
        "bitmap_val_dropped_exact_bitmap_train": len(drop_val_exact - drop_val),
        "stroke_train_dropped_near_stroke_val": len(dropped_stroke),
        "nokey_dropped_same_render": same_render,
        **{f"extra_{k}" if not k.startswith("extra") else k: v for k, v in extra_counts.items()},
    }
    bitmap_train = np.array(sorted(set(bitmap_train.tolist()) - drop_train), dtype=np.int64)
    bitmap_val = np.array(sorted(set(bitmap_val.tolist()) - drop_val - drop_val_exact), dtype=np.int64)
    data = DoodleData(
        classes, records, renders, stroke_train, stroke_val, bx, by, bitmap_train, bitmap_val, dedupe,
        stroke_val_rich, bsrc,
    )  # fmt: skip
    data.counts = pool_counts(data)
    return data


def _load_bitmaps(
    data_dir: Path, classes: list[str], label_of: dict[str, int], extra: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bitmaps, labels, source): the 64-word file (source 0), then the extra file (source 1)."""
    bits = load_npz(data_dir / BITMAPS)
    names = np.array(bits.class_names)[bits.y]
    keep = np.isin(names, classes)
    parts = [(bits.x[keep], np.array([label_of[n] for n in names[keep]], dtype=np.int64))]
    if extra:
        parts.append(extra_bitmaps(data_dir, classes, label_of))
    bx = np.concatenate([x for x, _ in parts])
    by = np.concatenate([y for _, y in parts])
    bsrc = np.concatenate([np.full(len(y), s, dtype=np.int64) for s, (_, y) in enumerate(parts)])
    return bx, by, bsrc


def pool_counts(data: DoodleData) -> dict[str, Any]:
    """Train/val sizes per source: stroke records by ``source``, bitmaps by file."""
    sources = np.array([r.get("source", "sample") for r in data.records])
    strokes = {
        name: {"train": int((sources[data.stroke_train] == name).sum()),
               "val_all_words": int((sources[data.stroke_val] == name).sum()),
               "val_rich_words": int((sources[data.stroke_val_rich] == name).sum())}
        for name in sorted(set(sources.tolist()))
    }  # fmt: skip
    files = ("bitmaps-64", "bitmaps-extra")
    bitmaps = {
        files[s]: {"train": int((data.bitmap_source[data.bitmap_train] == s).sum()),
                   "val": int((data.bitmap_source[data.bitmap_val] == s).sum())}
        for s in np.unique(data.bitmap_source).tolist()
    }  # fmt: skip
    words = {
        name: len({data.records[i]["label"] for i in rows})
        for name, rows in (("val_words", data.stroke_val), ("rich_val_words", data.stroke_val_rich))
    }
    return {"strokes": strokes, "bitmaps": bitmaps, **words}


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


def main(argv: list[str] | None = None) -> None:
    """Print the split's sizes per source and the dedupe counters as JSON."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description="Sizes of the doodle training pool and validation split.")
    parser.add_argument("--data-dir", type=Path, required=True, help="the data mirror (INKLING_DATA_DIR)")
    parser.add_argument("--no-extra", action="store_true", help="leave out the quickdraw_extra files")
    args = parser.parse_args(argv)
    data = load_doodle_data(args.data_dir, extra=not args.no_extra)
    print(json.dumps({"counts": data.counts, "dedupe": data.dedupe}, indent=1))


if __name__ == "__main__":
    main()
