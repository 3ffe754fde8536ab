"""Quick, Draw! ndjson readers (raw and simplified, gzip or plain)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def open_text(path: Path):
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
