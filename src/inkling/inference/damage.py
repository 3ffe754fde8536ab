"""Estimate what is wrong with a frame, with cheap classical measurements (NumPy only).

Per frame (and per field, for interlaced PAL): the luma noise level, each line's horizontal
displacement (the time-base corrector), a head-switching tear at the top or bottom (rows, offsets,
bend), the chroma delay against luma, and the horizontal bandwidth of chroma (relative to luma) and of
luma (relative to the vertical). The restorer fixes what these name exactly and gates its network by
them (``inkling.inference.restore``); ``benchmarks/damage_estimates.py`` checks them against the
simulator's ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inkling.inference.filters import blur, filter1d, gaussian_kernel
from inkling.inference.timebase import LUMA, TimebaseConfig, estimate_line_jitter

# BT.601 U and V from RGB (the PAL colour difference signals)
CHROMA = np.array([[-0.14713, -0.28886, 0.436], [0.615, -0.51499, -0.10001]], dtype=np.float32)
NOISE_BLOCK = 16  # side (px) of the blocks whose noise is measured
NOISE_PERCENTILE = 10  # the noise is the quiet end of the blocks' measurements (flat areas)
TEAR_BAND = 40  # rows at the top and the bottom searched for a tear
TEAR_MAX_SHIFT = 24  # largest row-to-row displacement inside a tear (px)
TEAR_MIN_STEP = 0.6  # smaller row-to-row steps end a tear (px)
TEAR_MIN_OFFSET = 4.0  # a tear moves its outermost row at least this far (px; clean photos show up to 3.9)
TEAR_MIN_COST = 2e-4  # rows whose gradients differ less than this (mean absolute) are not matched
TEAR_CLEAR_MATCH = 0.9  # a row step counts only when its match costs under this share of no shift
CHROMA_MAX_DELAY = 8  # largest chroma delay searched (px)
CHROMA_SIGMAS = (0.0, 1.0, 2.0, 3.0, 4.5, 6.0)  # candidate extra chroma blurs (Gaussian sigma, px)
LUMA_SIGMAS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)  # candidate luma blurs (Gaussian sigma, px)
GUIDE_RADIUS = 4  # half-size of the windows of the luma-guided chroma fit
GUIDE_EPS = 1e-4  # regularisation of the local luma variance in that fit


@dataclass
class Damage:
    """The estimates of one frame (all in pixels of the frame, values on the 0..1 scale)."""

    noise: float = 0.0  # luma noise standard deviation
    field_noise: tuple[float, float] = (0.0, 0.0)  # the same per field (even lines, odd lines)
    jitter: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # per-line shift (px)
    tear: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # per-line tear offset (px)
    tear_rows: tuple[int, int] = (0, 0)  # torn rows at the top, at the bottom
    tear_bend: float = 0.0  # exponent of the tear's curve (offset ~ t**bend towards the edge)
    chroma_delay: float = 0.0  # chroma right of luma (px)
    chroma_delay_gain: float = 0.0  # how much better chroma lines up with luma at that delay (share)
    chroma_sigma: float = 0.0  # extra horizontal blur of chroma beyond luma's (Gaussian sigma, px)
    luma_sigma: float = 0.0  # horizontal blur of luma beyond the vertical (Gaussian sigma, px)

    @property
    def jitter_rms(self) -> float:
        """RMS of the per-line displacement (px)."""
        return float(np.sqrt(np.mean(self.jitter**2))) if self.jitter.size else 0.0

    def summary(self) -> dict[str, float]:
        """JSON-friendly scalars."""
        return {
            "noise": round(self.noise, 4),
            "jitter_rms": round(self.jitter_rms, 3),
            "tear_top_rows": self.tear_rows[0],
            "tear_bottom_rows": self.tear_rows[1],
            "tear_max_px": round(float(np.abs(self.tear).max(initial=0.0)), 2),
            "chroma_delay": round(self.chroma_delay, 2),
            "chroma_sigma": round(self.chroma_sigma, 2),
            "luma_sigma": round(self.luma_sigma, 2),
        }


def luma_of(image: np.ndarray) -> np.ndarray:
    """BT.601 luma (H, W) of an RGB float image."""
    return np.asarray(image, dtype=np.float32) @ LUMA


def chroma_of(image: np.ndarray) -> np.ndarray:
    """BT.601 U, V (H, W, 2) of an RGB float image."""
    return np.asarray(image, dtype=np.float32) @ CHROMA.T


def _parabola(costs: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Sub-pixel offset of each row's extremum at ``best`` from a parabola through it and its neighbours."""
    rows = np.arange(len(costs))
    centre = np.clip(best, 1, costs.shape[1] - 2)
    left, mid, right = costs[rows, centre - 1], costs[rows, centre], costs[rows, centre + 1]
    curvature = left - 2 * mid + right
    offset = np.where(
        np.abs(curvature) > 1e-12, 0.5 * (left - right) / np.where(curvature == 0, 1, curvature), 0
    )
    return np.where(best == centre, np.clip(offset, -0.5, 0.5), 0.0)


def estimate_noise(luma: np.ndarray) -> float:
    """Noise std from the vertical second difference (blind to horizontally streaky grain), quietest blocks.

    Lines are independent in analog grain, so ``y[i-1] - 2 y[i] + y[i+1]`` of pure noise has variance
    6 sigma^2; picture structure only adds to it, so the quiet end of the blocks' values is the noise.
    """
    if luma.shape[0] < 3:
        return 0.0
    second = np.abs(luma[:-2] - 2 * luma[1:-1] + luma[2:])
    b = NOISE_BLOCK
    h, w = (second.shape[0] // b) * b, (second.shape[1] // b) * b
    if h == 0 or w == 0:
        return float(np.sqrt(np.pi / 2) * second.mean() / np.sqrt(6))
    blocks = second[:h, :w].reshape(h // b, b, w // b, b).mean(axis=(1, 3))
    return float(np.sqrt(np.pi / 2) * np.percentile(blocks, NOISE_PERCENTILE) / np.sqrt(6))


def _row_steps(luma: np.ndarray, max_shift: int) -> np.ndarray:
    """steps[i]: how far row ``i`` sits right of row ``i + 1`` (sub-pixel), by mean absolute difference."""
    width = luma.shape[1]
    m = min(max_shift, (width - 8) // 2)
    inner = luma[1:, m : width - m]
    costs = np.empty((len(luma) - 1, 2 * m + 1), dtype=np.float32)
    for k, shift in enumerate(range(-m, m + 1)):
        costs[:, k] = np.abs(luma[:-1, m + shift : width - m + shift] - inner).mean(axis=1)
    best = costs.argmin(axis=1)
    steps = (best + _parabola(costs, best) - m).astype(np.float32)
    rows = np.arange(len(costs))
    # the match is much better than no shift, and there is something to match
    clear = (costs[rows, best] < TEAR_CLEAR_MATCH * costs[:, m]) & (costs[:, m] > TEAR_MIN_COST)
    inside = np.abs(best - m) < m  # not at the end of the search
    return np.where(clear & inside, steps, 0.0).astype(np.float32)


def _tear_profile(band: np.ndarray) -> np.ndarray:
    """Offsets of the rows of ``band`` (row 0 = the frame edge) against the untorn rows further in."""
    steps = _row_steps(band, TEAR_MAX_SHIFT)  # steps[i]: row i against row i + 1
    offsets = np.zeros(len(band), dtype=np.float32)
    big = np.abs(steps) >= TEAR_MIN_STEP
    if not big[0]:
        return offsets
    sign = np.sign(steps[0])
    end = 0  # the tear: rows 0..end, each step large and of the same sign as the edge's
    while end + 1 < len(steps) and big[end + 1] and np.sign(steps[end + 1]) == sign:
        end += 1
    offsets[: end + 1] = np.cumsum(steps[: end + 1][::-1])[::-1]
    # a tear ends inside the band (the rows further in are untorn); steps all the way in are the picture's
    # own slanted lines, not a tear
    if abs(offsets[0]) < TEAR_MIN_OFFSET or end < 1 or end + 1 >= len(steps):
        return np.zeros(len(band), dtype=np.float32)
    return offsets


def _bend(offsets: np.ndarray) -> float:
    """The exponent ``b`` of ``offset ~ t**b`` (t = 1 at the frame edge) by a log-log fit."""
    rows = int(np.count_nonzero(offsets))
    if rows < 2:
        return 0.0
    t = (np.arange(rows, 0, -1) / (rows + 1)).astype(np.float64)
    values = np.abs(offsets[:rows]).astype(np.float64) / max(abs(float(offsets[0])), 1e-6)
    keep = values > 0.02
    if keep.sum() < 2:
        return 1.0
    return float(np.polyfit(np.log(t[keep]), np.log(values[keep]), 1)[0])


def estimate_tear(luma: np.ndarray) -> tuple[np.ndarray, tuple[int, int], float]:
    """(per-row tear offsets, torn rows at top and bottom, bend) of a luma frame; zeros when none."""
    height = luma.shape[0]
    offsets = np.zeros(height, dtype=np.float32)
    if height < 2 * TEAR_BAND or luma.shape[1] < 4 * TEAR_MAX_SHIFT:
        return offsets, (0, 0), 0.0
    # rows are matched on their horizontal gradient: a brightness ramp between rows cannot pose as a shift
    smooth = np.diff(blur(luma[..., None], 1.0)[..., 0], axis=1)
    top = _tear_profile(smooth[:TEAR_BAND])
    bottom = _tear_profile(smooth[::-1][:TEAR_BAND])
    offsets[:TEAR_BAND] = top
    offsets[height - TEAR_BAND :] += bottom[::-1]
    rows = (int(np.count_nonzero(top)), int(np.count_nonzero(bottom)))
    strongest = top if abs(top[0]) >= abs(bottom[0]) else bottom
    return offsets, rows, _bend(strongest)


def _edge_strength(plane: np.ndarray) -> np.ndarray:
    """|horizontal gradient| with its mean removed (per image), for cross-correlation."""
    grad = np.abs(np.diff(plane, axis=1))
    if grad.ndim == 3:
        grad = np.sqrt((grad**2).sum(axis=2))
    return grad - grad.mean()


def chroma_delay_and_gain(
    luma: np.ndarray, chroma: np.ndarray, max_delay: int = CHROMA_MAX_DELAY
) -> tuple[float, float]:
    """(chroma's horizontal delay behind luma in px, > 0: chroma right; the gain of that alignment).

    The delay is the sub-pixel peak of the luma/chroma edge cross-correlation; the gain is how much
    better that peak correlates than no shift at all, relative to the peak (0: no evidence of a delay).
    """
    lum, chr_ = _edge_strength(luma), _edge_strength(chroma)
    width = lum.shape[1]
    m = min(max_delay, (width - 8) // 2)
    if m < 1:
        return 0.0, 0.0
    scores = np.array(
        [np.mean(lum[:, m : width - m] * chr_[:, m + s : width - m + s]) for s in range(-m, m + 1)],
        dtype=np.float64,
    )
    best = int(scores.argmax())
    delay = float(best + _parabola(-scores[None], np.array([best]))[0] - m)
    gain = float((scores[best] - scores[m]) / abs(scores[best])) if scores[best] else 0.0
    return delay, gain


def estimate_chroma_delay(luma: np.ndarray, chroma: np.ndarray, max_delay: int = CHROMA_MAX_DELAY) -> float:
    """Chroma's horizontal delay behind luma (px, > 0: chroma right), sub-pixel, by edge cross-correlation."""
    return chroma_delay_and_gain(luma, chroma, max_delay)[0]


def box_mean(plane: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2 radius + 1)^2 window (edges replicated), along the first two axes."""
    kernel = np.full(2 * radius + 1, 1.0 / (2 * radius + 1), dtype=np.float32)
    return filter1d(filter1d(plane, kernel, axis=1), kernel, axis=0)


def guided_fit(
    guide: np.ndarray, target: np.ndarray, radius: int = GUIDE_RADIUS
) -> tuple[np.ndarray, np.ndarray]:
    """Local linear fit ``target ~ a * guide + b`` in windows: (a, residual variance), each (H, W, C)."""
    g = guide[..., None]
    mean_g, mean_t = box_mean(g, radius), box_mean(target, radius)
    var_g = box_mean(g * g, radius) - mean_g**2
    cov = box_mean(g * target, radius) - mean_g * mean_t
    var_t = box_mean(target * target, radius) - mean_t**2
    a = cov / (var_g + GUIDE_EPS)
    return a, np.maximum(var_t - a * cov, 0.0)


def _sigma_scan(residuals: list[float], sigmas: tuple[float, ...]) -> float:
    """The sigma of the smallest residual, refined by a parabola (clipped to the neighbouring candidates)."""
    values = np.asarray(residuals, dtype=np.float64)
    best = int(values.argmin())
    if 0 < best < len(values) - 1:
        offset = _parabola(values[None], np.array([best]))[0]
        step = sigmas[best + 1] - sigmas[best] if offset > 0 else sigmas[best] - sigmas[best - 1]
        return float(sigmas[best] + offset * step)
    return float(sigmas[best])


def estimate_chroma_sigma(luma: np.ndarray, chroma: np.ndarray, rows: int = 3) -> float:
    """Extra horizontal blur of chroma beyond luma's: the luma blur that best predicts chroma locally.

    Chroma is locally a linear function of luma in natural pictures, so the blur of luma under which
    that fit leaves the least residual is chroma's extra blur. Measured on every ``rows``-th line.
    """
    lum, chr_ = luma[::rows], chroma[::rows]
    residuals = []
    for sigma in CHROMA_SIGMAS:
        guide = filter1d(lum, gaussian_kernel(sigma), axis=1) if sigma > 0 else lum
        residuals.append(float(guided_fit(guide, chr_, 2)[1].mean()))
    return _sigma_scan(residuals, CHROMA_SIGMAS)


def estimate_luma_sigma(luma: np.ndarray) -> float:
    """Horizontal blur of luma beyond the vertical: the vertical blur that makes both detail energies equal.

    Pictures are statistically isotropic; tape and capture blur only along lines.
    """
    if min(luma.shape[:2]) < 2:
        return 0.0
    horizontal = float(np.abs(np.diff(luma, axis=1)).mean())
    vertical = []
    for sigma in LUMA_SIGMAS:
        blurred = filter1d(luma, gaussian_kernel(sigma), axis=0) if sigma > 0 else luma
        vertical.append(float(np.abs(np.diff(blurred, axis=0)).mean()))
    # vertical detail falls as sigma grows; find where it meets the horizontal detail
    values = np.minimum.accumulate(np.asarray(vertical))
    if horizontal >= values[0]:
        return 0.0
    if horizontal <= values[-1]:
        return float(LUMA_SIGMAS[-1])
    k = int(np.nonzero(values <= horizontal)[0][0])
    t = (values[k - 1] - horizontal) / max(values[k - 1] - values[k], 1e-12)
    return float(LUMA_SIGMAS[k - 1] + t * (LUMA_SIGMAS[k] - LUMA_SIGMAS[k - 1]))


def estimate_damage(
    image: np.ndarray, *, interlaced: bool = False, timebase: TimebaseConfig | None = None
) -> Damage:
    """Every estimate of an RGB float frame (H, W, 3), 0..1; ``interlaced``: jitter measured per field."""
    image = np.asarray(image, dtype=np.float32)
    luma, chroma = luma_of(image), chroma_of(image)
    tear, tear_rows, bend = estimate_tear(luma)
    fields = (estimate_noise(luma[0::2]), estimate_noise(luma[1::2]))
    if interlaced:
        jitter = np.zeros(image.shape[0], dtype=np.float32)
        for start in (0, 1):
            jitter[start::2] = estimate_line_jitter(image[start::2], timebase)
    else:
        jitter = estimate_line_jitter(image, timebase)
    jitter[tear != 0] = 0.0  # torn rows are the tear's
    return Damage(
        noise=estimate_noise(luma),
        field_noise=fields,
        jitter=jitter,
        tear=tear,
        tear_rows=tear_rows,
        tear_bend=bend,
        chroma_delay=estimate_chroma_delay(luma, chroma),
        chroma_sigma=estimate_chroma_sigma(luma, chroma),
        luma_sigma=estimate_luma_sigma(luma),
    )
