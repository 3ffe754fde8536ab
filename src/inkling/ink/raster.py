"""Rasterise simplified ink to an NxN uint8 bitmap the way Google made ``numpy_bitmap``.

Reference: the cairo recipe of quickdraw-dataset issue #19 (256 px source canvas, line diameter 16,
padding 16, round caps and joins, anti-aliased, drawing centred on its bounding-box maximum, white
on black). Here without cairo: each stroke is drawn as quads plus disks (round caps/joins) on a
supersampled Pillow canvas, box-downsampled, and strokes are composited with "over" like cairo.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from inkling.ink.model import Ink

ORIGINAL_SIDE = 256.0  # side of the simplified drawing's frame (coordinates 0..255)
LINE_DIAMETER = 16.0  # pen width, in units of the 256 frame
PADDING = 16.0  # margin around the drawing, in units of the 256 frame
TOTAL_PADDING = 2 * PADDING + LINE_DIAMETER  # 48: the 256 frame plus this maps onto the bitmap side
SUPERSAMPLED_SIDE = 672  # supersample so the canvas is about this wide (fidelity vs speed)
# Pillow fills polygons and ellipses edge-inclusively, about 3/8 sub-pixel fatter than the exact
# shape; shrinking the pen radius by this much removes the bias (tuned on Google's bitmaps).
EDGE_BIAS = 0.375


def default_supersample(size: int) -> int:
    """Supersampling factor for a bitmap of side ``size`` (24 for 28 px, 11 for 64, 6 for 128)."""
    return max(2, -(-SUPERSAMPLED_SIDE // size))


def _stroke_polygons(xs: np.ndarray, ys: np.ndarray, radius: float) -> list[list[tuple[float, float]]]:
    """The quads that thicken each non-degenerate segment of a polyline to ``2 * radius``."""
    dx, dy = np.diff(xs), np.diff(ys)
    length = np.hypot(dx, dy)
    moving = length > 0
    nx = np.zeros_like(dx)
    ny = np.zeros_like(dy)
    nx[moving] = -dy[moving] / length[moving] * radius
    ny[moving] = dx[moving] / length[moving] * radius
    x0, y0, x1, y1 = xs[:-1], ys[:-1], xs[1:], ys[1:]
    corners = np.stack([x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny], axis=1)[
        moving
    ]
    return [list(zip(row[0::2], row[1::2], strict=True)) for row in corners.tolist()]


def rasterise(ink: Ink, size: int = 28, supersample: int | None = None) -> np.ndarray:
    """Render simplified ink (coordinates 0..255) to a (size, size) uint8 bitmap, white strokes on black."""
    if size < 1:
        raise ValueError(f"size must be a positive number of pixels, got {size}")
    factor = supersample or default_supersample(size)
    big = size * factor
    scale = big / (ORIGINAL_SIDE + TOTAL_PADDING)
    radius = max(LINE_DIAMETER / 2 * scale - EDGE_BIAS, 0.5)
    highest = np.array([[s.xs.max(), s.ys.max()] for s in ink]).max(axis=0)
    # centre the drawing: cairo adds ((256, 256) - bbox_max) / 2, then translates by total_padding / 2
    ox, oy = (ORIGINAL_SIDE - highest) / 2 + TOTAL_PADDING / 2
    canvas = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(canvas)
    coverage = np.zeros((size, size), dtype=np.float32)
    margin = radius + 2
    for stroke in ink:
        xs = (stroke.xs + ox) * scale
        ys = (stroke.ys + oy) * scale
        for polygon in _stroke_polygons(xs, ys, radius):
            draw.polygon(polygon, fill=255)
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
        # downsample only the stroke's neighbourhood (aligned to whole output pixels), then clear it
        left = max(int((xs.min() - margin) // factor), 0)
        top = max(int((ys.min() - margin) // factor), 0)
        right = min(int((xs.max() + margin) // factor) + 1, size)
        bottom = min(int((ys.max() + margin) // factor) + 1, size)
        if right <= left or bottom <= top:
            continue
        box = (left * factor, top * factor, right * factor, bottom * factor)
        layer = np.asarray(canvas.crop(box).reduce(factor), dtype=np.float32) / 255.0
        region = coverage[top:bottom, left:right]
        region += layer * (1.0 - region)  # cairo's OVER of one stroke onto the ones before
        draw.rectangle(box, fill=0)
    return np.round(coverage * 255.0).astype(np.uint8)
