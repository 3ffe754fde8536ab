"""Streaming, resumable HTTP downloads, and ``resolve``: mirror first, then cache, then official URL."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from inkling.datasets.errors import DownloadError, FormatError, IntegrityError, SourceUnavailableError
from inkling.datasets.extract import extract_archive
from inkling.datasets.sources import Source, get_source
from inkling.settings import get_settings

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class _Bar:
    """A progress bar for one file: a rich task, or nothing when ``progress`` is off."""

    def __init__(self, progress: Progress | None, label: str) -> None:
        self._progress = progress
        self._task: TaskID | None = progress.add_task(label, total=None) if progress else None

    def reset(self, completed: int, total: int | None) -> None:
        """Set the bar to ``completed`` of ``total`` bytes."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=completed, total=total)

    def advance(self, amount: int) -> None:
        """Add ``amount`` downloaded bytes."""
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, amount)


@contextlib.contextmanager
def _progress_bar(enabled: bool, label: str) -> Iterator[_Bar]:
    if not enabled:
        yield _Bar(None, label)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        yield _Bar(progress, label)


class _Retryable(DownloadError):
    """A failure worth another attempt (network error, 5xx, interrupted body)."""


def download(
    url: str,
    dest: Path,
    *,
    expected_size: int | None = None,
    sha256: str | None = None,
    client: httpx.Client | None = None,
    progress: bool = True,
    retries: int = 2,
    retry_delay: float = 0.5,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``dest`` via ``dest.part``, resuming a partial file, then verify and rename."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    own_client = client is None
    if client is None:
        client = httpx.Client(
            follow_redirects=True, timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0))
        )
    try:
        with _progress_bar(progress, dest.name) as bar:
            total = _fetch_with_retries(client, url, part, expected_size, bar, retries, retry_delay)
    finally:
        if own_client:
            client.close()
    _verify(part, url, expected_size if expected_size is not None else total, sha256)
    os.replace(part, dest)
    return dest


def _fetch_with_retries(
    client: httpx.Client,
    url: str,
    part: Path,
    expected_size: int | None,
    bar: _Bar,
    retries: int,
    retry_delay: float,
) -> int | None:
    """Call :func:`_fetch` until it succeeds, resuming after retryable failures with a growing delay."""
    for attempt in range(retries + 1):
        try:
            return _fetch(client, url, part, expected_size, bar)
        except _Retryable as error:
            if attempt == retries:
                have = part.stat().st_size if part.exists() else 0
                hint = f" ({have} bytes kept in {part}; run again to resume)" if have else ""
                raise DownloadError(f"{error}{hint}") from error
            time.sleep(retry_delay * (2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _fetch(client: httpx.Client, url: str, part: Path, expected_size: int | None, bar: _Bar) -> int | None:
    """One GET of the missing bytes of ``part``; return the full size of the file when known."""
    offset = part.stat().st_size if part.exists() else 0
    if expected_size is not None and offset > expected_size:
        part.unlink()
        offset = 0
    if offset and offset == expected_size:
        return expected_size
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        with client.stream("GET", url, headers=headers) as response:
            return _receive(response, url, part, offset, expected_size, bar)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
        raise DownloadError(f"cannot download {url!r}: {error}") from error
    except httpx.TransportError as error:
        raise _Retryable(f"download of {url} failed: {type(error).__name__}: {error}") from error


def _receive(
    response: httpx.Response, url: str, part: Path, offset: int, expected_size: int | None, bar: _Bar
) -> int | None:
    """Write a response body to ``part`` (appending for 206) and return the full size when known."""
    status = response.status_code
    if status == 416 and offset:
        total = _parse_content_range(response.headers.get("content-range", ""))[2]
        if total == offset:
            return total  # the partial file was already complete
        part.unlink()
        raise _Retryable(f"server refused to resume {url} (HTTP 416); restarting")
    if status >= 500:
        raise _Retryable(f"HTTP {status} {response.reason_phrase} for {url}")
    if status >= 400:
        raise DownloadError(f"HTTP {status} {response.reason_phrase} for {url}")
    if status == 206:
        start, _, total = _parse_content_range(response.headers.get("content-range", ""))
        if start != offset:
            part.unlink(missing_ok=True)
            raise _Retryable(f"server resumed {url} at byte {start}, not {offset}; restarting")
        mode = "ab"
    elif status == 200:
        offset, mode = 0, "wb"  # no Range sent, or the server ignored it: start over
        length = response.headers.get("content-length")
        total = int(length) if length and length.isdigit() else None
    else:
        raise DownloadError(f"unexpected HTTP {status} {response.reason_phrase} for {url}")
    if expected_size is not None and total is not None and total != expected_size:
        part.unlink(missing_ok=True)
        raise IntegrityError(f"{url} is {total} bytes, expected {expected_size}; not downloaded")
    bar.reset(offset, total)
    with part.open(mode) as sink:
        for chunk in response.iter_raw():  # as received, so a cut-off keeps every byte
            sink.write(chunk)
            bar.advance(len(chunk))
    return total


def _parse_content_range(value: str) -> tuple[int, int, int | None]:
    """Parse ``bytes START-END/TOTAL`` (or ``bytes */TOTAL``) into (start, end, total)."""
    match = _CONTENT_RANGE.fullmatch(value.strip())
    if match:
        total = None if match.group(3) == "*" else int(match.group(3))
        return int(match.group(1)), int(match.group(2)), total
    star = re.fullmatch(r"bytes\s+\*/(\d+)", value.strip())
    if star:
        return -1, -1, int(star.group(1))
    raise _Retryable(f"bad Content-Range header {value!r}")


def _verify(part: Path, url: str, size: int | None, sha256: str | None) -> None:
    """Check the finished ``.part`` file's size and SHA-256; delete it and raise on a mismatch."""
    actual = part.stat().st_size
    if size is not None and actual != size:
        part.unlink()
        raise IntegrityError(f"{url}: got {actual} bytes, expected {size}; the partial file was removed")
    if sha256 is not None:
        digest = file_sha256(part)
        if digest != sha256.lower():
            part.unlink()
            raise IntegrityError(f"{url}: SHA-256 {digest} does not match the expected {sha256}")


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _present(path: Path, source: Source) -> bool:
    if source.is_dir:
        return path.is_dir() and any(path.iterdir())
    return path.is_file()


def _dirs(data_dir: Path | None, cache_dir: Path | None) -> tuple[Path | None, Path]:
    """The explicit directories, or those of the settings (read now, not at import)."""
    if data_dir is None or cache_dir is None:
        settings = get_settings()
        data_dir = data_dir if data_dir is not None else settings.data_dir
        cache_dir = cache_dir if cache_dir is not None else settings.cache_dir
    return (Path(data_dir) if data_dir is not None else None), Path(cache_dir)


def locate(
    source: str | Source, *, data_dir: Path | None = None, cache_dir: Path | None = None
) -> tuple[str, Path] | None:
    """Where a source already is locally: ``("mirror", path)``, ``("cache", path)`` or None."""
    source = get_source(source) if isinstance(source, str) else source
    data_dir, cache_dir = _dirs(data_dir, cache_dir)
    if data_dir is not None and _present(data_dir / source.path, source):
        return "mirror", data_dir / source.path
    if _present(cache_dir / source.path, source):
        return "cache", cache_dir / source.path
    return None


def resolve(
    source: str | Source,
    *,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    url: str | None = None,
    force: bool = False,
    progress: bool = True,
    client: httpx.Client | None = None,
) -> Path:
    """A local path for a source: the mirror (INKLING_DATA_DIR), else the cache, else a fresh download."""
    source = get_source(source) if isinstance(source, str) else source
    data_dir, cache_dir = _dirs(data_dir, cache_dir)
    if not force:
        found = locate(source, data_dir=data_dir, cache_dir=cache_dir)
        if found is not None:
            return found[1]
    mirror_note = f"not in the mirror ({data_dir / source.path})" if data_dir else "INKLING_DATA_DIR is unset"
    urls = (url,) if url else source.urls
    if not urls:
        raise SourceUnavailableError(
            f"{source.name!r} is mirror-only (no official URL) and {mirror_note}; "
            f"point INKLING_DATA_DIR at a mirror that has {source.path}"
        )
    target = cache_dir / source.path
    failures: list[str] = []
    for candidate in urls:
        try:
            return _download_into_cache(source, candidate, target, cache_dir, force, progress, client)
        except DownloadError as error:
            failures.append(str(error))
    raise SourceUnavailableError(
        f"cannot get {source.name!r}: {mirror_note}, not in the cache ({target}), "
        f"and the download failed: {'; '.join(failures)}"
    )


def _download_into_cache(
    source: Source,
    url: str,
    target: Path,
    cache_dir: Path,
    force: bool,
    progress: bool,
    client: httpx.Client | None,
) -> Path:
    """Download one URL for ``source``; unpack it when the source is an archive-backed directory."""
    file_target = cache_dir / "downloads" / _url_filename(url) if source.archive else target
    if force:
        file_target.with_name(file_target.name + ".part").unlink(missing_ok=True)
    if not (source.archive and file_target.is_file() and not force):
        download(
            url,
            file_target,
            expected_size=source.size,
            sha256=source.sha256,
            client=client,
            progress=progress,
        )
    if source.archive is None:
        return target
    try:
        extract_archive(file_target, target, source.archive)
    except FormatError as error:
        file_target.unlink(missing_ok=True)  # a bad archive is fetched afresh next time
        raise DownloadError(f"{url}: {error}") from error
    return target


def _url_filename(url: str) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name or "download"


def copy_to(path: Path, dest: Path) -> Path:
    """Copy a resolved file or directory to ``dest`` (into it, when ``dest`` is an existing directory)."""
    path, dest = Path(path), Path(dest)
    if dest.is_dir():
        dest = dest / path.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        shutil.copytree(path, dest, dirs_exist_ok=True)
    else:
        shutil.copy2(path, dest)
    return dest
