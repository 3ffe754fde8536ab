"""Resumable downloads against a local HTTP server: cut-offs, ignored Range, bad sizes, 404s."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from inkling.datasets.download import download, file_sha256
from inkling.datasets.errors import DownloadError, IntegrityError
from tests.httpserver import LocalServer, serve_directory

PAYLOAD = bytes(range(256)) * 1024  # 256 KiB: several chunks
SHA = hashlib.sha256(PAYLOAD).hexdigest()
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Talk to 127.0.0.1 directly even where a proxy is configured."""
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def served(tmp_path: Path) -> Path:
    root = tmp_path / "served"
    root.mkdir()
    (root / "payload.bin").write_bytes(PAYLOAD)
    (root / "hot air balloon.txt").write_text("balloon\n")
    return root


@pytest.fixture
def server(served: Path) -> Iterator[LocalServer]:
    with serve_directory(served) as server:
        yield server


def part_of(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def test_plain_download_verifies_and_renames(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "out" / "payload.bin"
    result = download(server.url("payload.bin"), dest, expected_size=len(PAYLOAD), sha256=SHA, progress=False)
    assert result == dest and dest.read_bytes() == PAYLOAD
    assert not part_of(dest).exists()
    (request,) = server.requests_for("payload.bin")
    assert request.range is None and request.headers["accept-encoding"] == "identity"


def test_quoted_names_and_progress_bar(server: LocalServer, tmp_path: Path) -> None:
    dest = download(server.url("hot air balloon.txt"), tmp_path / "balloon.txt", progress=True)
    assert dest.read_text() == "balloon\n"


def test_resume_after_a_cut_off_response(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    server.cut("payload.bin", after_bytes=100_000)
    with pytest.raises(DownloadError, match="run again to resume"):
        download(server.url("payload.bin"), dest, retries=0, progress=False)
    assert part_of(dest).stat().st_size == 100_000 and not dest.exists()
    download(server.url("payload.bin"), dest, sha256=SHA, retries=0, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert [r.range for r in server.requests_for("payload.bin")] == [None, "bytes=100000-"]


def test_retries_resume_within_one_call(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    server.cut("payload.bin", after_bytes=70_000, times=2)
    url = server.url("payload.bin")
    download(url, dest, expected_size=len(PAYLOAD), retries=2, retry_delay=0, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert [r.range for r in server.requests_for("payload.bin")] == [None, "bytes=70000-", "bytes=140000-"]


def test_a_server_that_ignores_range_restarts_from_zero(served: Path, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    part_of(dest).write_bytes(b"stale partial bytes")
    with serve_directory(served, ignore_range=True) as server:
        download(server.url("payload.bin"), dest, sha256=SHA, progress=False)
        (request,) = server.requests_for("payload.bin")
    assert request.range == "bytes=19-"
    assert dest.read_bytes() == PAYLOAD


def test_size_mismatch_leaves_no_file(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    with pytest.raises(IntegrityError, match=f"expected {len(PAYLOAD) + 1}"):
        download(server.url("payload.bin"), dest, expected_size=len(PAYLOAD) + 1, progress=False)
    assert not dest.exists() and not part_of(dest).exists()


def test_checksum_mismatch_leaves_no_file(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    with pytest.raises(IntegrityError, match="SHA-256"):
        download(server.url("payload.bin"), dest, sha256="0" * 64, progress=False)
    assert not dest.exists() and not part_of(dest).exists()


def test_404_is_a_clear_error_and_not_retried(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "missing.bin"
    with pytest.raises(DownloadError, match=r"HTTP 404 Not Found for http://127\.0\.0\.1:\d+/missing\.bin"):
        download(server.url("missing.bin"), dest, retries=3, retry_delay=0, progress=False)
    assert len(server.requests_for("missing.bin")) == 1
    assert not dest.exists() and not part_of(dest).exists()


def test_server_errors_are_retried(server: LocalServer, tmp_path: Path) -> None:
    server.fail("payload.bin", status=503)
    dest = download(server.url("payload.bin"), tmp_path / "p.bin", retries=1, retry_delay=0, progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert len(server.requests_for("payload.bin")) == 2
    server.fail("payload.bin", status=500, times=2)
    with pytest.raises(DownloadError, match="HTTP 500"):
        download(server.url("payload.bin"), tmp_path / "q.bin", retries=1, retry_delay=0, progress=False)


def test_a_complete_partial_file_is_finished_without_a_body(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    part_of(dest).write_bytes(PAYLOAD)
    download(server.url("payload.bin"), dest, sha256=SHA, progress=False)  # the server answers 416
    assert dest.read_bytes() == PAYLOAD
    part_of(dest).write_bytes(PAYLOAD)
    download(server.url("payload.bin"), dest, expected_size=len(PAYLOAD), progress=False)  # no request at all
    assert len(server.requests_for("payload.bin")) == 1


def test_an_oversized_partial_file_is_discarded(server: LocalServer, tmp_path: Path) -> None:
    dest = tmp_path / "payload.bin"
    part_of(dest).write_bytes(PAYLOAD + b"extra")
    download(server.url("payload.bin"), dest, expected_size=len(PAYLOAD), progress=False)
    assert file_sha256(dest) == SHA
    assert server.requests_for("payload.bin")[0].range is None


def test_an_unreachable_host_is_a_download_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match="ConnectError"):
        download(f"http://127.0.0.1:{port}/x.bin", tmp_path / "x.bin", retries=0, progress=False)
    assert not (tmp_path / "x.bin").exists()


def test_a_bad_url_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="cannot download 'not-a-url'"):
        download("not-a-url", tmp_path / "x.bin", retries=5, retry_delay=10, progress=False)
