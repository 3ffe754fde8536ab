"""Motion-compensated temporal denoising: grain is new in every frame, the picture is not.

For a frame and its neighbours (same-parity fields of an interlaced capture, or whole frames):

1. **motion**: a global translation by phase correlation of the luma, then block matching at half
   resolution (``block`` px blocks, ±``search`` half-res px around the global shift, a small penalty
   for leaving it, a parabola through the best cost for sub-pixel precision), so pans and zooms and
   local movement are followed; the block field is interpolated to every pixel;
2. **warp** each neighbour onto the frame (bilinear; pixels that come from outside the frame count 0);
3. **robust average**: per pixel and colour channel, the local mean squared difference between the
   warped neighbour and the frame, against the difference's own noise level (robust, from its
   median): where they agree as two noisy copies of one picture do, the neighbour counts fully;
   where the difference is ``reject`` times the noise or more (a motion the blocks missed, an
   occlusion, a scene cut), not at all; the least trusting channel decides (two pictures of equal
   luma may differ in colour). That noise level is capped by the frame's own (a robust estimate
   across lines): after a scene cut the whole difference is picture, and its median must not pass
   for noise.

A clean frame has no noise to average, so every neighbour that is not aligned to a fraction of a pixel
gets weight 0 and the frame comes out almost as it went in. NumPy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # BT.601 luma weights
MAD_TO_STD = 1.4826  # median absolute deviation to standard deviation (Gaussian)


@dataclass(frozen=True)
class TemporalConfig:
    """How many neighbours, how motion is searched and how strictly a neighbour must agree."""

    radius: int = 2  # neighbours on each side (2: five frames averaged at most)
    block: int = 16  # block side (full-resolution px) of the motion search
    search: int = 3  # search range (half-resolution px, so ±2x full-res) around the global shift
    penalty: float = 0.002  # cost per half-res px away from the global shift (steadies flat blocks)
    window: int = 2  # radius (px) of the square window of the local agreement measure
    accept: float = 1.5  # agreement ratio (local squared difference / its noise) still fully trusted
    reject: float = 3.5  # ratio from which a neighbour is not used at all
    noise_cap: float = 4.0  # the difference's noise variance is at most this times 2x the frame's own


def luma(image: np.ndarray) -> np.ndarray:
    """BT.601 luma (H, W) of a float RGB image."""
    return np.asarray(image, dtype=np.float32) @ LUMA


def _half(plane: np.ndarray) -> np.ndarray:
    """2x2 mean pooling (odd trailing row/column dropped)."""
    h, w = plane.shape[0] // 2 * 2, plane.shape[1] // 2 * 2
    p = plane[:h, :w]
    return 0.25 * (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2])


def global_shift(reference: np.ndarray, moving: np.ndarray) -> tuple[int, int]:
    """Integer (dy, dx) with ``moving[y + dy, x + dx] ~ reference[y, x]``, by phase correlation."""
    h, w = reference.shape
    window = np.outer(np.hanning(h), np.hanning(w)).astype(np.float32)
    a = np.fft.rfft2((reference - reference.mean()) * window)
    b = np.fft.rfft2((moving - moving.mean()) * window)
    cross = np.conj(a) * b
    corr = np.fft.irfft2(cross / np.maximum(np.abs(cross), 1e-9), s=(h, w))
    dy, dx = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return int(dy if dy <= h // 2 else dy - h), int(dx if dx <= w // 2 else dx - w)


def _box_mean(plane: np.ndarray, radius: int) -> np.ndarray:
    """Mean over the (2 radius + 1)^2 window around each pixel (edges replicated), by summed areas."""
    k = 2 * radius + 1
    padded = np.pad(plane, radius + 1, mode="edge")[1:, 1:]
    padded[0, :] = 0
    padded[:, 0] = 0
    table = padded.cumsum(0).cumsum(1)
    h, w = plane.shape
    return (
        table[k:, k:][:h, :w] - table[:-k, k:][:h, :w] - table[k:, :-k][:h, :w] + table[:-k, :-k][:h, :w]
    ) / (k * k)


def _parabola(left: np.ndarray, mid: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Sub-pixel offset (-0.5..0.5) of a minimum from three costs around it."""
    curvature = left - 2 * mid + right
    offset = np.where(curvature > 1e-9, 0.5 * (left - right) / np.maximum(curvature, 1e-9), 0.0)
    return np.clip(offset, -0.5, 0.5)


def block_motion(
    reference: np.ndarray, moving: np.ndarray, config: TemporalConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Per-block (dy, dx) in full-resolution px, each (rows, cols) of blocks of ``config.block`` px."""
    ref, mov = _half(reference), _half(moving)
    gy, gx = global_shift(ref, mov)
    b = max(2, config.block // 2)
    rows, cols = ref.shape[0] // b, ref.shape[1] // b
    r = config.search
    costs = np.empty((2 * r + 1, 2 * r + 1, rows, cols), dtype=np.float32)
    inner = ref[: rows * b, : cols * b]
    pad = r + max(abs(gy), abs(gx))
    padded = np.pad(mov, pad, mode="edge")  # shifted views are slices of it
    for i, dy in enumerate(range(-r, r + 1)):
        for j, dx in enumerate(range(-r, r + 1)):
            y0, x0 = pad + gy + dy, pad + gx + dx
            diff = np.abs(padded[y0 : y0 + rows * b, x0 : x0 + cols * b] - inner)
            costs[i, j] = diff.reshape(rows, b, cols, b).mean(axis=(1, 3))
            costs[i, j] += config.penalty * (abs(dy) + abs(dx))
    flat = costs.reshape(-1, rows, cols)
    best = flat.argmin(axis=0)
    bi, bj = np.divmod(best, 2 * r + 1)
    ci, cj = np.clip(bi, 1, 2 * r - 1), np.clip(bj, 1, 2 * r - 1)
    yy, xx = np.indices((rows, cols))
    sub_y = np.where(
        bi == ci, _parabola(costs[ci - 1, cj, yy, xx], costs[ci, cj, yy, xx], costs[ci + 1, cj, yy, xx]), 0
    )
    sub_x = np.where(
        bj == cj, _parabola(costs[ci, cj - 1, yy, xx], costs[ci, cj, yy, xx], costs[ci, cj + 1, yy, xx]), 0
    )
    flow_y = 2.0 * (gy + bi - r + sub_y)
    flow_x = 2.0 * (gx + bj - r + sub_x)
    return flow_y.astype(np.float32), flow_x.astype(np.float32)


def _dense(field: np.ndarray, size: int, block: int) -> np.ndarray:
    """A per-block field interpolated (bilinear, between block centres) to ``size`` pixels."""
    centres = (np.arange(field.shape[0]) + 0.5) * block
    return np.stack([np.interp(np.arange(size), centres, field[:, c]) for c in range(field.shape[1])], 1)


def dense_flow(
    flow: tuple[np.ndarray, np.ndarray], height: int, width: int, block: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel (dy, dx) fields from per-block ones."""
    out = []
    for field in flow:
        rows = _dense(field, height, block)  # (height, cols)
        out.append(_dense(rows.T, width, block).T.astype(np.float32))
    return out[0], out[1]


def warp(image: np.ndarray, flow_y: np.ndarray, flow_x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``image`` sampled at (y + dy, x + dx) bilinearly, mask of pixels sampled inside the image)."""
    h, w = image.shape[:2]
    ys = np.arange(h, dtype=np.float32)[:, None] + flow_y
    xs = np.arange(w, dtype=np.float32)[None, :] + flow_x
    inside = (ys >= 0) & (ys <= h - 1) & (xs >= 0) & (xs <= w - 1)
    ys, xs = np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1)
    y0, x0 = np.minimum(ys.astype(np.int32), h - 2), np.minimum(xs.astype(np.int32), w - 2)
    fy, fx = (ys - y0)[..., None], (xs - x0)[..., None]
    flat = image.reshape(h * w, -1)
    index = y0 * w + x0  # gathers from the flattened image (much faster than 2-D fancy indexing)
    top = flat.take(index, axis=0) * (1 - fx) + flat.take(index + 1, axis=0) * fx
    bottom = flat.take(index + w, axis=0) * (1 - fx) + flat.take(index + w + 1, axis=0) * fx
    return (top * (1 - fy) + bottom * fy).reshape(image.shape).astype(np.float32), inside


def noise_sigma(plane: np.ndarray) -> float:
    """Noise standard deviation of a plane, robustly from its vertical second difference.

    Vertical, because tape grain is smeared along the lines but new on every line; the median makes
    edges count little.
    """
    second = (plane[:-2] - 2 * plane[1:-1] + plane[2:])[:, ::3]  # a third of the columns is plenty
    return MAD_TO_STD * float(np.median(np.abs(second))) / np.sqrt(6.0)  # the kernel's norm is sqrt(6)


def agreement_weight(
    frame: np.ndarray, warped: np.ndarray, config: TemporalConfig, frame_sigmas: list[float]
) -> np.ndarray:
    """Per-pixel weight 0..1 of a warped neighbour: 1 where it differs from the frame only by noise."""
    diff = warped - frame
    weight = np.ones(frame.shape[:2], dtype=np.float32)
    for c, sigma in enumerate(frame_sigmas):
        d = diff[..., c]
        sample = d[::2, ::3]  # a robust level needs no more than a sixth of the pixels
        noise_var = (MAD_TO_STD * float(np.median(np.abs(sample - np.median(sample))))) ** 2
        noise_var = min(noise_var, config.noise_cap * 2 * sigma**2) + 1e-8
        ratio = _box_mean(d * d, config.window) / noise_var
        weight = np.minimum(weight, (config.reject - ratio) / (config.reject - config.accept))
    return np.clip(weight, 0.0, 1.0)


def denoise_frame(
    frames: Sequence[np.ndarray], centre: int, config: TemporalConfig | None = None
) -> np.ndarray:
    """Frame ``centre`` of float RGB 0..1 ``frames`` averaged with its motion-compensated neighbours."""
    config = config or TemporalConfig()
    frame = np.asarray(frames[centre], dtype=np.float32)
    h, w = frame.shape[:2]
    if len(frames) < 2 or h < 2 * config.block or w < 2 * config.block:
        return frame
    frame_luma = luma(frame)
    sigmas = [noise_sigma(frame[..., c]) for c in range(3)]
    total = frame.copy()
    weights = np.ones((h, w), dtype=np.float32)
    for index, neighbour in enumerate(frames):
        if index == centre or abs(index - centre) > config.radius:
            continue
        neighbour = np.asarray(neighbour, dtype=np.float32)
        half = max(2, config.block // 2)
        flow = dense_flow(block_motion(frame_luma, luma(neighbour), config), h, w, 2 * half)
        warped, inside = warp(neighbour, *flow)
        weight = agreement_weight(frame, warped, config, sigmas) * inside
        total += warped * weight[..., None]
        weights += weight
    return total / weights[..., None]
