"""NumPy image helpers for the simulator and baseline: YUV, resampling, JPEG (filters from ``inference``)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from inkling.inference.filters import blur, filter1d, gaussian_kernel, shift_rows

__all__ = [  # the 1-D filters live with the serving code (numpy only); re-exported for the simulator
    "blur", "filter1d", "gaussian_kernel", "jpeg_roundtrip", "resize", "rgb_to_yuv", "shift_rows",
    "to_float", "to_uint8", "yuv_to_rgb",
]  # fmt: skip

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
