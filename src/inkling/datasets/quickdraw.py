"""Quick, Draw! ndjson readers (raw and simplified, gzip or plain) and the official category list."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal

from inkling.datasets.errors import FormatError

DrawingFormat = Literal["simplified", "raw"]
SAMPLE_SOURCES: dict[str, str] = {"simplified": "quickdraw-simplified-sample", "raw": "quickdraw-raw-sample"}


def open_text(path: Path) -> IO[str]:
    """Open a text file, transparently un-gzipping ``.gz`` files."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def read_ndjson(path: Path) -> Iterator[dict[str, Any]]:
    """Yield one Quick, Draw! record (``word``, ``key_id``, ``drawing``, ...) per non-empty line."""
    with open_text(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not a JSON line ({error.msg})") from error


def drawing_format(record: dict[str, Any]) -> DrawingFormat:
    """Tell raw (strokes ``[xs, ys, ts]``) from simplified (strokes ``[xs, ys]``) by the first stroke."""
    strokes = record.get("drawing")
    if not isinstance(strokes, list) or not strokes or not isinstance(strokes[0], list):
        raise FormatError(f"record {record.get('key_id')!r} has no strokes in 'drawing'")
    arrays = len(strokes[0])
    if arrays == 3:
        return "raw"
    if arrays == 2:
        return "simplified"
    raise FormatError(f"record {record.get('key_id')!r}: a stroke has {arrays} arrays, expected 2 or 3")


def iter_drawings(
    path: Path,
    *,
    words: str | Iterable[str] | None = None,
    limit: int | None = None,
    recognized: bool | None = None,
    fmt: DrawingFormat | None = None,
) -> Iterator[dict[str, Any]]:
    """Records of an ndjson file, filtered by word(s) and ``recognized``, at most ``limit`` of them.

    ``fmt`` ("raw" or "simplified") checks each record's stroke layout and raises on a mismatch.
    """
    wanted = {words} if isinstance(words, str) else (set(words) if words is not None else None)
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0")

    def keep(record: dict[str, Any]) -> bool:
        if wanted is not None and record.get("word") not in wanted:
            return False
        if recognized is not None and bool(record.get("recognized")) != recognized:
            return False
        if fmt is not None and drawing_format(record) != fmt:
            raise FormatError(f"{path}: record {record.get('key_id')!r} is not in {fmt} format")
        return True

    yield from islice(filter(keep, read_ndjson(path)), limit)


def read_drawings(path: Path, **filters: Any) -> list[dict[str, Any]]:
    """The records of :func:`iter_drawings` as a list."""
    return list(iter_drawings(path, **filters))


def read_categories(path: Path | None = None) -> list[str]:
    """The official category names, in order (``path`` defaults to the resolved ``quickdraw-categories``)."""
    if path is None:
        from inkling.datasets.download import resolve

        path = resolve("quickdraw-categories", progress=False)
    with open_text(Path(path)) as lines:
        return [line.strip() for line in lines if line.strip()]


def word_drawings(
    word: str,
    *,
    fmt: DrawingFormat = "simplified",
    limit: int | None = None,
    full: bool = False,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Drawings of one word: from the mirror's sample (about 25 per word), or the full file.

    With ``full=False`` the sample (``quickdraw-<fmt>-sample``) is used when the mirror or cache has it,
    so this works offline; otherwise, or with ``full=True``, the official per-word file is resolved
    (mirror, cache, then download from the Quick, Draw! bucket).
    """
    from inkling.datasets.download import locate, resolve

    if not full:
        found = locate(SAMPLE_SOURCES[fmt], data_dir=data_dir, cache_dir=cache_dir)
        if found is not None:
            return read_drawings(found[1], words=word, limit=limit)
    path = resolve(f"quickdraw-{fmt}/{word}", data_dir=data_dir, cache_dir=cache_dir)
    return read_drawings(path, words=word, limit=limit)
