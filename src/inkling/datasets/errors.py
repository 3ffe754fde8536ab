"""Exceptions raised while finding, downloading and reading data sets."""

from __future__ import annotations


class DataError(Exception):
    """Base class of every data-set error; its message is meant for people."""


class UnknownSourceError(DataError, KeyError):
    """A source name that is not in the catalogue."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown data source"


class MirrorOnlyError(DataError):
    """The source has no official public URL; it exists only in the local mirror."""


class SourceUnavailableError(DataError):
    """Neither the mirror, the cache nor a download could provide the source."""


class DownloadError(DataError):
    """An HTTP download failed (network error, bad status, interrupted transfer)."""


class IntegrityError(DownloadError):
    """A downloaded file has the wrong size or SHA-256; it was discarded."""


class FormatError(DataError, ValueError):
    """A file is not in the format its reader expects."""
