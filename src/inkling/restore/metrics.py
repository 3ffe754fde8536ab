"""Image quality metrics in NumPy: PSNR and Gaussian-window SSIM (Wang, Bovik, Sheikh, Simoncelli 2004)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from inkling.restore.imageops import gaussian_kernel, to_float

PSNR_CAP = 100.0  # dB reported for identical images (instead of infinity)
SSIM_WINDOW = 11  # Gaussian window size of the paper
SSIM_SIGMA = 1.5  # Gaussian window sigma of the paper
SSIM_K1, SSIM_K2 = 0.01, 0.03  # stabilising constants of the paper


def psnr(
    reference: np.ndarray, image: np.ndarray, *, data_range: float = 1.0, cap: float = PSNR_CAP
) -> float:
    """Peak signal-to-noise ratio in dB (uint8 images are scaled to 0..1); ``cap`` for identical images."""
    a, b = to_float(reference).astype(np.float64), to_float(image).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    mse = float(np.mean((a - b) ** 2))
    if mse == 0.0:
        return cap
    return float(min(cap, 10.0 * np.log10(data_range**2 / mse)))


def _filter_valid(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Separable 'valid' correlation of (H, W, ...) with a 1-D kernel along both image axes."""
    size = len(kernel)
    rows = sliding_window_view(x, size, axis=0) @ kernel
    return sliding_window_view(rows, size, axis=1) @ kernel


def ssim(reference: np.ndarray, image: np.ndarray, *, data_range: float = 1.0) -> float:
    """Mean SSIM with an 11x11 Gaussian window (sigma 1.5), 'valid' windows only, averaged over channels."""
    a, b = to_float(reference).astype(np.float64), to_float(image).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if min(a.shape[:2]) < SSIM_WINDOW:
        raise ValueError(f"SSIM needs images of at least {SSIM_WINDOW}x{SSIM_WINDOW} pixels")
    kernel = gaussian_kernel(SSIM_SIGMA, radius=SSIM_WINDOW // 2).astype(np.float64)
    c1, c2 = (SSIM_K1 * data_range) ** 2, (SSIM_K2 * data_range) ** 2
    mu_a, mu_b = _filter_valid(a, kernel), _filter_valid(b, kernel)
    var_a = _filter_valid(a * a, kernel) - mu_a**2
    var_b = _filter_valid(b * b, kernel) - mu_b**2
    cov = _filter_valid(a * b, kernel) - mu_a * mu_b
    num = (2 * mu_a * mu_b + c1) * (2 * cov + c2)
    den = (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    return float(np.mean(num / den))
