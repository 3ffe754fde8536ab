"""The ground truth for Google's stroke→bitmap rendering: drawings paired with their official bitmaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inkling.datasets.quickdraw import read_ndjson

SIMPLIFIED_SAMPLE = Path("quickdraw/quickdraw_simplified_sample.ndjson.gz")
RAW_SAMPLE = Path("quickdraw/quickdraw_raw_sample.ndjson.gz")
BITMAPS_6CLASS = Path("quickdraw/quickdraw_bitmap_6class_first100.npz")
PAIRED_PER_CLASS = 25  # the first 25 bitmap rows of each class are the first 25 simplified drawings
ROWS_PER_CLASS = 100  # bitmap rows per class in the 6-class file


def official_bitmap_pairs(data_dir: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    """The 150 simplified records whose official bitmaps the mirror holds, and those bitmaps, in order."""
    bitmaps = np.load(Path(data_dir) / BITMAPS_6CLASS)
    records = list(read_ndjson(Path(data_dir) / SIMPLIFIED_SAMPLE))
    chosen: list[dict[str, Any]] = []
    references = []
    for index, name in enumerate(bitmaps["class_names"]):
        chosen += [record for record in records if record["word"] == name][:PAIRED_PER_CLASS]
        start = index * ROWS_PER_CLASS
        references.append(bitmaps["x"][start : start + PAIRED_PER_CLASS])
    return chosen, np.concatenate(references)


def mean_pixel_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean absolute difference per bitmap, on the 0..255 scale."""
    return np.abs(a.astype(np.float64) - b.astype(np.float64)).mean(axis=(-2, -1))
