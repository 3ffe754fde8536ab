"""PSNR and SSIM against known values; the classical baseline keeps the size and helps on grain."""

from __future__ import annotations

import math

import numpy as np
import pytest

from inkling.restore.baseline import ClassicalRestorer, estimate_chroma_shift
from inkling.restore.imageops import rgb_to_yuv, shift_rows
from inkling.restore.metrics import PSNR_CAP, psnr, ssim


def _image(seed: int = 0, shape: tuple[int, int, int] = (40, 50, 3)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    base = 0.5 + 0.3 * np.sin(x / 4.0)[..., None] * np.cos(y / 5.0)[..., None]
    return np.clip(base + 0.05 * rng.random(shape), 0, 1).astype(np.float32)


def test_identical_images() -> None:
    image = _image()
    assert psnr(image, image) == PSNR_CAP
    assert ssim(image, image) == pytest.approx(1.0, abs=1e-9)


def test_psnr_of_known_error() -> None:
    image = np.full((20, 20, 3), 0.5)
    assert psnr(image, image + 0.1) == pytest.approx(20.0, abs=1e-4)  # MSE 0.01 -> 20 dB
    noisy = image + np.random.default_rng(0).choice([-0.05, 0.05], size=image.shape)
    assert psnr(image, noisy) == pytest.approx(10 * math.log10(1 / 0.0025), abs=1e-4)  # 26.02 dB


def test_psnr_uint8_is_scaled() -> None:
    a = np.zeros((8, 8, 3), np.uint8)
    assert psnr(a, a + 51) == pytest.approx(20 * math.log10(255 / 51), abs=1e-6)


def test_ssim_of_constant_offset_matches_formula() -> None:
    # constant images: SSIM = luminance term only = (2 mu_a mu_b + c1) / (mu_a^2 + mu_b^2 + c1)
    a, b = np.full((16, 16), 0.4), np.full((16, 16), 0.6)
    c1 = (0.01) ** 2
    assert ssim(a, b) == pytest.approx((2 * 0.4 * 0.6 + c1) / (0.4**2 + 0.6**2 + c1), abs=1e-6)


def test_ssim_drops_with_noise_and_is_symmetric() -> None:
    image = _image()
    noisy = np.clip(image + 0.1 * np.random.default_rng(1).standard_normal(image.shape), 0, 1)
    value = ssim(image, noisy)
    assert 0.0 < value < 0.9
    assert ssim(noisy, image) == pytest.approx(value)


def test_size_errors() -> None:
    with pytest.raises(ValueError):
        psnr(np.zeros((4, 4, 3)), np.zeros((4, 5, 3)))
    with pytest.raises(ValueError):
        ssim(np.zeros((5, 5, 3)), np.zeros((5, 5, 3)))


def test_chroma_shift_is_found() -> None:
    image = np.zeros((30, 60, 3), np.float32)
    image[:, 20:40] = [0.9, 0.1, 0.2]
    yuv = rgb_to_yuv(image)
    yuv[..., 1:] = shift_rows(yuv[..., 1:], np.full(30, 3.0))
    assert estimate_chroma_shift(yuv) == 3


def test_baseline_keeps_size_and_reduces_noise() -> None:
    image = _image(shape=(41, 53, 3))
    noisy = np.clip(image + 0.08 * np.random.default_rng(2).standard_normal(image.shape), 0, 1).astype(
        np.float32
    )
    out = ClassicalRestorer()(noisy)
    assert out.shape == image.shape
    assert psnr(image, out) > psnr(image, noisy)
