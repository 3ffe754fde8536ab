"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/restore_video.py --clips 4 --frames 20

Synthetic VHS clips (``inkling.restore.video_synth``) made from BSDS500 test photos: a camera that pans,
sways and zooms, a constant chroma bleed, line jitter and grain new in every frame; the degraded clip
is written as H.264 with a tone and restored through the real video job (``VideoJob``, the CLI's path).
Each clip is measured against its clean frames (PSNR/SSIM averaged over frames, then clips) for:
the input, temporal denoising alone, single-frame restoration (the active restore model on each frame)
and multi-frame restoration (temporal denoising, then the model), with seconds per frame.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from inkling.datasets.photos import bsds500_dir, list_images, load_image
from inkling.inference.restore import RestorePredictor
from inkling.inference.video import probe, read_frames
from inkling.restore.metrics import psnr, ssim
from inkling.restore.video_synth import ClipSpec, make_clip, write_clip
from inkling.services.models import SHIPPED_DIR
from inkling.services.restore_video import VideoJob, VideoOptions
from inkling.settings import get_settings

METHODS = {  # name -> (temporal denoising, frame restorer)
    "temporal only": (True, False),
    "single-frame": (False, True),
    "multi-frame": (True, True),
    "multi-frame, no TBC first": (True, True),
    "multi-frame, denoise after": (True, True),
}


def scores(clean: list[np.ndarray], frames: list[np.ndarray]) -> tuple[float, float]:
    """Mean PSNR and SSIM over frames."""
    if len(clean) != len(frames):
        raise RuntimeError(f"{len(frames)} frames out for {len(clean)} in")
    pairs = list(zip(clean, frames, strict=True))
    return float(np.mean([psnr(c, f) for c, f in pairs])), float(np.mean([ssim(c, f) for c, f in pairs]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clips", type=int, default=4, help="clips (one BSDS500 test photo each)")
    parser.add_argument("--frames", type=int, default=20, help="frames per clip")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--strength", type=float, default=0.6, help="degradation strength 0..1")
    parser.add_argument("--interlaced", action="store_true", help="film fields and restore per field")
    args = parser.parse_args()
    name = "restore-unet"
    predictor = RestorePredictor(
        (SHIPPED_DIR / f"{name}.onnx").read_bytes(),
        json.loads((SHIPPED_DIR / f"{name}.json").read_text()),
        threads=2,
    )
    photos = list_images(bsds500_dir(data_dir=get_settings().data_dir), "test")[: args.clips]
    spec = ClipSpec(args.width, args.height, args.frames, strength=args.strength, interlaced=args.interlaced)
    results: dict[str, list[tuple[float, float, float]]] = {"input": []}
    with tempfile.TemporaryDirectory() as tmp:
        for index, path in enumerate(photos):
            clip = make_clip(load_image(path), spec, seed=index)
            source = Path(tmp) / f"clip{index}.mp4"
            write_clip(source, clip.degraded, spec.rate, interlaced=spec.interlaced)
            info = probe(source)
            results["input"].append((*scores(clip.clean, list(read_frames(source))), 0.0))
            for method, (temporal, model) in METHODS.items():
                output = Path(tmp) / f"out{index}-{method.replace(' ', '-')}.mp4"
                restore = predictor.restore if model else (lambda frame: frame)
                start = time.perf_counter()
                VideoJob(
                    source,
                    output,
                    info,
                    VideoOptions(
                        temporal=temporal,
                        denoise_after="after" in method,
                        timebase_first="no TBC" not in method,
                    ),
                ).run(restore)
                seconds = (time.perf_counter() - start) / info.frames
                results.setdefault(method, []).append(
                    (*scores(clip.clean, list(read_frames(output))), seconds)
                )
            print(
                f"clip {index} ({path.name}): "
                + ", ".join(f"{m} {r[-1][0]:.2f} dB" for m, r in results.items())
            )
    print(
        f"\n{args.clips} clips x {args.frames} frames, {args.width}x{args.height}, strength {args.strength}"
    )
    print("| method | PSNR (dB) | SSIM | s/frame |\n|---|---|---|---|")
    for method, rows in results.items():
        p, s, t = np.mean(rows, axis=0)
        print(
            f"| {method} | {p:.2f} | {s:.3f} | {t:.3f} |"
            if method != "input"
            else f"| input | {p:.2f} | {s:.3f} | |"
        )


if __name__ == "__main__":
    main()
