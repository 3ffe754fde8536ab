"""Stroke-derived input channels (numpy + Pillow): stroke order/recency next to the plain bitmap.

A channel is (size, size) float32 in 0..1, drawn with the same frame as :func:`inkling.ink.rasterise`
(256 frame + padding, drawing centred on its bounding-box maximum). When only a bitmap is known the
stroke channels are zeros (:func:`bitmap_channels`), which models trained with channel dropout accept.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from inkling.ink.model import Ink
from inkling.ink.raster import LINE_DIAMETER, ORIGINAL_SIDE, TOTAL_PADDING, rasterise

SUPERSAMPLE = 4  # supersampling factor of the recency canvas (coarser than the bitmap: it is a hint)
RECENCY_FLOOR = 0.25  # value of the first stroke; the last stroke is 1.0, linear in between
STROKE_CHANNELS = 1  # extra channels produced by :func:`recency_channel`


def recency_channel(ink: Ink, size: int = 28) -> np.ndarray:
    """Each stroke painted with its recency (first = ``RECENCY_FLOOR``, last = 1), later strokes on top."""
    big = size * SUPERSAMPLE
    scale = big / (ORIGINAL_SIDE + TOTAL_PADDING)
    width = max(round(LINE_DIAMETER * scale), 1)
    highest = np.array([[s.xs.max(), s.ys.max()] for s in ink]).max(axis=0)
    ox, oy = (ORIGINAL_SIDE - highest) / 2 + TOTAL_PADDING / 2
    canvas = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(canvas)
    n = len(ink)
    for index, stroke in enumerate(ink):
        value = 1.0 if n == 1 else RECENCY_FLOOR + (1 - RECENCY_FLOOR) * index / (n - 1)
        points = list(
            zip(((stroke.xs + ox) * scale).tolist(), ((stroke.ys + oy) * scale).tolist(), strict=True)
        )
        fill = round(255 * value)
        if len(points) > 1:
            draw.line(points, fill=fill, width=width, joint="curve")
        for x, y in points[:: max(len(points) - 1, 1)]:
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=fill)
    small = canvas.reduce(SUPERSAMPLE) if SUPERSAMPLE > 1 else canvas
    return np.asarray(small, dtype=np.float32) / 255.0


def ink_channels(ink: Ink, size: int = 28) -> np.ndarray:
    """(1 + STROKE_CHANNELS, size, size) float32: the official-style bitmap (0..1) and stroke recency."""
    bitmap = rasterise(ink, size).astype(np.float32) / 255.0
    return np.stack([bitmap, recency_channel(ink, size)])


def bitmap_channels(bitmap: np.ndarray) -> np.ndarray:
    """Channels for a bare uint8 or 0..1 bitmap: the bitmap and zero stroke channels."""
    image = np.asarray(bitmap, dtype=np.float32)
    if image.max(initial=0.0) > 1.0:
        image = image / 255.0
    zeros = np.zeros((STROKE_CHANNELS, *image.shape), dtype=np.float32)
    return np.concatenate([image[None], zeros])
