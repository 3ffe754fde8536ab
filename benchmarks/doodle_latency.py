""".venv/bin/python benchmarks/doodle_latency.py --data-dir ../shared/data

Another model: add ``--model path/to/model.onnx`` (its ``.json`` sidecar next to it) and ``--no-torch``.

Doodle model latency on CPU with a fixed thread count: model-only p50/p99 at batch 1 and throughput at
batch 256, ONNX Runtime (as served) against the same net in torch (rebuilt from the Keras HDF5 with
``inkling.learn.doodlenet.doodlenet``; ``--no-torch`` for models with no torch twin), then end-to-end
``DoodlePredictor.predict(raw_ink)`` latency (parse + simplify + rasterise + model) on official raw drawings.
Prints a Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

import numpy as np

from inkling.inference import DoodlePredictor
from inkling.ink import ink_to_bitmap, parse_ink

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "inkling" / "models" / "doodlenet.onnx"
BITMAPS = Path("quickdraw/quickdraw_bitmap_6class_first100.npz")  # real inputs for the model-only runs
RAW = Path("quickdraw/quickdraw_raw_sample.ndjson.gz")  # real raw ink for the end-to-end runs
H5 = Path("pretrained/doodlenet_keras/doodleNet-model.h5")  # torch twin of the shipped DoodleNet


def percentiles(samples_s: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    ms = np.array(samples_s) * 1e3
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def latency(
    call: Callable[[np.ndarray], object], inputs: np.ndarray, runs: int, warmup: int
) -> tuple[float, float]:
    """p50/p99 (ms) of ``call`` on one-row batches, cycling through ``inputs``."""
    for i in range(warmup):
        call(inputs[i % len(inputs)])
    times = []
    for i in range(runs):
        x = inputs[i % len(inputs)]
        start = time.perf_counter()
        call(x)
        times.append(time.perf_counter() - start)
    return percentiles(times)


def throughput(call: Callable[[np.ndarray], object], batch: np.ndarray, seconds: float) -> float:
    """Rows per second of ``call`` on ``batch``, over about ``seconds`` after one warm-up call."""
    call(batch)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call(batch)
        done += len(batch)
    return done / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print the Markdown rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("INKLING_DATA_DIR"), required=False)
    parser.add_argument(
        "--model", type=Path, default=SHIPPED, help="ONNX file; metadata from its .json sidecar"
    )
    parser.add_argument(
        "--h5", type=Path, default=None, help="Keras HDF5 of the torch twin (default: mirror)"
    )
    parser.add_argument("--no-torch", action="store_true", help="Skip the torch comparison")
    parser.add_argument("--threads", type=int, default=2, help="Intra-op threads, both runtimes")
    parser.add_argument("--runs", type=int, default=2000, help="Timed batch-1 calls")
    parser.add_argument("--warmup", type=int, default=200, help="Untimed calls first")
    parser.add_argument("--batch", type=int, default=256, help="Batch size of the throughput runs")
    parser.add_argument("--seconds", type=float, default=3.0, help="Duration of each throughput run")
    parser.add_argument("--drawings", type=int, default=500, help="Raw drawings for the end-to-end runs")
    args = parser.parse_args()
    if args.data_dir is None:
        parser.error("--data-dir (or INKLING_DATA_DIR) is required")

    predictor = DoodlePredictor.from_files(args.model, threads=args.threads, strict_times=False)
    with np.load(args.data_dir / BITMAPS) as data:
        bitmaps = data["x"]
    x = bitmaps[:, None].astype(np.float32) / 255
    batch = np.concatenate([x] * (args.batch // len(x) + 1))[: args.batch]
    rows: list[tuple[str, str, str, str]] = []

    session, name = predictor.session, predictor.input_name
    p50, p99 = latency(lambda row: session.run(None, {name: row[None]}), x, args.runs, args.warmup)
    rate = throughput(lambda b: session.run(None, {name: b}), batch, args.seconds)
    rows.append(("model only, ONNX Runtime", f"{p50:.3f}", f"{p99:.3f}", f"{rate:,.0f}"))

    if not args.no_torch:
        import torch

        from inkling.learn.doodlenet import doodlenet

        torch.set_num_threads(args.threads)
        net = doodlenet(args.h5 or args.data_dir / H5)

        def torch_call(b: np.ndarray) -> np.ndarray:
            with torch.inference_mode():
                return net(torch.from_numpy(b)).numpy()

        diff = float(np.abs(torch_call(x) - session.run(None, {name: x})[0]).max())
        p50, p99 = latency(lambda row: torch_call(row[None]), x, args.runs, args.warmup)
        rate = throughput(torch_call, batch, args.seconds)
        label = f"model only, torch {torch.__version__} (max abs diff {diff:.1e})"
        rows.append((label, f"{p50:.3f}", f"{p99:.3f}", f"{rate:,.0f}"))

    with gzip.open(args.data_dir / RAW, "rt", encoding="utf-8") as lines:
        inks = [json.loads(line)["drawing"] for line in islice(lines, 0, None, 15)][: args.drawings]
    parsed = [parse_ink(ink, strict_times=False) for ink in inks]
    times = []
    for ink in inks:
        start = time.perf_counter()
        ink_to_bitmap(ink, strict_times=False)
        times.append(time.perf_counter() - start)
    p50, p99 = percentiles(times)
    rows.append((f"ink pipeline only (raw -> 28x28), {len(inks)} drawings", f"{p50:.3f}", f"{p99:.3f}", ""))
    for threads in sorted({args.threads, 1}, reverse=True):
        e2e = DoodlePredictor.from_files(args.model, threads=threads, strict_times=False)
        for ink in inks[:20]:
            e2e.predict(ink)
        times = []
        for ink in inks:
            start = time.perf_counter()
            e2e.predict(ink, top=5)
            times.append(time.perf_counter() - start)
        p50, p99 = percentiles(times)
        rows.append((f"end to end, `predict(raw_ink)`, {threads} thread(s)", f"{p50:.3f}", f"{p99:.3f}", ""))
    start = time.perf_counter()
    predictor.predict_batch(parsed, top=5, batch_size=args.batch)
    rate = len(parsed) / (time.perf_counter() - start)
    rows.append((f"end to end, `predict_batch` of parsed ink (batch {args.batch})", "", "", f"{rate:,.0f}"))

    cpu = platform.processor() or platform.machine()
    model = f"{args.model.name} ({predictor.model_name}, {len(predictor.classes)} classes)"
    print(f"model {model}, {args.threads} threads, {cpu}, {os.cpu_count()} CPUs")
    print(f"\n| measurement | p50 ms (batch 1) | p99 ms (batch 1) | rows/s (batch {args.batch}) |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
