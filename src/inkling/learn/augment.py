"""Augmentation: stroke-level (affine, point jitter, stroke dropout, prefixes) and small bitmap affine."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from inkling.ink.model import Ink, Stroke

MAX_SCALE = 0.12  # +- relative change of each axis' scale
MAX_SHEAR = 0.15  # +- shear factor
MAX_ROTATE = 12.0  # +- degrees of rotation (strokes only; bitmaps are never rotated)
JITTER = 0.006  # point noise, as a fraction of the drawing's larger extent
STROKE_DROP = 0.08  # chance to drop each stroke (never the last one left)


def affine_ink(ink: Ink, rng: np.random.Generator, *, jitter: float = JITTER) -> Ink:
    """A randomly scaled/sheared/rotated copy of ``ink`` with point jitter; times are kept."""
    pts = np.concatenate([s.points for s in ink])
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    extent = float(max((pts.max(axis=0) - pts.min(axis=0)).max(), 1.0))
    angle = np.deg2rad(rng.uniform(-MAX_ROTATE, MAX_ROTATE))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shear = np.array([[1.0, rng.uniform(-MAX_SHEAR, MAX_SHEAR)], [0.0, 1.0]])
    scale = np.diag(1 + rng.uniform(-MAX_SCALE, MAX_SCALE, size=2))
    matrix = rot @ shear @ scale
    strokes = []
    for s in ink:
        p = (s.points - centre) @ matrix.T + centre
        p = p + rng.normal(0.0, jitter * extent, size=p.shape)
        strokes.append(Stroke(p[:, 0], p[:, 1], s.ts))
    return Ink(tuple(strokes))


def drop_strokes(ink: Ink, rng: np.random.Generator, p: float = STROKE_DROP) -> Ink:
    """Drop each stroke with probability ``p``, keeping at least one and the order of the rest."""
    keep = [s for s in ink if rng.random() >= p]
    return Ink(tuple(keep)) if keep else Ink((ink[int(rng.integers(len(ink)))],))


def prefix(ink: Ink, k: int) -> Ink:
    """The first ``k`` strokes (1 <= k <= len(ink))."""
    if not 1 <= k <= len(ink):
        raise ValueError(f"prefix length {k} outside 1..{len(ink)}")
    return Ink(ink.strokes[:k])


def augment_ink(ink: Ink, rng: np.random.Generator) -> Ink:
    """Stroke dropout then a random affine with jitter."""
    return affine_ink(drop_strokes(ink, rng) if len(ink) > 2 else ink, rng)


def random_prefix_length(n: int, rng: np.random.Generator) -> int:
    """A prefix length in 1..n-1 (n when the drawing has one stroke)."""
    return n if n <= 1 else int(rng.integers(1, n))


def affine_bitmaps(
    x: torch.Tensor, generator: torch.Generator, scale: float = 0.1, shift: float = 0.08
) -> torch.Tensor:
    """Small random zoom and translation of an NCHW batch (no rotation, no flip); bilinear, zero fill."""
    n = x.shape[0]
    s = 1 + (torch.rand(n, generator=generator) * 2 - 1) * scale
    t = (torch.rand(n, 2, generator=generator) * 2 - 1) * shift * 2
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = 1 / s
    theta[:, 1, 1] = 1 / s
    theta[:, :, 2] = t
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
