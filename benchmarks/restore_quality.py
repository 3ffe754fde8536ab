"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/restore_quality.py

Options: ``--model a.onnx [b.onnx ...]`` (default: the shipped restore-unet), ``--limit N`` (first N
photos), ``--per-artifact`` (instead: the gain on each core artifact alone, at strengths 0.5 and 1),
``--before-after`` (each model twice: ``before``, the unguarded path as shipped before issue 15, and
``after``, the guarded path: damage estimates, exact repairs, gated network), ``--split`` (default
``test``; ``val`` for tuning).

PSNR/SSIM on BSDS500 test (all 200 photos by default) of the degraded input, the classical baseline
(chroma realignment + 3x3 luma median + chroma blur) and the ONNX model run through ``RestorePredictor``
(the serving path), under two degradations: the simulator's fixed seeded random degradations
(``inkling.restore.data.eval_pairs``), and two "unseen" chains written here independently of the
simulator: A (RGB noise, Lanczos/bicubic resampling, integer chroma roll, sinusoidal line wobble,
Gaussian blur, JPEG) and B (Hamming bandwidth cut, 4:2:0 chroma, whole-pixel chroma delay, sporadic
line jumps, top tear, signal-dependent grain), with wide random strengths. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from inkling.datasets.photos import bsds500_dir, list_images, load_image
from inkling.inference.restore import RestorePredictor
from inkling.inference.timebase import correct_line_jitter
from inkling.restore.artifacts import CORE_ARTIFACTS
from inkling.restore.baseline import ClassicalRestorer
from inkling.restore.data import EvalPair, eval_pairs
from inkling.restore.degrade import Degradation, single
from inkling.restore.evaluate import markdown_table, score
from inkling.restore.imageops import to_float, to_uint8

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "inkling" / "models" / "restore-unet.onnx"
UNSEEN_SEED = 777  # seed of the unseen degradations


def _roll_rows(image: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Move row ``y`` right by the whole number ``shifts[y]``, repeating its edge pixel."""
    width = image.shape[1]
    xs = np.clip(np.arange(width)[None, :] - shifts[:, None].astype(int), 0, width - 1)
    return image[np.arange(image.shape[0])[:, None], xs]


def unseen_degrade(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A VHS-like chain that shares no code with the simulator; strengths drawn per image."""
    image = Image.fromarray(photo)
    w, h = image.size
    scale = rng.uniform(0.4, 0.8)
    image = image.resize((max(1, int(w * scale)), h), Image.Resampling.LANCZOS).resize(
        (w, h), Image.Resampling.BICUBIC
    )
    ycc = np.asarray(image.convert("YCbCr")).astype(np.float32)
    shift = int(rng.integers(1, 5))
    ycc[..., 1:] = np.roll(ycc[..., 1:], shift, axis=1)
    for channel in (1, 2):  # chroma smeared (box blur)
        plane = Image.fromarray(np.clip(ycc[..., channel], 0, 255).astype(np.uint8))
        ycc[..., channel] = np.asarray(plane.filter(ImageFilter.BoxBlur(2)), dtype=np.float32)
    rgb = np.asarray(Image.fromarray(np.clip(ycc, 0, 255).astype(np.uint8), "YCbCr").convert("RGB")) / 255.0
    wobble = rng.uniform(0.3, 2.0) * np.sin(np.arange(h) / rng.uniform(3, 15) + rng.uniform(0, 6))
    rgb = _roll_rows(rgb, np.round(wobble))
    rgb = rgb + rng.uniform(0.01, 0.06) * rng.standard_normal(rgb.shape)
    out = Image.fromarray(to_uint8(rgb)).filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.9)))
    buffer = io.BytesIO()
    out.save(buffer, format="JPEG", quality=int(rng.integers(40, 90)))
    return to_float(np.asarray(Image.open(buffer).convert("RGB")))


def unseen_degrade_b(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A second chain, written after the simulator was widened (shares no code or parameters with it).

    Hamming-filtered horizontal bandwidth cut, 4:2:0 chroma by 2x2 averaging and nearest-neighbour
    enlargement, whole-pixel chroma delay, sporadic independent line jumps, a linear tear at the top,
    signal-dependent (Poisson-like) luma grain and saved losslessly.
    """
    height, width = photo.shape[:2]
    image = Image.fromarray(photo)
    cut = rng.uniform(0.35, 0.65)
    image = image.resize((max(1, int(width * cut)), height), Image.Resampling.HAMMING).resize(
        (width, height), Image.Resampling.BILINEAR
    )
    ycc = np.asarray(image.convert("YCbCr")).astype(np.float32) / 255.0
    even = ycc[: height // 2 * 2, : width // 2 * 2, 1:]
    small = even.reshape(height // 2, 2, width // 2, 2, 2).mean(axis=(1, 3))
    chroma = np.repeat(np.repeat(small, 2, axis=0), 2, axis=1)
    chroma = np.pad(chroma, ((0, height - chroma.shape[0]), (0, width - chroma.shape[1]), (0, 0)), "edge")
    ycc[..., 1:] = _roll_rows(chroma, np.full(height, rng.integers(1, 4)))
    luma = ycc[..., 0]
    ycc[..., 0] = luma + rng.uniform(0.02, 0.07) * np.sqrt(np.clip(luma, 0, 1)) * rng.standard_normal(
        luma.shape
    )
    rgb = np.asarray(Image.fromarray(to_uint8(ycc), "YCbCr").convert("RGB"))
    jumps = rng.integers(-2, 3, height) * (rng.random(height) < rng.uniform(0.2, 0.6))
    tear = int(rng.integers(6, 25))
    jumps[:tear] += np.round(np.linspace(rng.uniform(8, 30), 0, tear)).astype(int)
    return to_float(_roll_rows(rgb, jumps))


UNSEEN_CHAINS = {"a": unseen_degrade, "b": unseen_degrade_b}


SPLIT = {"name": "test"}  # the BSDS500 split scored (``--split``)


def _photos(root: Path, limit: int | None) -> list[tuple[Path, np.ndarray]]:
    """The first ``limit`` BSDS500 test photos (name order) with their paths."""
    return [(path, load_image(path)) for path in list_images(root, SPLIT["name"])[:limit]]


def unseen_pairs(root: Path, limit: int | None, chain: str = "a") -> list[EvalPair]:
    """BSDS500 test photos with an unseen chain (seeded per image)."""
    degrade = UNSEEN_CHAINS[chain]
    return [
        EvalPair(
            path.name, clean, degrade(clean, np.random.default_rng([UNSEEN_SEED, index])), Degradation(())
        )
        for index, (path, clean) in enumerate(_photos(root, limit))
    ]


def single_artifact_pairs(root: Path, limit: int | None, name: str, strength: float) -> list[EvalPair]:
    """BSDS500 test photos, each with one simulator artifact at ``strength`` (seeded per photo)."""
    pairs = []
    for index, (path, clean) in enumerate(_photos(root, limit)):
        degradation = single(name, strength, seed=index)
        pairs.append(EvalPair(path.name, clean, degradation(clean, seed=index), degradation))
    return pairs


def per_artifact_table(
    root: Path, limit: int | None, predictors: dict[str, RestorePredictor], chains: bool = False
) -> str:
    """ΔPSNR/ΔSSIM over the input of the baseline and each restorer, one core artifact at a time, at
    two strengths; then the clean photo (absolute scores) and, with ``chains``, the unseen chains."""
    restorers = {"baseline": ClassicalRestorer(), **{k: p.restore_float for k, p in predictors.items()}}
    header = "| degradation | input PSNR / SSIM | " + " | ".join(restorers) + " |"
    lines = [header, "|---|---:|" + "---:|" * len(restorers)]
    rows: list[tuple[str, list[EvalPair]]] = [
        (f"{artifact.name} ({strength})", single_artifact_pairs(root, limit, artifact.name, strength))
        for artifact in CORE_ARTIFACTS
        for strength in (0.5, 1.0)
    ]
    if chains:
        rows += [(f"unseen chain {c.upper()}", unseen_pairs(root, limit, c)) for c in UNSEEN_CHAINS]
    for label, pairs in rows:
        base = score(pairs)
        cells = []
        for restorer in restorers.values():
            row = score(pairs, restorer)
            cells.append(f"{row['psnr'] - base['psnr']:+.2f} dB / {row['ssim'] - base['ssim']:+.3f}")
        reference = f"{base['psnr']:.2f} / {base['ssim']:.3f}"
        lines.append(f"| {label} | {reference} | {' | '.join(cells)} |")
    clean = [
        EvalPair(path.name, photo, to_float(photo), Degradation(())) for path, photo in _photos(root, limit)
    ]
    cells = []
    for restorer in restorers.values():
        outputs = [to_uint8(to_float(restorer(pair.degraded))) for pair in clean]
        row = score(clean, restorer)
        same = sum(np.array_equal(out, pair.clean) for out, pair in zip(outputs, clean, strict=True))
        cells.append(f"{row['psnr']:.2f} dB / {row['ssim']:.3f} ({same}/{len(clean)} identical)")
    lines.append(f"| none: the clean photo (output PSNR / SSIM, not Δ) | ∞ / 1.000 | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    """Score the input, the baseline, the time-base corrector and each model on the three degradations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, nargs="+", default=[SHIPPED], help="one or more ONNX models")
    parser.add_argument("--limit", type=int, default=None, help="first N test photos (default: all 200)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--per-artifact", action="store_true", help="only the one-artifact-at-a-time table")
    parser.add_argument("--chains", action="store_true", help="per-artifact table: add the unseen chains")
    parser.add_argument("--before-after", action="store_true", help="each model unguarded and guarded")
    parser.add_argument("--split", default="test", help="BSDS500 split (test; val for tuning)")
    args = parser.parse_args()
    SPLIT["name"] = args.split
    data_dir = os.environ.get("INKLING_DATA_DIR")
    root = bsds500_dir(data_dir=Path(data_dir) if data_dir else None)
    modes = {"before": False, "after": True} if args.before_after else {"": True}
    predictors = {
        f"{mode} {path.stem} ({path.parent.name}/)".strip(): RestorePredictor.from_files(
            path, threads=args.threads, guard=guard
        )
        for path in args.model
        for mode, guard in modes.items()
    }
    if args.per_artifact:
        print(per_artifact_table(root, args.limit, predictors, args.chains))
        return
    baseline = ClassicalRestorer()
    for title, pairs in (
        ("simulator (fixed seeded random degradations)", eval_pairs(root, args.limit)),
        ("unseen degradation chain A", unseen_pairs(root, args.limit, "a")),
        ("unseen degradation chain B", unseen_pairs(root, args.limit, "b")),
    ):
        started = time.perf_counter()
        rows = {
            "degraded input": score(pairs),
            "baseline (median + chroma realign/blur)": score(pairs, baseline),
            "line time-base corrector alone": score(pairs, lambda image: correct_line_jitter(image)[0]),
        }
        for label, predictor in predictors.items():
            rows[label] = score(pairs, predictor.restore_float)
        print(f"\n### {title}\n\n{markdown_table(rows, 'degraded input')}\n")
        print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
