"""Unpack selected members of a downloaded archive (tar, tar.gz, zip) into a directory, atomically."""

from __future__ import annotations

import shutil
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from inkling.datasets.errors import FormatError
from inkling.datasets.sources import Archive


def extract_archive(archive_path: Path, dest: Path, spec: Archive) -> int:
    """Extract the members under ``spec.member_prefix`` into ``dest``; return the number of files."""
    archive_path, dest = Path(archive_path), Path(dest)
    staging = dest.with_name(dest.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    count = 0
    try:
        for relative, stream in _members(archive_path):
            target = _target(relative, spec)
            if target is None:
                continue
            out = staging / target
            out.parent.mkdir(parents=True, exist_ok=True)
            with stream() as source, out.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            count += 1
        if count == 0:
            raise FormatError(f"{archive_path}: no members under {spec.member_prefix!r}")
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _target(member: str, spec: Archive) -> PurePosixPath | None:
    """Where a member goes below the destination, or None to skip it (wrong prefix, suffix, unsafe)."""
    if not member.startswith(spec.member_prefix):
        return None
    relative = PurePosixPath(member[len(spec.member_prefix) :])
    if not relative.parts or relative.is_absolute() or ".." in relative.parts:
        return None
    if spec.suffixes and relative.suffix.lower() not in spec.suffixes:
        return None
    return relative


def _members(path: Path) -> Iterator[tuple[str, Callable[[], IO[bytes]]]]:
    """Yield (name, opener) for every regular file in a tar or zip archive."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, lambda info=info: archive.open(info)
        return
    try:
        archive = tarfile.open(path)  # noqa: SIM115 (closed by the ``with`` below)
    except tarfile.TarError as error:
        raise FormatError(f"{path}: not a tar or zip archive ({error})") from error
    with archive:
        for member in archive:
            if member.isfile():
                yield member.name, lambda member=member: _open_tar_member(archive, member)


def _open_tar_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    stream = archive.extractfile(member)
    if stream is None:
        raise FormatError(f"cannot read {member.name} in {archive.name}")
    return stream
