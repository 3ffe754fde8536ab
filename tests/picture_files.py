"""Picture files for upload tests: real, decodable PNGs, and PNGs whose header claims any size."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def real_png(width: int, height: int) -> bytes:
    """A real, decodable grey PNG (a gradient, so that it compresses)."""
    row = (np.arange(width) % 256).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(np.tile(row, (height, 1))).save(buffer, format="PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (its pixel data is a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
