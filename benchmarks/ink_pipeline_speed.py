"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/ink_pipeline_speed.py [--baseline-rev 57799da]

Speed of the ink pipeline (parse -> simplify -> rasterise to 28x28, ``inkling.ink``) against an older
revision's, in the same run: the baseline's ``src`` is extracted with ``git archive REV src`` into a
temporary folder (``benchmarks.serving.source_tree``), and each side runs in its own subprocess
(``PYTHONPATH`` = that side's ``src``) on the same drawings: official raw Quick, Draw! drawings and
their stroke prefixes (the first 1, 2, ... n strokes, as the game sends them). The two sides take
turns for ``--rounds`` rounds; each reports the CPU time of its best pass, per stage and end to end,
and a digest of its simplified strokes (equal digests: both simplify every drawing identically).
Prints drawings per second and the ratio. Then, with ``--threads N`` (default 32; 0 skips it), each
side's guess capacity in one process without HTTP: N threads call ``services.doodles.guess_doodle``
(the shipped doodle model, one ONNX Runtime thread) on the same drawings for ``--guess-seconds``;
guesses per second, CPU time per guess and rows per model call (the old code has no batching).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from itertools import cycle
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STAGES = ("parse", "simplify", "rasterise")


def measure(work: list[list[Any]]) -> dict[str, Any]:
    """One timed pass over ``work`` with the ``inkling.ink`` on ``sys.path``: CPU seconds per stage."""
    from inkling.ink import parse_ink, rasterise, simplify_ink

    seconds = dict.fromkeys(STAGES, 0.0)
    digest = hashlib.sha256()
    for raw in work:
        started = time.process_time()
        ink = parse_ink(raw, strict_times=False)
        parsed = time.process_time()
        simple = simplify_ink(ink)
        simplified = time.process_time()
        rasterise(simple, 28)
        done = time.process_time()
        seconds["parse"] += parsed - started
        seconds["simplify"] += simplified - parsed
        seconds["rasterise"] += done - simplified
        digest.update(json.dumps(simple.to_lists()).encode())
    return {"seconds": seconds, "digest": digest.hexdigest()}


def guess_capacity(work: list[list[Any]], threads: int, seconds: float) -> dict[str, float]:
    """``threads`` threads calling ``guess_doodle`` on ``work`` for ``seconds``: guesses, wall, CPU."""
    from inkling.inference import DoodlePredictor
    from inkling.ink import InkError
    from inkling.services.doodles import guess_doodle
    from inkling.services.models import default_shipped_model

    predictor = DoodlePredictor.from_files(default_shipped_model("doodle").path, threads=1)
    counts = [0] * threads
    stop_at = time.monotonic() + seconds

    def guess(raw: list[Any]) -> None:
        with suppress(InkError):  # the guess API refuses times that step back, in both codes
            guess_doodle(predictor, raw)

    def loop(index: int) -> None:
        for raw in cycle(work[index::threads]):
            if time.monotonic() > stop_at:
                return
            guess(raw)
            counts[index] += 1

    for raw in work[:20]:  # warm-up
        guess(raw)
    batcher = getattr(predictor, "batcher", None)
    calls, rows = (batcher.calls, batcher.rows) if batcher else (0, 0)
    cpu, wall = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(loop, range(threads)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_call = (batcher.rows - rows) / max(batcher.calls - calls, 1) if batcher else 1.0
    return {"guesses": sum(counts), "wall_s": wall, "cpu_s": cpu, "rows_per_call": per_call}


def worker(args: argparse.Namespace) -> None:
    """Subprocess side: time ``--repeat`` passes (print the best) and, if asked, the guess capacity."""
    work = json.loads(Path(args.work).read_text())
    best = min((measure(work) for _ in range(args.repeat)), key=lambda r: sum(r["seconds"].values()))
    if args.threads:
        best["capacity"] = guess_capacity(work, args.threads, args.guess_seconds)
    print(json.dumps(best))


def run_side(src: Path, work_file: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run the worker with ``src`` first on ``PYTHONPATH``; its JSON result."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--worker", "--work", str(work_file), "--repeat", str(args.repeat)]
    command += ["--threads", str(args.threads), "--guess-seconds", str(args.guess_seconds)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True, cwd=src.parent).stdout
    return json.loads(out.strip().splitlines()[-1])


def best_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of several results (least total CPU time)."""
    return min(results, key=lambda r: sum(r["seconds"].values()))


def most_guesses(results: list[dict[str, Any]]) -> dict[str, float]:
    """The guess capacity of the round with the most guesses per second."""
    return max((r["capacity"] for r in results), key=lambda c: c["guesses"] / c["wall_s"])


def print_capacity(sides: dict[str, list[dict[str, Any]]], names: dict[str, str], threads: int) -> None:
    """The guess capacity table (best round of each side) and the ratio."""
    print(f"\n`guess_doodle` in one process, {threads} threads, no HTTP (best round):\n")
    print("| code | guesses/s | CPU per guess | rows per model call |")
    print("|---|---:|---:|---:|")
    rates = {}
    for side, name in names.items():
        best = most_guesses(sides[side])
        rates[side] = best["guesses"] / best["wall_s"]
        cpu = best["cpu_s"] / best["guesses"] * 1e3
        print(f"| {name} | {rates[side]:,.0f} | {cpu:.2f} ms | {best['rows_per_call']:.1f} |")
    print(f"\nnew / old guesses per second: {rates['new'] / rates['old']:.2f}x")


def main() -> None:
    """Parse arguments, run both sides in turns, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("INKLING_DATA_DIR"))
    parser.add_argument("--baseline-rev", default="57799da", help="git revision to compare against")
    parser.add_argument("--every", type=int, default=20, help="use every n-th raw sample drawing")
    parser.add_argument("--rounds", type=int, default=3, help="turns each side takes")
    parser.add_argument("--repeat", type=int, default=2, help="passes per turn (the best counts)")
    parser.add_argument("--threads", type=int, default=32, help="threads of the guess capacity run (0: none)")
    parser.add_argument("--guess-seconds", type=float, default=5.0, help="length of each guess capacity run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.data_dir is None:
        parser.error("set INKLING_DATA_DIR (or pass --data-dir) to the local data mirror")
    if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
        sys.path.insert(0, str(REPO))
    from benchmarks.guess_load import prefixes
    from benchmarks.serving import source_tree

    work = prefixes(Path(args.data_dir), args.every)
    points = sum(len(stroke[0]) for raw in work for stroke in raw) / len(work)

    with tempfile.TemporaryDirectory() as tmp, source_tree(args.baseline_rev) as old_src:
        assert old_src is not None
        work_file = Path(tmp) / "work.json"
        work_file.write_text(json.dumps(work))
        sides: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            sides["old"].append(run_side(old_src, work_file, args))
            sides["new"].append(run_side(REPO / "src", work_file, args))
    old, new = best_of(sides["old"]), best_of(sides["new"])
    print(f"{len(work)} drawings (every {args.every}th raw sample drawing and its stroke prefixes), ", end="")
    print(f"{points:.0f} raw points on average; CPU time, best of {args.rounds} x {args.repeat} passes")
    print(f"simplified strokes identical in both: {'yes' if old['digest'] == new['digest'] else 'NO'}")
    print()
    names = {"old": f"old ({args.baseline_rev})", "new": "new (working tree)"}
    print("| code | parse | simplify | rasterise | per drawing | drawings/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in ((names["old"], old), (names["new"], new)):
        per = {stage: result["seconds"][stage] / len(work) * 1e3 for stage in STAGES}
        total = sum(per.values())
        cells = " | ".join(f"{per[stage]:.3f} ms" for stage in STAGES)
        print(f"| {name} | {cells} | {total:.3f} ms | {1e3 / total:,.0f} |")
    ratio = sum(old["seconds"].values()) / sum(new["seconds"].values())
    print(f"\nnew / old drawings per second: {ratio:.2f}x")
    if args.threads:
        print_capacity(sides, names, args.threads)


if __name__ == "__main__":
    main()
