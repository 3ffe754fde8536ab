"""NumPy 1-D filters and row shifts shared by serving (the line time-base corrector) and training."""

from __future__ import annotations

import numpy as np


def gaussian_kernel(sigma: float, radius: int | None = None) -> np.ndarray:
    """A normalised 1-D Gaussian kernel (radius 3 sigma by default)."""
    radius = max(1, int(np.ceil(3 * sigma))) if radius is None else radius
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (x / max(sigma, 1e-6)) ** 2)
    return (kernel / kernel.sum()).astype(np.float32)


def filter1d(image: np.ndarray, kernel: np.ndarray, axis: int, *, origin: int = 0) -> np.ndarray:
    """Correlate ``image`` with ``kernel`` along ``axis`` (edges replicated); same shape out.

    ``origin`` shifts the kernel's centre (a positive value makes the filter look left/up: causal smear).
    """
    kernel = np.asarray(kernel, dtype=np.float32)
    radius = len(kernel) // 2
    left, right = radius + origin, len(kernel) - 1 - radius - origin
    pad = [(0, 0)] * image.ndim
    pad[axis] = (max(left, 0), max(right, 0))
    padded = np.pad(image, pad, mode="edge")
    size = image.shape[axis]
    out = np.zeros_like(image, dtype=np.float32)
    start = max(left, 0) - left
    for k, weight in enumerate(kernel):
        out += weight * np.take(padded, np.arange(start + k, start + k + size), axis=axis)
    return out


def blur(image: np.ndarray, sigma_x: float, sigma_y: float = 0.0) -> np.ndarray:
    """Separable Gaussian blur with per-axis sigmas (0 = that axis untouched)."""
    out = image
    if sigma_x > 0:
        out = filter1d(out, gaussian_kernel(sigma_x), axis=1)
    if sigma_y > 0:
        out = filter1d(out, gaussian_kernel(sigma_y), axis=0)
    return out.astype(np.float32)


def shift_rows(image: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Shift each row right by ``shifts[y]`` pixels (fractional, linear interpolation, edges replicated)."""
    height, width = image.shape[:2]
    xs = np.arange(width, dtype=np.float32)[None, :] - np.asarray(shifts, dtype=np.float32)[:, None]
    x0 = np.floor(xs)
    frac = (xs - x0)[..., None] if image.ndim == 3 else xs - x0
    i0 = np.clip(x0.astype(np.int64), 0, width - 1)
    i1 = np.clip(x0.astype(np.int64) + 1, 0, width - 1)
    rows = np.arange(height)[:, None]
    return (image[rows, i0] * (1 - frac) + image[rows, i1] * frac).astype(np.float32)
