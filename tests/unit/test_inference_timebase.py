"""The line time-base corrector: finds known line jitter, undoes it, leaves straight pictures alone."""

from __future__ import annotations

import numpy as np
import pytest

from inkling.inference.filters import blur, shift_rows
from inkling.inference.timebase import TimebaseConfig, correct_line_jitter, estimate_line_jitter


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    """A textured RGB picture with vertical, slanted and curved structure (float32 0..1, 96x128)."""
    rng = np.random.default_rng(3)
    texture = blur(rng.random((96, 128, 3)).astype(np.float32), 2.0, 2.0)
    y, x = np.mgrid[0:96, 0:128].astype(np.float32)
    edges = ((x + 0.6 * y) % 32 < 16).astype(np.float32)[..., None]  # slanted stripes
    circle = (((x - 80) ** 2 + (y - 40) ** 2) < 400).astype(np.float32)[..., None]
    image = 0.5 * texture + 0.3 * edges + 0.2 * circle * np.array([1.0, 0.2, 0.1], np.float32)
    return np.clip(blur(image, 0.7, 0.7), 0, 1).astype(np.float32)


def test_independent_jitter_is_measured_and_undone(picture: np.ndarray) -> None:
    truth = np.random.default_rng(5).normal(0, 1.2, picture.shape[0]).clip(-2.5, 2.5).astype(np.float32)
    jittered = shift_rows(picture, truth)
    measured = estimate_line_jitter(jittered)
    inner = slice(1, -1)  # the first and last line have one neighbour: not measured
    relative = truth - np.median(truth)
    assert np.corrcoef(measured[inner], relative[inner])[0, 1] > 0.75
    corrected, _ = correct_line_jitter(jittered)
    body = (slice(2, -2), slice(8, -8))
    error_before = np.abs(jittered - picture)[body].mean()
    error_after = np.abs(corrected - picture)[body].mean()
    assert error_after < 0.75 * error_before


def test_a_picture_without_jitter_is_left_as_it_is(picture: np.ndarray) -> None:
    corrected, measured = correct_line_jitter(picture)
    assert np.sqrt(np.mean(measured**2)) < TimebaseConfig().min_rms
    assert np.array_equal(corrected, picture)


def test_tiny_pictures_and_wrong_sizes_are_not_measured() -> None:
    assert not estimate_line_jitter(np.zeros((2, 50, 3), np.float32)).any()
    assert not estimate_line_jitter(np.zeros((40, 10, 3), np.float32)).any()
    image = np.random.default_rng(0).random((5, 40, 3)).astype(np.float32)
    assert correct_line_jitter(image)[0].shape == image.shape
