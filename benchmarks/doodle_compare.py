"""Compare doodle recognisers on the fixed validation split and write the table to docs/BENCHMARKS.md.

    INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/doodle_compare.py \
        --checkpoint runs/mlp.pt --checkpoint runs/cnn-small.pt --checkpoint runs/doodlenet-kd.pt \
        --forest --write

Rows: the pretrained DoodleNet, each checkpoint, and (``--forest``) a random forest on pixels trained on a
subset (clean stroke-train renders + 100 bitmap-train rows per word).
Latency: onnxruntime, batch 1, 2 threads.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from inkling.learn.doodle_data import load_doodle_data
from inkling.learn.eval_doodle import EVAL_CACHE, evaluate, load_eval_set, torch_predict
from inkling.learn.forest import ForestPredictor, forest_training_set
from inkling.learn.onnx_export import export_onnx
from inkling.learn.teachers import ENSEMBLE_MODE, ENSEMBLE_RESNET_WEIGHT, load_signal
from inkling.learn.train_doodle import load_checkpoint

SECTION = "## Doodle recogniser: architectures vs DoodleNet"
DOC = Path(__file__).resolve().parents[1] / "docs" / "BENCHMARKS.md"


def latency_p99_ms(module: torch.nn.Module, channels: int, runs: int = 2000) -> float:
    """p99 of batch-1 onnxruntime latency (2 intra-op threads) in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        path = export_onnx(module, torch.zeros(1, channels, 28, 28), Path(tmp) / "m.onnx")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    x = np.random.default_rng(0).random((1, channels, 28, 28), dtype=np.float32)
    for _ in range(100):
        session.run(None, {name: x})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, {name: x})
        times.append(time.perf_counter() - start)
    return float(np.percentile(times, 99) * 1000)


def row(name: str, m: dict, latency: float | None) -> str:
    """One markdown table row."""
    cells = [m["strokes_top1"], m["strokes_top3"], m["bitmaps_top1"], m["bitmaps_top3"],
             m["replay_named_rate"],
             m["replay_mean_stroke_frac_at_first_correct"], m["replay_mean_time_frac_at_first_correct"],
             m["replay_named_by_half_strokes"]]  # fmt: skip
    lat = f"{latency:.3f}" if latency is not None else "n/a"
    return f"| {name} | " + " | ".join(f"{c:.3f}" for c in cells) + f" | {lat} |"


def main() -> None:
    """Evaluate every model and print (optionally write) the markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("INKLING_DATA_DIR", "../shared/data"))
    )
    parser.add_argument(
        "--checkpoint", type=Path, action="append", default=[], help="a .pt from inkling train"
    )
    parser.add_argument("--forest", action="store_true", help="also fit and score the random-forest baseline")
    parser.add_argument("--forest-trees", type=int, default=100, help="trees of the random forest")
    parser.add_argument("--write", action="store_true", help="replace this section of docs/BENCHMARKS.md")
    parser.add_argument("--rows-cache", type=Path, default=Path("runs/cache/compare-rows.json"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    es, classes = load_eval_set(args.data_dir, None, EVAL_CACHE)
    cache = json.loads(args.rows_cache.read_text()) if args.rows_cache.exists() else {}

    def cached(key: str, make: Callable[[], str]) -> str:
        if key not in cache:
            cache[key] = make()
            args.rows_cache.parent.mkdir(parents=True, exist_ok=True)
            args.rows_cache.write_text(json.dumps(cache, indent=1))
        return cache[key]

    def teacher_row(kind: str, label: str) -> str:
        teacher = load_signal(args.data_dir, classes, kind)
        m = evaluate(torch_predict(teacher, 1), es, classes)
        return row(label, m, latency_p99_ms(teacher, 1))

    mix = f"teacher ensemble (ResNet {ENSEMBLE_RESNET_WEIGHT:g}, {ENSEMBLE_MODE})"
    teachers = (("doodlenet", "DoodleNet (pretrained, ml5)"), ("resnet", "quickdraw-resnet (pretrained)"),
                ("ensemble", mix))  # fmt: skip
    rows = [
        cached(f"{kind}-v2-{label}", lambda k=kind, t=label: teacher_row(k, t)) for kind, label in teachers
    ]
    if args.forest:

        def forest_row() -> str:
            data = load_doodle_data(args.data_dir)
            started = time.perf_counter()
            forest = ForestPredictor(n_estimators=args.forest_trees, num_classes=len(classes))
            forest.fit(*forest_training_set(data))
            seconds = time.perf_counter() - started
            label = f"random forest, {args.forest_trees} trees, subset ({seconds:.0f} s fit)"
            return row(label, evaluate(forest, es, classes), None)

        rows.append(cached(f"forest-{args.forest_trees}", forest_row))
    for path in args.checkpoint:

        def checkpoint_row(path: Path = path) -> str:
            model, ckpt = load_checkpoint(path)
            m = evaluate(torch_predict(model, ckpt["in_channels"]), es, classes)
            cfg = ckpt["config"]
            done = ckpt.get("train", {}).get("steps_done", cfg["steps"])
            label = f"`{ckpt['arch']}` ({done} steps, KD w={cfg['kd_weight']}, T={cfg['temperature']})"
            print(path, "per-word worst:", sorted(m["per_word_top1"].items(), key=lambda kv: kv[1])[:8])
            return row(label, m, latency_p99_ms(model, ckpt["in_channels"]))

        rows.append(cached(f"{path}:{path.stat().st_mtime_ns}", checkpoint_row))
    header = (
        "| model | all-words top-1 | all-words top-3 | 64-word bitmaps top-1 | top-3 | live named-rate "
        "| strokes at 1st correct | time at 1st correct | named by half the strokes "
        "| p99 ms (batch 1, 2 thr) |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    table = header + "\n" + "\n".join(rows)
    print(table)
    if args.write:
        write_section(table, args)


def write_section(table: str, args: argparse.Namespace) -> None:
    """Replace (or append) this benchmark's section in docs/BENCHMARKS.md."""
    checkpoints = " ".join(f"--checkpoint {p}" for p in args.checkpoint)
    forest = f" --forest --forest-trees {args.forest_trees}" if args.forest else ""
    body = (
        f"{SECTION}\n\n```\nINKLING_DATA_DIR={args.data_dir} .venv/bin/python benchmarks/doodle_compare.py "
        f"{checkpoints}{forest} --write\n```\n\n"
        "Validation split (`inkling.learn.doodle_data`, never trained on): all-words = 5 stroke drawings "
        "per word (344 words, smallest sha1(key_id)), rendered through the ink pipeline; 64-word bitmaps = "
        "10 % of each class of `quickdraw_bitmaps_64class.npz` minus rows duplicating a training drawing. "
        "Live replay = every stroke prefix of each all-words validation drawing (raw ink, re-simplified like "
        "live play): named-rate = top-1 right at some prefix; earliness = mean share of strokes / of drawing "
        "time at the first right guess (lower is earlier).\n\n" + table + "\n"
    )
    text = DOC.read_text()
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    DOC.write_text(text)


if __name__ == "__main__":
    main()
