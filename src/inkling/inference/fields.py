"""Interlaced PAL frames as two fields, and the square-pixel view of a PAL frame.

A PAL capture is interlaced: the even lines (top field) and the odd lines (bottom field) were scanned
20 ms apart, so on anything that moves neighbouring lines of a frame disagree. Line-wise work (the
time-base corrector, the restorer, temporal denoising) therefore runs on each field alone, and the
restored fields are woven back into a frame: the output stays interlaced like the input (no
deinterlacing: nothing is invented or thrown away; a player or a later step can deinterlace).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

PAL_SQUARE_WIDTH = 768  # 720x576 PAL (4:3, pixel aspect 16:15) shown with square pixels


def split_fields(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(top field: even lines, bottom field: odd lines) of a frame."""
    return frame[0::2], frame[1::2]


def weave(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """The frame whose even lines are ``top`` and odd lines ``bottom``."""
    frame = np.empty((top.shape[0] + bottom.shape[0], *top.shape[1:]), dtype=top.dtype)
    frame[0::2], frame[1::2] = top, bottom
    return frame


def square_width(width: int, height: int) -> int:
    """The width that shows a ``width`` x ``height`` 4:3 capture with square pixels (720x576 -> 768)."""
    return round(height * 4 / 3 / 2) * 2


def to_square_pixels(frame: np.ndarray) -> np.ndarray:
    """Resample an RGB uint8 frame horizontally to square pixels (lines are not mixed: fields stay)."""
    width = square_width(frame.shape[1], frame.shape[0])
    return np.asarray(Image.fromarray(frame).resize((width, frame.shape[0]), Image.Resampling.LANCZOS))
