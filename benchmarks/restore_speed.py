"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/restore_speed.py --threads 2

Options: ``--model path.onnx`` (default: the shipped restore-unet), ``--runs N`` (default 30),
``--noise S`` (add Gaussian noise of std S to the frame, so that the guarded path runs the network),
``--before`` (the unguarded path as before issue 15: time-base corrector, then the network).

Time to restore one 720x576 PAL frame with ONNX Runtime (``RestorePredictor.restore``: reflect padding,
one tile, clipping, uint8 conversion) and the bare model call, on ``--threads`` intra-op threads.
Prints the median, p90 and best of ``--runs`` calls after warm-up, and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from inkling.inference.restore import RestorePredictor

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "inkling" / "models" / "restore-unet.onnx"
PAL = (576, 720)  # height, width of a PAL frame


def frame() -> np.ndarray:
    """A 720x576 RGB frame: a BSDS500 test photo resized when the mirror is set, else smooth noise."""
    data_dir = os.environ.get("INKLING_DATA_DIR")
    if data_dir:
        from PIL import Image

        from inkling.datasets.photos import list_images, load_image

        photo = load_image(list_images(Path(data_dir) / "photos" / "bsds500", "test")[0])
        return np.asarray(Image.fromarray(photo).resize((PAL[1], PAL[0])))
    return np.random.default_rng(0).integers(0, 256, (*PAL, 3), dtype=np.uint8)


def timed(call, runs: int, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of ``runs`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> dict[str, float]:
    """Median, p90 and best, in seconds."""
    ordered = sorted(times)
    return {
        "median_s": round(statistics.median(ordered), 4),
        "p90_s": round(ordered[int(0.9 * (len(ordered) - 1))], 4),
        "best_s": round(ordered[0], 4),
    }


def main() -> None:
    """Run the timing and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=SHIPPED)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--noise", type=float, default=0.0, help="std of added noise (0..1 scale)")
    parser.add_argument("--before", action="store_true", help="the unguarded path")
    args = parser.parse_args()
    meta = json.loads(args.model.with_suffix(".json").read_text())
    predictor = RestorePredictor(args.model.read_bytes(), meta, threads=args.threads, guard=not args.before)
    image = frame()
    if args.noise > 0:
        noise = np.random.default_rng(1).normal(0, 255 * args.noise, image.shape)
        image = np.clip(image + noise, 0, 255).astype(np.uint8)
    gate = predictor.restore_measured(image.astype(np.float32) / 255)[2]
    load_before = os.getloadavg()
    end_to_end = timed(lambda: predictor.restore(image), args.runs)
    x = np.zeros((1, 3, *PAL), np.float32)
    model_only = timed(lambda: predictor.run_model(x), args.runs)
    result = {
        "model": str(args.model),
        "onnx_bytes": args.model.stat().st_size,
        "frame": f"{PAL[1]}x{PAL[0]}",
        "threads": args.threads,
        "guarded": not args.before,
        "noise": args.noise,
        "network_share": round(gate, 3),
        "restore_end_to_end": summary(end_to_end),
        "model_only": summary(model_only),
        "load_average_1m_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
