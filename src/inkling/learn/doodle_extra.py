"""The third collection pass (``quickdraw_extra/``) as doodle records and bitmaps for the training pool.

Stroke files become records like the sample's (``word``, ``key_id``, ``label``, ``simplified``, ``raw``,
``source``): simplified drawings with a key_id (their raw ink attached when the raw file has the same
key_id), raw-only drawings simplified by the ink pipeline, and key-less drawings whose ``key_id`` is a
hash of the drawing itself, so duplicates are found by content, never by id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from inkling.datasets.bitmaps import load_npz
from inkling.datasets.quickdraw import iter_drawings
from inkling.ink import parse_ink, simplify

EXTRA_STROKES = "quickdraw_extra/quickdraw_strokes_more.ndjson.gz"  # simplified, with key_id, 44 words
EXTRA_RAW = "quickdraw_extra/quickdraw_strokes_more_raw.ndjson.gz"  # raw with timing, key_id, 290 words
EXTRA_NOKEY = "quickdraw_extra/quickdraw_strokes_more_nokeyid.ndjson.gz"  # simplified, no key_id, 345 words
EXTRA_BITMAPS = "quickdraw_extra/quickdraw_bitmaps_more.npz"  # official numpy_bitmap rows, 29 words
CONTENT_PREFIX = "content:"  # key_id of a key-less drawing: this prefix + sha1 of its strokes


def content_key(drawing: Any) -> str:
    """A stable id of a drawing's strokes (compact JSON, sha1), for files that carry no key_id."""
    text = json.dumps(drawing, separators=(",", ":"))
    return CONTENT_PREFIX + hashlib.sha1(text.encode()).hexdigest()[:20]


def _capped(rows: Iterable[dict[str, Any]], cap: int | None) -> list[dict[str, Any]]:
    """At most ``cap`` rows per word, in file order (all when ``cap`` is None)."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        if cap is None or seen.get(row["word"], 0) < cap:
            seen[row["word"]] = seen.get(row["word"], 0) + 1
            out.append(row)
    return out


def _record(row: dict[str, Any], label: int, source: str, simplified: Any, raw: Any) -> dict[str, Any]:
    """One record in the layout of ``doodle_data``'s sample records."""
    return {"word": row["word"], "key_id": row["key_id"], "label": label, "simplified": simplified,
            "raw": raw, "source": source}  # fmt: skip


def extra_records(
    data_dir: Path,
    label_of: dict[str, int],
    known: Iterable[dict[str, Any]],
    *,
    max_per_word: int | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Records of the three extra stroke files for the words of ``label_of``, minus what ``known`` holds.

    A keyed drawing whose key_id is known, or any drawing whose strokes equal a known or earlier one, is
    skipped. ``max_per_word`` caps each file's drawings per word (tiny runs, tests). Returns the records
    and the counts of what was kept and skipped.
    """
    data_dir, words = Path(data_dir), list(label_of)
    keys = {str(r["key_id"]) for r in known}
    contents = {content_key(r["simplified"]) for r in known}
    counts = {"extra_keyed": 0, "extra_raw_attached": 0, "extra_raw_only": 0, "extra_nokey": 0,
              "skipped_known_key": 0, "skipped_same_content": 0}  # fmt: skip
    raw_rows = _capped(iter_drawings(data_dir / EXTRA_RAW, words=words), max_per_word)
    raw_by_key = {str(r["key_id"]): r["drawing"] for r in raw_rows}
    out: list[dict[str, Any]] = []

    def add(row: dict[str, Any], source: str, simplified: Any, raw: Any = None) -> None:
        content = content_key(simplified)
        if source != "extra-nokey" and str(row["key_id"]) in keys:
            counts["skipped_known_key"] += 1
        elif content in contents:
            counts["skipped_same_content"] += 1
        else:
            keys.add(str(row["key_id"]))
            contents.add(content)
            out.append(_record(row, label_of[row["word"]], source, simplified, raw))
            counts[source.replace("-", "_")] += 1

    for row in _capped(iter_drawings(data_dir / EXTRA_STROKES, words=words), max_per_word):
        raw = raw_by_key.pop(str(row["key_id"]), None)
        counts["extra_raw_attached"] += raw is not None
        add(row, "extra-keyed", row["drawing"], raw)
    for row in raw_rows:
        if str(row["key_id"]) in raw_by_key:  # not attached to a simplified drawing above
            ink = simplify(parse_ink(row["drawing"], strict_times=False))
            add(row, "extra-raw-only", ink.to_lists(), row["drawing"])
    for row in _capped(iter_drawings(data_dir / EXTRA_NOKEY, words=words), max_per_word):
        add({**row, "key_id": content_key(row["drawing"])}, "extra-nokey", row["drawing"])
    return out, counts


def extra_bitmaps(
    data_dir: Path, classes: list[str], label_of: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The extra official bitmaps of ``classes`` as (uint8 (N, 28, 28), labels in ``classes`` order)."""
    bits = load_npz(Path(data_dir) / EXTRA_BITMAPS)
    names = np.array(bits.class_names)[bits.y]
    keep = np.isin(names, classes)
    return bits.x[keep], np.array([label_of[n] for n in names[keep]], dtype=np.int64)
