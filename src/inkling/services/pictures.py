"""Uploaded pictures: opened lazily and refused by the size in their header, before any pixel is decoded.

A picture file states its width and height in a few header bytes, which Pillow's lazy ``Image.open``
reads without decoding anything. A tiny file can claim a huge or absurdly thin picture (a 16 KB PNG
of 16,777,216x1 pixels held a restore worker for minutes at 13 GB; a 20000x20000 PNG made Pillow
raise its decompression-bomb error, a 500): :func:`open_picture` refuses those from the header.
The digit and restore APIs share it, each with its own :class:`PictureLimits`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

# the first bytes of each Pillow format we accept (WEBP: b"RIFF" + size + b"WEBP"): a file that
# starts like one but fails to decode is corrupt (400), anything else is not a picture (415)
SIGNATURES = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "BMP": (b"BM",),
    "TIFF": (b"II*\x00", b"MM\x00*"),
    "WEBP": (b"RIFF",),
}


@dataclass(frozen=True)
class PictureLimits:
    """What a route accepts: at most ``max_pixels``, sides within ``max_aspect`` : 1, each >= ``min_side``."""

    max_pixels: int
    max_aspect: float
    min_side: int


class PictureRefused(ValueError):
    """An upload the server will not decode; ``status`` is the HTTP status that fits, ``str()`` why."""

    status = 422


class ImageTooLarge(PictureRefused):
    """More pixels than the limit (413)."""

    status = 413


class BadImageShape(PictureRefused):
    """Too thin or too small a picture (422): its tiles would cost far more than its pixels."""

    status = 422


class NotAnImage(PictureRefused):
    """The bytes are not a picture in an accepted format (415)."""

    status = 415


class CorruptImage(PictureRefused):
    """The bytes start like a picture but cannot be decoded (400)."""

    status = 400


def looks_like(data: bytes, formats: Sequence[str]) -> bool:
    """Whether ``data`` starts with the signature of one of ``formats`` (then failing to decode = corrupt)."""
    for name in formats:
        if data.startswith(SIGNATURES[name]) and (name != "WEBP" or data[8:12] == b"WEBP"):
            return True
    return False


def check_size(width: int, height: int, limits: PictureLimits) -> None:
    """:class:`ImageTooLarge` or :class:`BadImageShape` unless ``width`` x ``height`` fits ``limits``."""
    if width * height > limits.max_pixels:
        raise ImageTooLarge(
            f"The image has {width}x{height} pixels; the limit is {limits.max_pixels} pixels in all."
        )
    if min(width, height) < limits.min_side:
        raise BadImageShape(
            f"The image is {width}x{height} pixels; each side must be at least {limits.min_side} pixels."
        )
    if max(width, height) > limits.max_aspect * min(width, height):
        raise BadImageShape(
            f"The image is {width}x{height} pixels; the longer side may be at most "
            f"{limits.max_aspect:g} times the shorter."
        )


def open_picture(data: bytes, formats: Sequence[str], limits: PictureLimits) -> Image.Image:
    """``data`` opened lazily (no pixel decoded yet) once its header's size fits ``limits``; close it after.

    Raises :class:`NotAnImage`, :class:`CorruptImage`, :class:`ImageTooLarge` or :class:`BadImageShape`.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=list(formats))
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours: the header is enough
        raise ImageTooLarge(f"The image has more than {limits.max_pixels} pixels, the limit.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        if looks_like(data, formats):
            raise CorruptImage(f"The image could not be decoded: {error}") from None
        raise NotAnImage(f"The upload is not a {' or '.join(formats)} picture.") from None
    try:
        check_size(image.width, image.height, limits)
    except PictureRefused:
        image.close()
        raise
    return image


def decode_rgb(image: Image.Image) -> np.ndarray:
    """The pixels of an opened picture as RGB uint8 (H, W, 3); :class:`CorruptImage` if they do not decode."""
    try:
        image.load()
        return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise CorruptImage(f"The image could not be decoded: {error}") from None
