"""The pipeline reproduces Google's own data: simplified strokes from raw ink, and numpy_bitmap rows.

Needs the data mirror (``INKLING_DATA_DIR``); see docs/INK.md and benchmarks/ink_fidelity.py for the
figures these thresholds sit just above.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inkling.datasets.fidelity import RAW_SAMPLE, mean_pixel_difference, official_bitmap_pairs
from inkling.datasets.quickdraw import read_ndjson
from inkling.ink import ink_to_bitmap, parse_ink, simplify


@pytest.fixture(scope="module")
def official(data_dir: Path) -> tuple[list[dict], np.ndarray, dict[str, list]]:
    """The 150 simplified records with Google's bitmaps of them, and raw ink by key_id."""
    chosen, refs = official_bitmap_pairs(data_dir)
    wanted = {r["key_id"] for r in chosen}
    raw = {r["key_id"]: r["drawing"] for r in read_ndjson(data_dir / RAW_SAMPLE) if r["key_id"] in wanted}
    return chosen, refs, raw


def test_simplified_strokes_render_like_googles_numpy_bitmap(official) -> None:
    records, refs, _ = official
    assert len(records) == len(refs) == 150
    out = np.stack([ink_to_bitmap(r["drawing"]) for r in records])
    diff = mean_pixel_difference(out, refs)
    assert diff.mean() <= 0.3  # measured 0.189 on the 0..255 scale (goal was <= 4; Pillow renderer 0.545)
    assert diff.max() <= 0.6  # measured 0.416
    assert abs((out.astype(float) - refs).mean()) <= 0.3  # no thickness bias; measured +0.116


def test_raw_ink_renders_like_googles_numpy_bitmap(official) -> None:
    records, refs, raw = official
    assert len(raw) == 150  # every one of these drawings has a raw version in the sample
    out = np.stack([ink_to_bitmap(raw[r["key_id"]]) for r in records])
    diff = mean_pixel_difference(out, refs)
    assert diff.mean() <= 0.3  # measured 0.197
    assert diff.max() <= 2.0  # measured 1.296


def test_raw_ink_simplifies_like_google(official) -> None:
    records, _, raw = official
    same_drawings = same_strokes = strokes = 0
    for record in records:
        mine = simplify(parse_ink(raw[record["key_id"]])).to_lists()
        same_drawings += mine == record["drawing"]
        strokes += len(mine)
        same_strokes += sum(m == g for m, g in zip(mine, record["drawing"], strict=True))
        assert [len(m[0]) for m in mine] == [len(g[0]) for g in record["drawing"]]
    assert same_strokes / strokes >= 0.98  # measured 0.9951 (all 7,910 raw drawings: 0.9897)
    assert same_drawings / len(records) >= 0.93  # measured 0.9733
