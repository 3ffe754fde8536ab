"""NumPy image helpers for the simulator and baseline: YUV, 1-D filters, row shifts, resampling."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

# BT.601 analog YUV (the PAL colour space): rows give Y, U, V from R, G, B
RGB_TO_YUV = np.array(
    [[0.299, 0.587, 0.114], [-0.14713, -0.28886, 0.436], [0.615, -0.51499, -0.10001]], dtype=np.float32
)
YUV_TO_RGB = np.linalg.inv(RGB_TO_YUV).astype(np.float32)


def to_float(image: np.ndarray) -> np.ndarray:
    """An RGB image as float32 in 0..1 (uint8 is divided by 255)."""
    if image.dtype == np.uint8:
        return image.astype(np.float32) / np.float32(255.0)
    return np.asarray(image, dtype=np.float32)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A float 0..1 image as rounded uint8."""
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def rgb_to_yuv(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB to YUV (float32)."""
    return image @ RGB_TO_YUV.T


def yuv_to_rgb(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) YUV to RGB (float32, not clipped)."""
    return (image @ YUV_TO_RGB.T).astype(np.float32)


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


def resize(
    image: np.ndarray, width: int, height: int, resample: int = Image.Resampling.BICUBIC
) -> np.ndarray:
    """Resize a float (H, W, C) image channel by channel with Pillow (antialiased when shrinking)."""
    channels = [
        np.asarray(Image.fromarray(np.ascontiguousarray(image[..., c])).resize((width, height), resample))
        for c in range(image.shape[2])
    ]
    return np.stack(channels, axis=-1).astype(np.float32)


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    """Encode a float RGB image as JPEG at ``quality`` and decode it again."""
    buffer = io.BytesIO()
    Image.fromarray(to_uint8(image)).save(buffer, format="JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return to_float(np.asarray(decoded.convert("RGB")))
