"""The data-source catalogue: names, official URLs, mirror paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkling.datasets.download import file_sha256
from inkling.datasets.errors import MirrorOnlyError, UnknownSourceError
from inkling.datasets.sources import (
    SOURCES,
    WORD_FORMATS,
    get_source,
    list_sources,
    quickdraw_url,
    quickdraw_word_source,
)

# sources whose files the shared mirror does not carry (they come from the official URL)
NOT_IN_SHARED_MIRROR = {"mnist-train-images", "mnist-train-labels", "mnist-test-images", "mnist-test-labels"}


def test_names_are_unique_and_paths_relative() -> None:
    names = [source.name for source in list_sources()]
    assert len(names) == len(set(names)) == len(SOURCES)
    for source in list_sources():
        assert not Path(source.path).is_absolute()
        assert ".." not in Path(source.path).parts
        assert all(url.startswith("https://") for url in source.urls)


def test_required_sources_are_catalogued() -> None:
    for name in ("quickdraw-categories", "quickdraw-simplified-sample", "quickdraw-raw-sample", "mnist"):
        assert name in SOURCES
    assert SOURCES["quickdraw-categories"].official_url() == (
        "https://raw.githubusercontent.com/googlecreativelab/quickdraw-dataset/master/categories.txt"
    )
    assert SOURCES["mnist"].path == "mnist/mnist.npz"
    assert SOURCES["mnist"].official_url().endswith("/tf-keras-datasets/mnist.npz")
    assert SOURCES["mnist-test-labels"].official_url() == (
        "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz"
    )
    bsds = SOURCES["bsds500"]
    assert bsds.is_dir and bsds.archive is not None and bsds.path == "photos/bsds500"
    assert bsds.archive.member_prefix == "BSR/BSDS500/data/images/"


@pytest.mark.parametrize("name", ["quickdraw-bitmaps-64class", "doodlenet-tfjs", "sketcher-tfjs"])
def test_mirror_only_sources_say_so(name: str) -> None:
    source = get_source(name)
    assert source.mirror_only
    with pytest.raises(MirrorOnlyError, match="only in the local mirror"):
        source.official_url()


def test_per_word_urls_are_quoted() -> None:
    assert quickdraw_url("The Eiffel Tower", "bitmap") == (
        "https://storage.googleapis.com/quickdraw_dataset/full/numpy_bitmap/The%20Eiffel%20Tower.npy"
    )
    assert (
        quickdraw_url("cat") == "https://storage.googleapis.com/quickdraw_dataset/full/simplified/cat.ndjson"
    )
    assert quickdraw_url("cat", "raw").endswith("/full/raw/cat.ndjson")
    assert quickdraw_url("cat", "sketchrnn").endswith("/sketchrnn/cat.npz")


def test_per_word_sources_resolve_by_name() -> None:
    source = get_source("quickdraw-simplified/hot air balloon")
    assert source == quickdraw_word_source("hot air balloon", "simplified")
    assert source.path == "quickdraw/full/simplified/hot air balloon.ndjson"
    assert source.urls == (quickdraw_url("hot air balloon"),)
    for fmt in WORD_FORMATS:
        assert get_source(f"quickdraw-{fmt}/cat").name == f"quickdraw-{fmt}/cat"


@pytest.mark.parametrize("name", ["nope", "quickdraw-vector/cat", "quickdraw-simplified/", "mnist-npz"])
def test_unknown_names_raise_a_helpful_error(name: str) -> None:
    with pytest.raises(UnknownSourceError) as info:
        get_source(name)
    assert "inkling data list" in str(info.value) or "format" in str(info.value)


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(UnknownSourceError, match="did you mean mnist"):
        get_source("mnst")


def test_catalogue_matches_the_real_mirror(data_dir: Path) -> None:
    for source in list_sources():
        path = data_dir / source.path
        if source.name in NOT_IN_SHARED_MIRROR:
            continue
        assert path.exists(), f"{source.name}: {path} missing from the mirror"
        assert path.is_dir() == source.is_dir


def test_categories_checksum_matches_the_mirror_copy(data_dir: Path) -> None:
    source = SOURCES["quickdraw-categories"]
    path = data_dir / source.path
    assert path.stat().st_size == source.size
    assert file_sha256(path) == source.sha256
