"""Score restorers (degraded input, classical baseline, a model) by PSNR and SSIM against the clean photos."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from inkling.restore.baseline import ClassicalRestorer
from inkling.restore.data import EvalPair
from inkling.restore.imageops import to_float, to_uint8
from inkling.restore.metrics import psnr, ssim

Restorer = Callable[[np.ndarray], np.ndarray]  # degraded float RGB (H, W, 3) -> restored RGB, same size


def score(pairs: Sequence[EvalPair], restorer: Restorer | None = None) -> dict[str, float]:
    """Mean PSNR (dB) and SSIM over ``pairs`` of ``restorer`` (``None`` scores the degraded input itself).

    Outputs are quantised to uint8 first, as a saved PNG would be.
    """
    psnrs, ssims = [], []
    for pair in pairs:
        out = pair.degraded if restorer is None else restorer(pair.degraded)
        if out.shape != pair.clean.shape:
            raise ValueError(f"{pair.name}: restorer changed the size {pair.clean.shape} -> {out.shape}")
        out = to_uint8(to_float(out))
        psnrs.append(psnr(pair.clean, out))
        ssims.append(ssim(pair.clean, out))
    return {
        "psnr": round(float(np.mean(psnrs)), 3),
        "ssim": round(float(np.mean(ssims)), 4),
        "images": len(pairs),
    }


def reference_scores(pairs: Sequence[EvalPair]) -> dict[str, dict[str, float]]:
    """Scores of the degraded input and of the classical baseline (what a model must beat)."""
    return {"degraded": score(pairs), "baseline": score(pairs, ClassicalRestorer())}


def markdown_table(rows: dict[str, dict[str, float]], reference: str = "degraded") -> str:
    """A Markdown table of PSNR/SSIM per restorer, with gains over ``reference``."""
    base = rows[reference]
    lines = [
        "| restorer | images | PSNR (dB) | SSIM | ΔPSNR vs degraded | ΔSSIM vs degraded |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['images']} | {row['psnr']:.2f} | {row['ssim']:.4f} "
            f"| {row['psnr'] - base['psnr']:+.2f} | {row['ssim'] - base['ssim']:+.4f} |"
        )
    return "\n".join(lines)
