"""Classical restoration baseline: chroma realignment, median-filtered luma, blurred chroma."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from inkling.restore.imageops import blur, rgb_to_yuv, shift_rows, to_float, to_uint8, yuv_to_rgb

MAX_CHROMA_SHIFT = 8  # largest chroma delay (px) searched for


def estimate_chroma_shift(yuv: np.ndarray, max_shift: int = MAX_CHROMA_SHIFT) -> int:
    """The horizontal delay (px, > 0: chroma right of luma) that lines chroma edges up with luma edges."""
    luma_edges = np.abs(np.diff(yuv[..., 0], axis=1))
    chroma_edges = np.abs(np.diff(yuv[..., 1], axis=1)) + np.abs(np.diff(yuv[..., 2], axis=1))
    luma_edges = luma_edges - luma_edges.mean()
    chroma_edges = chroma_edges - chroma_edges.mean()
    width = luma_edges.shape[1]
    best, best_score = 0, -np.inf
    for shift in range(-max_shift, max_shift + 1):
        if width - abs(shift) < 8:
            continue
        if shift >= 0:
            score = np.mean(luma_edges[:, : width - shift] * chroma_edges[:, shift:])
        else:
            score = np.mean(luma_edges[:, -shift:] * chroma_edges[:, : width + shift])
        if score > best_score:
            best, best_score = shift, score
    return best


@dataclass
class ClassicalRestorer:
    """Undo the chroma delay, median-filter luma, blur chroma; ``__call__`` maps RGB to float RGB 0..1."""

    median_size: int = 3  # luma median window (odd; 0 = off)
    chroma_sigma: float = 1.5  # Gaussian sigma (px) of the chroma blur
    realign: bool = True  # estimate and undo the chroma delay

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """Restore one RGB image (uint8 or float 0..1)."""
        yuv = rgb_to_yuv(to_float(image))
        if self.realign:
            shift = estimate_chroma_shift(yuv)
            yuv[..., 1:] = shift_rows(yuv[..., 1:], np.full(yuv.shape[0], -float(shift)))
        if self.median_size > 1:
            luma = Image.fromarray(to_uint8(yuv[..., 0])).filter(ImageFilter.MedianFilter(self.median_size))
            yuv[..., 0] = np.asarray(luma, dtype=np.float32) / 255.0
        if self.chroma_sigma > 0:
            yuv[..., 1:] = blur(yuv[..., 1:], self.chroma_sigma, self.chroma_sigma)
        return np.clip(yuv_to_rgb(yuv), 0.0, 1.0)
