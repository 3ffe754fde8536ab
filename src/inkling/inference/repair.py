"""Exact, classical fixes of what ``inkling.inference.damage`` measured, before any network runs (NumPy only).

Each fix runs only when its estimate clears a threshold set above what undamaged photos show, so an
undamaged frame passes through bit for bit: a tear is unbent by its measured row offsets, line jitter
undone by the time-base corrector, a chroma delay shifted back, and chroma blurred beyond luma
rebuilt from luma (a luma-guided detail transfer: chroma's local linear fit on luma blurred as much as
chroma is, applied to the sharp luma).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from inkling.inference.damage import (
    CHROMA,
    Damage,
    chroma_delay_and_gain,
    chroma_of,
    estimate_chroma_sigma,
    estimate_luma_sigma,
    estimate_noise,
    estimate_tear,
    guided_fit,
    luma_of,
)
from inkling.inference.filters import filter1d, gaussian_kernel, shift_rows
from inkling.inference.timebase import LUMA, TimebaseConfig, estimate_line_jitter

# RGB from Y, U, V (the inverse of the BT.601 rows ``LUMA`` and ``CHROMA``)
YUV_TO_RGB = np.linalg.inv(np.vstack([LUMA, CHROMA])).astype(np.float32)


@dataclass(frozen=True)
class RepairConfig:
    """When each fix acts (thresholds above the estimates of undamaged BSDS500 val photos)."""

    jitter_median: float = 0.15  # median |line displacement| (px) above which lines are realigned
    jitter_per_luma_sigma: float = 0.15  # ... plus this per px of luma blur (soft lines fool the corrector)
    # ... and only when realigned lines agree with their neighbours at least this much better (share of
    # the vertical roughness): fine texture with no vertical coherence (foliage) poses as jitter, and
    # realigning it gains 5 % at most on BSDS500 val where real jitter gains 12-54 %
    jitter_min_gain: float = 0.08
    chroma_delay: float = 0.75  # |chroma delay| (px) from which chroma is shifted back
    # extra chroma blur (Gaussian sigma, px) from which chroma is rebuilt from luma; off (None) by default:
    # on BSDS500 val it cost 0.0-0.6 dB on subsampling and chroma bleed (the photos' own chroma is soft)
    chroma_sigma: float | None = None
    tears: bool = True
    timebase: TimebaseConfig = field(default_factory=TimebaseConfig)


def to_yuv(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) Y, U, V of an RGB float image."""
    return np.concatenate([luma_of(image)[..., None], chroma_of(image)], axis=2)


def to_rgb(yuv: np.ndarray) -> np.ndarray:
    """RGB float (not clipped) of (H, W, 3) Y, U, V."""
    return (yuv @ YUV_TO_RGB.T).astype(np.float32)


def rebuild_chroma(luma: np.ndarray, chroma: np.ndarray, sigma: float) -> np.ndarray:
    """Chroma with luma's detail: ``chroma + a * (luma - blur(luma, sigma))``, ``a`` fitted locally."""
    blurred = filter1d(luma, gaussian_kernel(sigma), axis=1)
    slope, _ = guided_fit(blurred, chroma)
    return chroma + slope * (luma - blurred)[..., None]


def vertical_roughness(image: np.ndarray) -> float:
    """Mean |luma line - mean of the lines above and below|: how badly lines disagree with neighbours."""
    luma = luma_of(image)
    return float(np.mean(np.abs(luma[1:-1] - 0.5 * (luma[:-2] + luma[2:])))) if len(luma) > 2 else 0.0


def agrees_better(realigned: np.ndarray, before: np.ndarray, min_gain: float) -> bool:
    """Realigned lines disagree with their neighbours at least ``min_gain`` (a share) less than before."""
    return vertical_roughness(realigned) <= (1 - min_gain) * vertical_roughness(before)


class RestoreCancelled(Exception):
    """``should_stop`` said to stop before the restoration was done."""


def _checkpoint(should_stop: Callable[[], bool] | None) -> None:
    """Raise :class:`RestoreCancelled` when ``should_stop`` says so (between stages of a big frame)."""
    if should_stop is not None and should_stop():
        raise RestoreCancelled("stopped between repair stages")


def repair(
    image: np.ndarray, config: RepairConfig | None = None, should_stop: Callable[[], bool] | None = None
) -> tuple[np.ndarray, Damage]:
    """(repaired RGB float frame, what was measured on the way); the frame itself when nothing clears.

    ``should_stop`` is asked between stages (each a few seconds on a 3000x3000 picture).
    """
    config = config or RepairConfig()
    out = np.asarray(image, dtype=np.float32)
    damage = Damage()
    luma = luma_of(out)
    if config.tears:
        damage.tear, damage.tear_rows, damage.tear_bend = estimate_tear(luma)
        if damage.tear.any():
            out = shift_rows(out, -damage.tear)
    _checkpoint(should_stop)
    damage.jitter = estimate_line_jitter(out, config.timebase)
    damage.jitter[damage.tear != 0] = 0.0
    _checkpoint(should_stop)
    damage.luma_sigma = estimate_luma_sigma(luma_of(out))
    threshold = config.jitter_median + config.jitter_per_luma_sigma * damage.luma_sigma
    realigned = shift_rows(out, -damage.jitter) if np.median(np.abs(damage.jitter)) > threshold else None
    if realigned is not None and agrees_better(realigned, out, config.jitter_min_gain):
        out = realigned
    else:
        damage.jitter = np.zeros_like(damage.jitter)
    _checkpoint(should_stop)
    yuv = to_yuv(out)
    changed = False
    damage.chroma_delay, damage.chroma_delay_gain = chroma_delay_and_gain(yuv[..., 0], yuv[..., 1:])
    if abs(damage.chroma_delay) >= config.chroma_delay:
        yuv[..., 1:] = shift_rows(yuv[..., 1:], np.full(len(yuv), -damage.chroma_delay, np.float32))
        changed = True
    _checkpoint(should_stop)
    damage.chroma_sigma = estimate_chroma_sigma(yuv[..., 0], yuv[..., 1:])
    if config.chroma_sigma is not None and damage.chroma_sigma >= config.chroma_sigma:
        yuv[..., 1:] = rebuild_chroma(yuv[..., 0], yuv[..., 1:], damage.chroma_sigma)
        changed = True
    if changed:
        out = to_rgb(yuv)
    _checkpoint(should_stop)
    damage.noise = estimate_noise(yuv[..., 0])
    damage.field_noise = (estimate_noise(yuv[0::2, :, 0]), estimate_noise(yuv[1::2, :, 0]))
    return out, damage
