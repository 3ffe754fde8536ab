"""The one ink path shared by training and serving: parse → simplify → rasterise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from inkling.ink.parse import parse_ink
from inkling.ink.raster import rasterise_arrays
from inkling.ink.simplify import simplified_arrays


def ink_to_bitmap(raw_ink: Any, size: int = 28, *, strict_times: bool = True) -> np.ndarray:
    """Parse raw or simplified Quick, Draw! ink, simplify it like Google, render a (size, size) uint8.

    The same as ``rasterise(simplify_ink(parse_ink(raw_ink)), size)``, on flat arrays throughout.
    """
    return rasterise_arrays(*simplified_arrays(parse_ink(raw_ink, strict_times=strict_times)), size)


def render_batch(drawings: Iterable[Any], size: int = 28, *, strict_times: bool = True) -> np.ndarray:
    """Render drawings (raw, simplified or ``Ink``) with ``ink_to_bitmap`` into an (N, size, size) uint8."""
    bitmaps = [ink_to_bitmap(drawing, size, strict_times=strict_times) for drawing in drawings]
    if not bitmaps:
        return np.zeros((0, size, size), dtype=np.uint8)
    return np.stack(bitmaps)
