"""``resolve``: mirror first, then cache, then the official URL (here a local server); archives."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from inkling.datasets.download import locate, resolve
from inkling.datasets.errors import FormatError, SourceUnavailableError
from inkling.datasets.extract import extract_archive
from inkling.datasets.photos import list_images
from inkling.datasets.sources import Archive, Source
from inkling.settings import get_settings
from tests.httpserver import LocalServer, serve_directory

PAYLOAD = b"0123456789" * 5000
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
PREFIX = "BSR/BSDS500/data/images/"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def jpeg_bytes(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def bsds_like_tgz(path: Path) -> Path:
    """A tiny archive shaped like BSR_bsds500.tgz, with the junk the real one has."""
    members = {
        f"{PREFIX}train/2092.jpg": jpeg_bytes((255, 0, 0)),
        f"{PREFIX}train/Thumbs.db": b"junk",
        f"{PREFIX}val/3096.jpg": jpeg_bytes((0, 255, 0)),
        f"{PREFIX}test/100007.jpg": jpeg_bytes((0, 0, 255)),
        f"{PREFIX}../../escape.jpg": jpeg_bytes((1, 1, 1)),
        "BSR/BSDS500/data/groundTruth/train/2092.mat": b"not wanted",
        "BSR/documentation/README.txt": b"not wanted",
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def served(tmp_path: Path) -> Path:
    root = tmp_path / "served"
    root.mkdir()
    (root / "payload.bin").write_bytes(PAYLOAD)
    bsds_like_tgz(root / "BSR_bsds500.tgz")
    return root


@pytest.fixture
def server(served: Path) -> Iterator[LocalServer]:
    with serve_directory(served) as server:
        yield server


def payload_source(server: LocalServer, **changes: object) -> Source:
    fields: dict = {"name": "payload", "path": "blobs/payload.bin", "description": "test payload"}
    fields["urls"] = (server.url("payload.bin"),)
    fields["size"] = len(PAYLOAD)
    fields.update(changes)
    return Source(**fields)


def test_the_mirror_wins_over_cache_and_url(server: LocalServer, tmp_path: Path) -> None:
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    for root, text in ((mirror, "from mirror"), (cache, "from cache")):
        (root / "blobs").mkdir(parents=True)
        (root / "blobs" / "payload.bin").write_text(text)
    path = resolve(payload_source(server), data_dir=mirror, cache_dir=cache, progress=False)
    assert path == mirror / "blobs" / "payload.bin"
    assert locate(payload_source(server), data_dir=mirror, cache_dir=cache) == ("mirror", path)
    assert server.requests == []


def test_then_the_cache_then_a_download(server: LocalServer, tmp_path: Path) -> None:
    source = payload_source(server)
    mirror, cache = tmp_path / "mirror-without-it", tmp_path / "cache"
    path = resolve(source, data_dir=mirror, cache_dir=cache, progress=False)
    assert path == cache / "blobs" / "payload.bin" and path.read_bytes() == PAYLOAD
    assert resolve(source, data_dir=mirror, cache_dir=cache, progress=False) == path
    assert len(server.requests) == 1
    assert locate(source, data_dir=mirror, cache_dir=cache) == ("cache", path)
    resolve(source, data_dir=mirror, cache_dir=cache, progress=False, force=True)
    assert len(server.requests) == 2


def test_url_override_still_checks_the_known_size(server: LocalServer, tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailableError, match="expected 2791") as info:
        resolve(
            "quickdraw-categories",
            data_dir=tmp_path / "no-mirror",
            cache_dir=tmp_path / "cache",
            url=server.url("payload.bin"),
            progress=False,
        )
    assert "not in the mirror" in str(info.value) and "not in the cache" in str(info.value)
    assert not (tmp_path / "cache" / "quickdraw" / "categories.txt").exists()


def test_url_override_of_the_real_categories(server: LocalServer, data_dir: Path, tmp_path: Path) -> None:
    (server.root / "categories.txt").write_bytes((data_dir / "quickdraw" / "categories.txt").read_bytes())
    path = resolve(
        "quickdraw-categories",
        data_dir=tmp_path / "no-mirror",
        cache_dir=tmp_path / "cache",
        url=server.url("categories.txt"),
        progress=False,
    )
    assert path.read_bytes() == (data_dir / "quickdraw" / "categories.txt").read_bytes()


def test_a_failed_download_explains_everything(server: LocalServer, tmp_path: Path) -> None:
    source = payload_source(server, urls=(server.url("gone.bin"), server.url("also-gone.bin")))
    with pytest.raises(SourceUnavailableError) as info:
        resolve(source, data_dir=tmp_path / "m", cache_dir=tmp_path / "c", progress=False)
    message = str(info.value)
    assert "'payload'" in message and "not in the mirror" in message
    assert "gone.bin" in message and "also-gone.bin" in message and "HTTP 404" in message


def test_mirror_only_sources_need_the_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SourceUnavailableError, match="mirror-only"):
        resolve("doodlenet-tfjs", data_dir=tmp_path / "m", cache_dir=tmp_path / "c", progress=False)
    monkeypatch.delenv("INKLING_DATA_DIR", raising=False)
    monkeypatch.setenv("INKLING_CACHE_DIR", str(tmp_path / "c"))
    get_settings.cache_clear()
    with pytest.raises(SourceUnavailableError, match="INKLING_DATA_DIR is unset"):
        resolve("quickdraw-bitmaps-64class", progress=False)


def test_settings_are_read_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "pretrained" / "sketcher_tfjs").mkdir(parents=True)
    (mirror / "pretrained" / "sketcher_tfjs" / "model.json").write_text("{}")
    monkeypatch.setenv("INKLING_DATA_DIR", str(mirror))
    monkeypatch.setenv("INKLING_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    assert resolve("sketcher-tfjs") == mirror / "pretrained" / "sketcher_tfjs"


def test_bsds500_from_the_official_archive_layout(server: LocalServer, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kwargs = {"data_dir": tmp_path / "no-mirror", "cache_dir": cache, "progress": False}
    root = resolve("bsds500", url=server.url("BSR_bsds500.tgz"), **kwargs)
    assert root == cache / "photos" / "bsds500"
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == {
        "train/2092.jpg",
        "val/3096.jpg",
        "test/100007.jpg",
    }
    assert [p.name for p in list_images(root, "train")] == ["2092.jpg"]
    assert (cache / "downloads" / "BSR_bsds500.tgz").is_file()
    assert not (cache / "photos" / "bsds500.partial").exists()
    assert resolve("bsds500", url=server.url("BSR_bsds500.tgz"), **kwargs) == root
    assert len(server.requests) == 1


def test_extract_zip_archives_and_reject_empty_ones(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pics/a.JPG", jpeg_bytes((9, 9, 9)))
        archive.writestr("pics/sub/", "")
        archive.writestr("pics/readme.txt", "x")
    spec = Archive(member_prefix="pics/", suffixes=(".jpg",))
    assert extract_archive(path, tmp_path / "out", spec) == 1
    assert (tmp_path / "out" / "a.JPG").is_file()
    with pytest.raises(FormatError, match="no members"):
        extract_archive(path, tmp_path / "none", Archive(member_prefix="elsewhere/"))
    assert not (tmp_path / "none").exists()
    (tmp_path / "junk.tgz").write_bytes(b"not an archive")
    with pytest.raises(FormatError, match="not a tar or zip"):
        extract_archive(tmp_path / "junk.tgz", tmp_path / "junk", spec)


def test_a_broken_archive_is_discarded(server: LocalServer, tmp_path: Path) -> None:
    (server.root / "broken.tgz").write_bytes(b"this is not a tarball")
    cache = tmp_path / "cache"
    kwargs = {"data_dir": tmp_path / "m", "cache_dir": cache, "progress": False}
    with pytest.raises(SourceUnavailableError, match="not a tar or zip archive"):
        resolve("bsds500", url=server.url("broken.tgz"), **kwargs)
    assert not (cache / "downloads" / "broken.tgz").exists()
    assert not (cache / "photos" / "bsds500").exists()
