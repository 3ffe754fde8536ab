"""Random small affine warps of MNIST-style image batches (rotation, shift, scale), on the fly in torch."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

ROTATE = 10.0  # +- degrees
SHIFT = 2.0  # +- pixels (of 28) in x and y
SCALE = 0.1  # +- relative zoom


def random_affine(
    x: torch.Tensor,
    generator: torch.Generator | None = None,
    *,
    rotate: float = ROTATE,
    shift: float = SHIFT,
    scale: float = SCALE,
) -> torch.Tensor:
    """Warp each (N, C, H, W) image by its own random rotation, shift and zoom (bilinear, zero fill)."""
    n, _, h, _ = x.shape

    def uniform(limit: float) -> torch.Tensor:
        return (torch.rand(n, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(rotate))
    zoom = 1 + uniform(scale)
    tx, ty = uniform(2 * shift / h), uniform(2 * shift / h)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
