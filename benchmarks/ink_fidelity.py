"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/ink_fidelity.py

Fidelity and speed of the ink pipeline (``inkling.ink``) against Google's own Quick, Draw! data:
raw -> simplified agreement on every raw drawing of the sample, simplified -> bitmap and raw -> bitmap
against the official ``numpy_bitmap`` rows of the first 25 drawings of 6 classes, re-simplification of
simplified drawings, the trade-off of sample lines per pixel row, and render time per drawing.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from inkling.datasets.fidelity import RAW_SAMPLE, SIMPLIFIED_SAMPLE
from inkling.datasets.fidelity import mean_pixel_difference as pixel_diff
from inkling.datasets.fidelity import official_bitmap_pairs as official_pairs
from inkling.datasets.quickdraw import read_ndjson
from inkling.ink import Ink, ink_to_bitmap, parse_ink, rasterise, simplify

SUBROWS = (5, 8, 15, 16, 32)  # sample lines per pixel row compared at 28 px (15: cairo's, the default)
SIZES = (28, 64, 128)  # bitmap sides timed
REPEATS = 5  # timing repeats; the best is reported


def stroke_agreement(pairs: list[tuple[Ink, list]]) -> dict[str, float]:
    """How often our simplification of each ink equals Google's simplified strokes."""
    strokes = same = same_count = drawings_same = 0
    coord_diffs = []
    for ink, google in pairs:
        mine = simplify(ink).to_lists()
        drawings_same += mine == google
        for m, g in zip(mine, google, strict=True):
            strokes += 1
            same += m == g
            if len(m[0]) == len(g[0]):
                same_count += 1
                coord_diffs.append(np.abs(np.array(m) - np.array(g)).mean())
    return {
        "drawings identical": drawings_same / len(pairs),
        "strokes identical": same / strokes,
        "strokes with the same point count": same_count / strokes,
        "mean |coordinate diff| (same-count strokes)": float(np.mean(coord_diffs)),
    }


def best_time(fn, repeats: int = REPEATS) -> float:
    """Best wall time of ``fn()`` over ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print every figure of docs/INK.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("INKLING_DATA_DIR"))
    args = parser.parse_args()
    if args.data_dir is None:
        parser.error("set INKLING_DATA_DIR (or pass --data-dir) to the local data mirror")
    data_dir = Path(args.data_dir)

    records, refs = official_pairs(data_dir)
    simplified_inks = [parse_ink(r["drawing"]) for r in records]
    raw_by_key = {r["key_id"]: r["drawing"] for r in read_ndjson(data_dir / RAW_SAMPLE)}
    print(f"== simplified -> bitmap, {len(records)} official bitmaps (0..255 scale) ==")
    for lines in SUBROWS:
        start = time.perf_counter()
        out = np.stack([rasterise(ink, 28, lines) for ink in simplified_inks])
        per = (time.perf_counter() - start) / len(records) * 1e3
        d = pixel_diff(out, refs)
        print(
            f"sub-rows {lines:2d}: mean {d.mean():.3f}  median {np.median(d):.3f}  "
            f"max {d.max():.3f}  ({per:.3f} ms)"
        )
    out = np.stack([rasterise(ink, 28) for ink in simplified_inks])
    d = pixel_diff(out, refs)
    signed = (out.astype(np.float64) - refs).mean()
    exact = (out == refs).mean()
    close = (np.abs(out.astype(int) - refs) <= 8).mean()
    print(
        f"default     : mean {d.mean():.3f}  median {np.median(d):.3f}  max {d.max():.3f}  "
        f"signed {signed:+.3f}  pixels identical {exact:.1%}  pixels within 8 {close:.1%}"
    )

    with_raw = [(r, ref) for r, ref in zip(records, refs, strict=True) if r["key_id"] in raw_by_key]
    raw_out = np.stack([ink_to_bitmap(raw_by_key[r["key_id"]], 28) for r, _ in with_raw])
    d = pixel_diff(raw_out, np.stack([ref for _, ref in with_raw]))
    print(f"\n== raw -> simplified -> bitmap, {len(with_raw)} of those drawings have a raw version ==")
    print(f"mean {d.mean():.3f}  median {np.median(d):.3f}  max {d.max():.3f}")

    simplified_by_key = {r["key_id"]: r["drawing"] for r in read_ndjson(data_dir / SIMPLIFIED_SAMPLE)}
    pairs = [(parse_ink(raw, strict_times=False), simplified_by_key[key]) for key, raw in raw_by_key.items()]
    print(f"\n== raw -> simplified agreement with Google's simplified, all {len(pairs)} raw drawings ==")
    for name, value in stroke_agreement(pairs).items():
        print(f"{name}: {value:.4f}")
    mine = np.stack([rasterise(simplify(ink), 28) for ink, _ in pairs])
    google = np.stack([rasterise(parse_ink(g), 28) for _, g in pairs])
    d = pixel_diff(mine, google)
    print(f"28 px raster of ours vs of Google's simplified: mean {d.mean():.3f}  max {d.max():.3f}")

    resimplified = [(parse_ink(g), g) for g in list(simplified_by_key.values())[::4]]
    print(f"\n== re-simplifying {len(resimplified)} official simplified drawings (forced full simplify) ==")
    for name, value in stroke_agreement(resimplified).items():
        print(f"{name}: {value:.4f}")
    d = pixel_diff(
        np.stack([rasterise(simplify(ink), 28) for ink, _ in resimplified]),
        np.stack([rasterise(ink, 28) for ink, _ in resimplified]),
    )
    print(f"28 px raster, re-simplified vs original: mean {d.mean():.3f}  max {d.max():.3f}")

    points = np.mean([ink.num_points for ink in simplified_inks])
    strokes = np.mean([len(ink) for ink in simplified_inks])
    print(
        f"\n== speed, per drawing (best of {REPEATS}; "
        f"{strokes:.1f} strokes, {points:.1f} points on average) =="
    )
    for size in SIZES:
        t = best_time(lambda size=size: [rasterise(ink, size) for ink in simplified_inks])
        print(f"rasterise {size:3d} px: {t / len(records) * 1e3:.3f} ms")
    raw_drawings = [raw_by_key[r["key_id"]] for r, _ in with_raw]
    raw_points = np.mean([sum(len(s[0]) for s in raw) for raw in raw_drawings])
    t = best_time(lambda: [ink_to_bitmap(raw, 28) for raw in raw_drawings])
    print(
        f"ink_to_bitmap(raw, 28) end to end: {t / len(raw_drawings) * 1e3:.3f} ms "
        f"({raw_points:.0f} raw points)"
    )
    inks = [parse_ink(raw) for raw in raw_drawings]
    t = best_time(lambda: [parse_ink(raw) for raw in raw_drawings])
    print(f"  of which parse_ink: {t / len(raw_drawings) * 1e3:.3f} ms")
    t = best_time(lambda: [simplify(ink) for ink in inks])
    print(f"  of which simplify : {t / len(raw_drawings) * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
