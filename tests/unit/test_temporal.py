"""Motion-compensated temporal denoising: beats one frame on a noisy pan, leaves a clean frame alone."""

from __future__ import annotations

import numpy as np

from inkling.inference.fields import split_fields, to_square_pixels, weave
from inkling.inference.temporal import TemporalConfig, block_motion, denoise_frame, global_shift, luma
from inkling.restore.metrics import psnr


def _scene(seed: int = 0) -> np.ndarray:
    """A smooth random picture with edges (blurred blocks), float RGB 0..1, 200x260."""
    rng = np.random.default_rng(seed)
    coarse = rng.random((20, 26, 3)).astype(np.float32)
    big = np.kron(coarse, np.ones((10, 10, 1), dtype=np.float32))
    return 0.15 + 0.7 * big


def _pan(frames: int = 5, step: tuple[int, int] = (2, 3)) -> list[np.ndarray]:
    scene = _scene()
    return [
        scene[20 + step[0] * t : 148 + step[0] * t, 30 + step[1] * t : 190 + step[1] * t]
        for t in range(frames)
    ]


def test_global_shift_finds_the_pan() -> None:
    clean = _pan()
    # clean[2][y - 2, x - 3] == clean[1][y, x]
    assert global_shift(luma(clean[1]), luma(clean[2])) == (-2, -3)
    flow_y, flow_x = block_motion(luma(clean[2]), luma(clean[3]), TemporalConfig())
    assert abs(np.median(flow_y) + 2.0) < 0.5 and abs(np.median(flow_x) + 3.0) < 0.5  # half-res search


def test_multi_frame_beats_single_frame_on_a_noisy_pan() -> None:
    clean = _pan()
    rng = np.random.default_rng(1)
    noisy = [np.clip(c + rng.normal(0, 0.06, c.shape), 0, 1).astype(np.float32) for c in clean]
    single = psnr(clean[2], noisy[2])
    multi = psnr(clean[2], denoise_frame(noisy, 2))
    assert multi > single + 4.0, (single, multi)
    one_side = psnr(clean[0], denoise_frame(noisy, 0))  # the first frame has neighbours on one side only
    assert one_side > psnr(clean[0], noisy[0]) + 2.0


def test_a_clean_frame_stays_as_it_was() -> None:
    clean = _pan()
    assert psnr(clean[2], denoise_frame(clean, 2)) > 45.0


def test_a_scene_cut_is_not_averaged_in() -> None:
    clean = _pan()
    other = _scene(seed=9)[:128, :160]
    rng = np.random.default_rng(2)
    frames = [
        np.clip(f + rng.normal(0, 0.03, f.shape), 0, 1).astype(np.float32) for f in (*clean[:3], other, other)
    ]
    out = denoise_frame(frames, 2)
    assert psnr(clean[2], out) > psnr(clean[2], frames[2])  # the two frames after the cut do not leak in


def test_fields_weave_back_and_square_pixels() -> None:
    frame = (np.arange(576 * 720 * 3) % 251).astype(np.uint8).reshape(576, 720, 3)
    top, bottom = split_fields(frame)
    assert top.shape == bottom.shape == (288, 720, 3)
    assert np.array_equal(weave(top, bottom), frame)
    assert to_square_pixels(frame).shape == (576, 768, 3)
