"""A small sample of real Quick, Draw! drawings shipped in the package: "how others drew it".

Six drawings of each of the 345 words (the first that the game recognised, in Google's *simplified*
format: strokes ``[xs, ys]`` on 0..255), from the Quick, Draw! Dataset by Google Creative Lab, CC BY
4.0. The end-of-game screen and the word pages show them beside the players' own drawings, marked
as Quick, Draw!'s, so "how others drew it" is never empty on a fresh install. Rebuilt from the data
mirror with ``make_sample``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SAMPLE_PATH = Path(__file__).parent / "seed" / "quickdraw_others.ndjson.gz"
PER_WORD = 6  # drawings kept per word: enough for a row, small enough to ship (< 0.5 MB for 345 words)
CREDIT = "Quick, Draw! Dataset, Google Creative Lab, CC BY 4.0"


@dataclass(frozen=True)
class OtherDrawing:
    """One Quick, Draw! drawing of a word: its strokes and where it comes from."""

    word: str
    key_id: str
    countrycode: str
    drawing: list[Any]


def _key(word: str) -> str:
    return " ".join(word.replace("_", " ").split()).casefold()


@lru_cache(maxsize=1)
def _by_word(path: Path = SAMPLE_PATH) -> dict[str, tuple[OtherDrawing, ...]]:
    """The shipped sample, read once, by normalised word."""
    found: dict[str, list[OtherDrawing]] = {}
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            country = record.get("countrycode", "")
            item = OtherDrawing(record["word"], record["key_id"], country, record["drawing"])
            found.setdefault(_key(item.word), []).append(item)
    return {word: tuple(items) for word, items in found.items()}


def others_drew(word: str, limit: int = PER_WORD) -> list[OtherDrawing]:
    """Up to ``limit`` Quick, Draw! drawings of ``word`` (case-, space- and underscore-insensitive)."""
    return list(_by_word().get(_key(word), ())[: max(limit, 0)])


def make_sample(records: Iterable[dict[str, Any]], out: Path, per_word: int = PER_WORD) -> dict[str, int]:
    """Write ``per_word`` drawings of each word of ``records`` (simplified ndjson), recognised ones first."""
    chosen: dict[str, list[dict[str, Any]]] = {}
    spare: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        pile = chosen if record.get("recognized", True) else spare
        if len(pile.setdefault(record["word"], [])) < per_word:
            pile[record["word"]].append({k: record[k] for k in ("word", "countrycode", "key_id", "drawing")})
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as sink:
        for word in sorted(set(chosen) | set(spare)):
            rows = (chosen.get(word, []) + spare.get(word, []))[:per_word]
            chosen[word] = rows
            sink.writelines(json.dumps(row, separators=(",", ":")) + "\n" for row in rows)
    return {word: len(rows) for word, rows in chosen.items()}
