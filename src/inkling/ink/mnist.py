"""Drawn digits in the MNIST convention: 28x28 uint8, white on black, the digit fitted into a 20x20
box (aspect ratio kept, anti-aliased) and placed so that its centre of mass is the image centre.

``ink_to_mnist`` renders raw ink (thick, round-capped strokes, supersampled for anti-aliasing);
``image_to_mnist`` does the same normalisation for a grey image of any size (e.g. an uploaded PNG).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from inkling.ink.model import Ink, InkError
from inkling.ink.parse import parse_ink

SIZE = 28  # MNIST image side
CENTRE = 14.0  # where the centre of mass goes (pixel-index coordinates; MNIST images average 14.0)
BOX = 20  # side of the box the digit is fitted into (MNIST: 20x20, aspect ratio kept)
RENDER = 160  # larger side of the drawing at render time, in pixels (supersampling)
PEN = 0.16  # pen diameter as a share of the drawing's larger side (MNIST strokes are ~2-3 px of 20)
INK_THRESHOLD = 32  # grey level above which a pixel counts as ink when cropping


def _render_strokes(ink: Ink) -> np.ndarray:
    """The strokes drawn white on black, larger side ``RENDER`` px, round pen ``PEN * RENDER`` wide."""
    points = np.concatenate([stroke.points for stroke in ink])
    low = points.min(axis=0)
    extent = float((points.max(axis=0) - low).max())
    scale = RENDER / extent if extent > 0 else 1.0
    pen = max(2.0, PEN * RENDER)
    margin = pen
    width, height = (np.ceil((points.max(axis=0) - low) * scale + 2 * margin).astype(int) + 1).tolist()
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for stroke in ink:
        xy = (stroke.points - low) * scale + margin
        coords = [(float(x), float(y)) for x, y in xy]
        if len(coords) > 1:
            draw.line(coords, fill=255, width=round(pen), joint="curve")
        for x, y in (coords[0], coords[-1]) if len(coords) > 1 else coords[:1]:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(canvas, dtype=np.uint8)


def _crop(gray: np.ndarray, threshold: int = INK_THRESHOLD) -> np.ndarray | None:
    """The bounding box of the ink in ``gray`` (white on black); ``None`` when there is none."""
    mask = gray > threshold
    if not mask.any():
        return None
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return gray[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _centre_by_mass(box: np.ndarray) -> np.ndarray:
    """Paste ``box`` into a 28x28 black image so that its centre of mass lands on the centre."""
    total = float(box.sum())
    height, width = box.shape
    if total > 0:
        ys, xs = np.indices(box.shape)
        cy, cx = float((ys * box).sum()) / total, float((xs * box).sum()) / total
    else:
        cy, cx = (height - 1) / 2, (width - 1) / 2
    top = int(np.clip(round(CENTRE - cy), 0, SIZE - height))
    left = int(np.clip(round(CENTRE - cx), 0, SIZE - width))
    out = np.zeros((SIZE, SIZE), dtype=np.uint8)
    out[top : top + height, left : left + width] = box
    return out


def fit_mnist(gray: np.ndarray) -> np.ndarray:
    """A white-on-black grey image of any size → MNIST 28x28: crop, fit into 20x20, centre by mass."""
    gray = np.asarray(gray, dtype=np.uint8)
    cropped = _crop(gray)
    if cropped is None:
        return np.zeros((SIZE, SIZE), dtype=np.uint8)
    height, width = cropped.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(cropped).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    box = np.asarray(resized, dtype=np.uint8)
    return _centre_by_mass(box)


def ink_to_mnist(raw_ink: Any, *, strict_times: bool = False) -> np.ndarray:
    """Raw (or simplified) ink of a drawn digit → (28, 28) uint8 in the MNIST convention."""
    ink = parse_ink(raw_ink, strict_times=strict_times)
    return fit_mnist(_render_strokes(ink))


def image_to_mnist(image: Image.Image | np.ndarray) -> np.ndarray:
    """A picture of one digit → MNIST 28x28 uint8.

    Light backgrounds are inverted (the border decides); a 28x28 image is taken to be MNIST-style
    already and is only inverted if needed; any other size is cropped, fitted and centred.
    """
    array = np.asarray(image.convert("L") if isinstance(image, Image.Image) else image)
    if array.ndim != 2 or array.size == 0:
        raise InkError(f"expected a 2-D grey image, got shape {array.shape}")
    array = array.astype(np.uint8, copy=False)
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    if float(border.mean()) > 127:
        array = 255 - array
    if array.shape == (SIZE, SIZE):
        return array.copy()
    return fit_mnist(array)
