"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/damage_estimates.py --limit 50

Options: ``--split test`` (default; ``val`` to tune), ``--limit N`` (first N photos).

How well ``inkling.inference.damage`` recovers the simulator's own parameters: each photo gets one
artifact at a random strength (seeded per photo; the simulator's ``single``), is quantised to uint8 as a
capture would be, and is measured. Errors against the ground truth each artifact exposes (its
parameters, ``LineJitter.displacement``, ``Tearing.displacement``); false alarms on undamaged photos.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
from rich.progress import track

from inkling.datasets.photos import bsds500_dir, list_images, load_image
from inkling.inference.damage import chroma_of, estimate_damage
from inkling.inference.filters import filter1d, gaussian_kernel
from inkling.restore.artifacts import ChromaBleed, Grain, LineJitter, Subsampling, Tearing
from inkling.restore.degrade import single
from inkling.restore.imageops import to_float, to_uint8

LUMA_ENERGY = 0.299**2 + 0.587**2 + 0.114**2  # share of independent RGB noise variance that reaches luma
ORACLE_SIGMAS = np.arange(0.0, 8.01, 0.25)  # grid of the chroma blur fitted with the clean photo


def _oracle_chroma_sigma(clean: np.ndarray, degraded: np.ndarray, luma_sigma: float) -> float:
    """The extra horizontal chroma blur that best maps clean to degraded chroma (beyond the luma blur)."""
    target, source = chroma_of(degraded), chroma_of(clean)
    errors = [
        float(np.mean((filter1d(source, gaussian_kernel(s), axis=1) - target) ** 2)) if s > 0 else
        float(np.mean((source - target) ** 2))
        for s in ORACLE_SIGMAS
    ]  # fmt: skip
    total = float(ORACLE_SIGMAS[int(np.argmin(errors))])
    return float(np.sqrt(max(total**2 - luma_sigma**2, 0.0)))


def measure(root: Path, split: str, limit: int | None) -> dict[str, list]:
    """Per-photo (truth, estimate) pairs for every estimate, and false alarms on the clean photos."""
    rows: dict[str, list] = {
        key: [] for key in ("noise", "jitter", "tear", "delay", "chroma", "luma", "clean")
    }
    paths = list_images(root, split)[:limit]
    for index, path in enumerate(track(paths, description="photos", transient=True)):
        clean = load_image(path)
        rng = np.random.default_rng([index, 99])
        for name in ("grain", "line_jitter", "tearing", "chroma_bleed", "subsampling"):
            step = single(name, float(rng.uniform(0.2, 1.0)), seed=index)
            degraded = to_float(to_uint8(step(clean, seed=index)))
            damage = estimate_damage(degraded)
            artifact = step.steps[0]
            if isinstance(artifact, Grain):
                truth = float(np.hypot(artifact.luma_sigma, np.sqrt(LUMA_ENERGY) * artifact.rgb_sigma))
                rows["noise"].append((truth, damage.noise))
            elif isinstance(artifact, LineJitter):
                truth = artifact.displacement(clean.shape[0], np.random.default_rng([index, 0]))
                truth = truth - np.median(truth)
                rows["jitter"].append((truth[1:-1], damage.jitter[1:-1]))
            elif isinstance(artifact, Tearing):
                rows["tear"].append((artifact, artifact.displacement(clean.shape[0]), damage))
            elif isinstance(artifact, ChromaBleed):
                rows["delay"].append((artifact.delay, damage.chroma_delay, artifact.smear))
            elif isinstance(artifact, Subsampling):
                oracle = _oracle_chroma_sigma(to_float(clean), degraded, artifact.luma_sigma)
                rows["chroma"].append((oracle, damage.chroma_sigma))
                rows["luma"].append((artifact.luma_sigma, damage.luma_sigma))
        rows["clean"].append(estimate_damage(to_float(clean)))
    return rows


def _mae(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    """(mean absolute error, mean truth)."""
    truth, estimate = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    return float(np.abs(truth - estimate).mean()), float(np.abs(truth).mean())


def table(rows: dict[str, list]) -> str:
    """The Markdown table of errors."""
    out = [
        "| estimate | artifact (photos) | error | scale of the truth | on undamaged photos |",
        "|---|---|---:|---:|---:|",
    ]
    clean = rows["clean"]
    n = len(clean)
    mae, scale = _mae(rows["noise"])
    noise_clean = np.array([d.noise for d in clean])
    out.append(
        f"| luma noise sigma | grain ({len(rows['noise'])}) | MAE {mae:.4f} | mean sigma {scale:.4f} "
        f"| median {np.median(noise_clean):.4f}, max {noise_clean.max():.4f} |"
    )
    errors = [float(np.abs(t - e).mean()) for t, e in rows["jitter"]]
    amplitude = [float(np.abs(t).mean()) for t, _ in rows["jitter"]]
    corr = [float(np.corrcoef(t, e)[0, 1]) for t, e in rows["jitter"]]
    jitter_clean = np.array([d.jitter_rms for d in clean])
    out.append(
        f"| line displacement (per line) | line_jitter ({len(errors)}) | MAE {np.mean(errors):.2f} px, "
        f"corr {np.median(corr):.2f} (median) | mean abs {np.mean(amplitude):.2f} px "
        f"| RMS median {np.median(jitter_clean):.2f}, max {jitter_clean.max():.2f} px |"
    )
    found = [d for a, _, d in rows["tear"] if sum(d.tear_rows) > 0]
    true_side = [(d.tear_rows[0] > 0) == a.top for a, _, d in rows["tear"] if sum(d.tear_rows) > 0]
    strong = [(a, t, d) for a, t, d in rows["tear"] if abs(a.shift) >= TEAR_VISIBLE]
    recall = np.mean([sum(d.tear_rows) > 0 for _, _, d in strong]) if strong else float("nan")
    false_alarms = sum(sum(d.tear_rows) > 0 for d in clean)
    precision = len(found) / max(len(found) + false_alarms, 1) if found else float("nan")
    offset_err = [float(np.abs(t - d.tear).max()) for _, t, d in strong if sum(d.tear_rows) > 0]
    row_err = [abs(sum(d.tear_rows) - a.lines) for a, _, d in strong if sum(d.tear_rows) > 0]
    bend_err = [abs(d.tear_bend - a.bend) for a, _, d in strong if sum(d.tear_rows) > 0]
    shifts = np.mean([abs(a.shift) for a, _, _ in strong])
    out.append(
        f"| tear: detected | tearing ({len(rows['tear'])}; {len(strong)} with ≥ {TEAR_VISIBLE} px) "
        f"| recall {recall:.2f} (≥ {TEAR_VISIBLE} px), precision {precision:.2f}, right edge "
        f"{np.mean(true_side):.2f} | mean shift {shifts:.1f} px | {false_alarms} of {n} false tears |"
    )
    out.append(
        f"| tear: offsets, rows, bend | tearing (detected, ≥ {TEAR_VISIBLE} px) | worst-row error "
        f"{np.median(offset_err):.2f} px (median), rows MAE {np.mean(row_err):.1f}, bend MAE "
        f"{np.mean(bend_err):.2f} | {np.mean([a.lines for a, _, _ in strong]):.1f} rows | |"
    )
    delay = [(t + s, e) for t, e, s in rows["delay"]]
    mae, scale = _mae(delay)
    mae_plain, _ = _mae([(t, e) for t, e, _ in rows["delay"]])
    delay_clean = np.array([abs(d.chroma_delay) for d in clean])
    out.append(
        f"| chroma delay | chroma_bleed ({len(delay)}) | MAE {mae:.2f} px against delay + smear length "
        f"({mae_plain:.2f} against the delay alone) | mean {scale:.2f} px "
        f"| median {np.median(delay_clean):.2f}, max {delay_clean.max():.2f} px |"
    )
    mae, scale = _mae(rows["chroma"])
    chroma_clean = np.array([d.chroma_sigma for d in clean])
    out.append(
        f"| chroma bandwidth (extra blur sigma) | subsampling ({len(rows['chroma'])}) | MAE {mae:.2f} px "
        f"| mean {scale:.2f} px (fitted with the clean photo) | median {np.median(chroma_clean):.2f}, "
        f"max {chroma_clean.max():.2f} px |"
    )
    mae, scale = _mae(rows["luma"])
    luma_clean = np.array([d.luma_sigma for d in clean])
    out.append(
        f"| luma bandwidth (horizontal blur sigma) | subsampling ({len(rows['luma'])}) | MAE {mae:.2f} px "
        f"| mean {scale:.2f} px | median {np.median(luma_clean):.2f}, max {luma_clean.max():.2f} px |"
    )
    return "\n".join(out)


TEAR_VISIBLE = 4.0  # tears of at least this outermost shift (px) count for recall


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    data_dir = os.environ.get("INKLING_DATA_DIR")
    root = bsds500_dir(data_dir=Path(data_dir) if data_dir else None)
    print(table(measure(root, args.split, args.limit)))


if __name__ == "__main__":
    main()
