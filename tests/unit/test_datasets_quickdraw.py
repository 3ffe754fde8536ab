"""Quick, Draw! ndjson readers on tiny fixtures and on the real mirror samples."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from inkling.datasets.errors import FormatError
from inkling.datasets.quickdraw import (
    drawing_format,
    iter_drawings,
    open_text,
    read_categories,
    read_drawings,
    read_ndjson,
    word_drawings,
)

SIMPLIFIED = [
    {"word": "cat", "countrycode": "US", "recognized": True, "key_id": "1", "drawing": [[[0, 10], [0, 10]]]},
    {"word": "dog", "countrycode": "DE", "recognized": False, "key_id": "2", "drawing": [[[5, 6], [7, 8]]]},
    {"word": "cat", "countrycode": "FR", "recognized": False, "key_id": "3", "drawing": [[[1, 2], [3, 4]]]},
    {"word": "cat", "countrycode": "GB", "recognized": True, "key_id": "4", "drawing": [[[9], [9]]]},
]
RAW = [{"word": "cat", "recognized": True, "key_id": "9", "drawing": [[[0.5, 10.0], [1.5, 2.0], [0, 16]]]}]


def write_ndjson(path: Path, records: list[dict], *, blank_lines: bool = False) -> Path:
    """Write records one per line, gzipped when the name ends in .gz."""
    text = "".join(json.dumps(r) + ("\n\n" if blank_lines else "\n") for r in records)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


@pytest.fixture(params=["drawings.ndjson", "drawings.ndjson.gz"])
def simplified_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return write_ndjson(tmp_path / request.param, SIMPLIFIED, blank_lines=True)


def test_reads_plain_and_gzip(simplified_file: Path) -> None:
    assert [r["key_id"] for r in read_ndjson(simplified_file)] == ["1", "2", "3", "4"]
    with open_text(simplified_file) as lines:
        assert lines.readline().startswith("{")


def test_filters_by_word_recognized_and_limit(simplified_file: Path) -> None:
    assert [r["key_id"] for r in iter_drawings(simplified_file, words="cat")] == ["1", "3", "4"]
    assert [r["key_id"] for r in iter_drawings(simplified_file, words=["dog", "cat"], limit=2)] == ["1", "2"]
    assert [r["key_id"] for r in iter_drawings(simplified_file, words="cat", recognized=True)] == ["1", "4"]
    assert read_drawings(simplified_file, words="cow") == []
    assert read_drawings(simplified_file, limit=0) == []
    with pytest.raises(ValueError):
        read_drawings(simplified_file, limit=-1)


def test_tells_raw_from_simplified(tmp_path: Path) -> None:
    raw_file = write_ndjson(tmp_path / "raw.ndjson", RAW)
    assert drawing_format(RAW[0]) == "raw"
    assert drawing_format(SIMPLIFIED[0]) == "simplified"
    assert len(read_drawings(raw_file, fmt="raw")) == 1
    with pytest.raises(FormatError, match="not in simplified format"):
        read_drawings(raw_file, fmt="simplified")
    with pytest.raises(FormatError):
        drawing_format({"key_id": "x", "drawing": []})


def test_a_broken_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_text(json.dumps(SIMPLIFIED[0]) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"bad.ndjson:2"):
        list(read_ndjson(path))


def test_categories_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "categories.txt"
    path.write_text("aircraft carrier\nairplane\n\nzigzag")
    assert read_categories(path) == ["aircraft carrier", "airplane", "zigzag"]


def test_word_drawings_uses_the_sample_offline(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "quickdraw").mkdir(parents=True)
    write_ndjson(mirror / "quickdraw" / "quickdraw_simplified_sample.ndjson.gz", SIMPLIFIED)
    found = word_drawings("cat", limit=2, data_dir=mirror, cache_dir=tmp_path / "cache")
    assert [r["key_id"] for r in found] == ["1", "3"]


def test_word_drawings_full_uses_the_per_word_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "quickdraw" / "full" / "raw").mkdir(parents=True)
    write_ndjson(cache / "quickdraw" / "full" / "raw" / "cat.ndjson", RAW)
    found = word_drawings("cat", fmt="raw", full=True, data_dir=tmp_path / "no-mirror", cache_dir=cache)
    assert [r["key_id"] for r in found] == ["9"]


def test_real_simplified_sample(data_dir: Path) -> None:
    path = data_dir / "quickdraw" / "quickdraw_simplified_sample.ndjson.gz"
    counts = json.loads((data_dir / "quickdraw" / "quickdraw_simplified_sample_counts.json").read_text())
    cats = read_drawings(path, words="cat", fmt="simplified")
    assert len(cats) == counts["cat"] == 25
    for record in cats:
        for xs, ys in record["drawing"]:
            assert len(xs) == len(ys) and all(0 <= v <= 255 for v in xs + ys)
    assert len(read_drawings(path, words=["apple", "banana"], limit=150)) == 150
    assert sum(1 for _ in read_ndjson(path)) == 9056


def test_real_raw_sample(data_dir: Path) -> None:
    path = data_dir / "quickdraw" / "quickdraw_raw_sample.ndjson.gz"
    eyes = read_drawings(path, words="eye", limit=5, fmt="raw")
    assert len(eyes) == 5
    for record in eyes:
        for xs, ys, ts in record["drawing"]:
            assert len(xs) == len(ys) == len(ts)


def test_real_categories_and_word_drawings(data_dir: Path, tmp_path: Path) -> None:
    categories = read_categories(data_dir / "quickdraw" / "categories.txt")
    assert len(categories) == 345
    assert categories[0] == "aircraft carrier" and categories[-1] == "zigzag"
    assert "The Eiffel Tower" in categories
    found = word_drawings("The Eiffel Tower", limit=3, data_dir=data_dir, cache_dir=tmp_path)
    assert [r["word"] for r in found] == ["The Eiffel Tower"] * 3
