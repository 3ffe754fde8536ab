"""A software line time-base corrector (TBC): measure and undo each line's horizontal jitter.

A VHS deck's time base wobbles, so every scan line lands a little left or right of where it belongs.
Natural images are locally smooth across lines, and a straight or slanted edge runs through a line
exactly half-way between its neighbours. So each line's displacement is found as the shift that best
matches it (luma, mean absolute difference) to the mean of the line above and the line below, with a
sub-pixel parabola fit; even and odd lines are solved in turn (red-black), a few rounds, each
against the neighbours as corrected so far. The common offset of all lines (the median) is not
jitter and stays. Lines are measured on a lightly smoothed luma so that grain does not steer them.

What it cannot see: a shift that changes slowly over many lines (it looks like a gently curving
edge) and the first and last line (one neighbour only); both are left to the learned restorer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inkling.inference.filters import blur, shift_rows

LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # BT.601 luma weights


@dataclass(frozen=True)
class TimebaseConfig:
    """Search range, rounds and measuring blur of the corrector (defaults tuned on BSDS500 train)."""

    max_shift: int = 3  # largest displacement of a line against its neighbours (px)
    rounds: int = 4  # red-black rounds
    smooth: float = 1.0  # horizontal Gaussian sigma (px) of the luma the lines are measured on
    min_rms: float = 0.1  # below this RMS displacement (px) the frame is left untouched


def _match_costs(lines: np.ndarray, references: np.ndarray, max_shift: int) -> np.ndarray:
    """cost[i, k]: mean |line i moved right by k - max_shift - reference i| over the inner columns."""
    width = lines.shape[1]
    inner = references[:, max_shift : width - max_shift]
    costs = np.empty((len(lines), 2 * max_shift + 1), dtype=np.float32)
    for k, shift in enumerate(range(-max_shift, max_shift + 1)):
        moved = lines[:, max_shift - shift : width - max_shift - shift]
        costs[:, k] = np.abs(moved - inner).mean(axis=1)
    return costs


def _best_shifts(costs: np.ndarray, max_shift: int) -> np.ndarray:
    """The cost minimum of each row, refined to sub-pixel by a parabola through it and its neighbours."""
    rows = np.arange(len(costs))
    best = costs.argmin(axis=1)
    centre = np.clip(best, 1, costs.shape[1] - 2)
    left, mid, right = costs[rows, centre - 1], costs[rows, centre], costs[rows, centre + 1]
    curvature = left - 2 * mid + right
    offset = np.where(curvature > 1e-9, 0.5 * (left - right) / np.maximum(curvature, 1e-9), 0.0)
    offset = np.where(best == centre, np.clip(offset, -0.5, 0.5), 0.0)
    return (best + offset - max_shift).astype(np.float32)


def estimate_line_jitter(image: np.ndarray, config: TimebaseConfig | None = None) -> np.ndarray:
    """Each line's horizontal displacement (px, positive = moved right) of an RGB float image (H, W, 3)."""
    config = config or TimebaseConfig()
    height, width = image.shape[:2]
    displacement = np.zeros(height, dtype=np.float32)
    if height < 3 or width <= 2 * config.max_shift + 8:
        return displacement
    luma = (np.asarray(image, dtype=np.float32) @ LUMA)[..., None]
    luma = (blur(luma, config.smooth) if config.smooth > 0 else luma)[..., 0]
    for _ in range(config.rounds):
        for first in (1, 2):
            rows = np.arange(first, height - 1, 2)
            others = np.arange(first - 1, height, 2)  # the neighbours of ``rows``, corrected so far
            corrected = np.empty_like(luma)
            corrected[others] = shift_rows(luma[others], -displacement[others])
            references = 0.5 * (corrected[rows - 1] + corrected[rows + 1])
            costs = _match_costs(luma[rows], references, config.max_shift)
            # the shift that aligns a raw line with its corrected neighbours undoes its displacement
            displacement[rows] = -_best_shifts(costs, config.max_shift)
    return displacement - np.median(displacement)


def correct_line_jitter(
    image: np.ndarray, config: TimebaseConfig | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(corrected image, measured displacements); the image as it is when the jitter is negligible."""
    config = config or TimebaseConfig()
    displacement = estimate_line_jitter(image, config)
    if float(np.sqrt(np.mean(displacement**2))) < config.min_rms:
        return np.asarray(image, dtype=np.float32), displacement
    return shift_rows(np.asarray(image, dtype=np.float32), -displacement), displacement
