"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/ink_pipeline_speed.py [--baseline-rev 57799da]

Speed of the ink pipeline (parse -> simplify -> rasterise to 28x28, ``inkling.ink``) against an older
revision's, in the same run: the baseline's ``src`` is extracted with ``git archive REV src`` into a
temporary folder (``benchmarks.serving.source_tree``), and each side runs in its own subprocess
(``PYTHONPATH`` = that side's ``src``) on the same drawings: official raw Quick, Draw! drawings and
their stroke prefixes (the first 1, 2, ... n strokes, as the game sends them). The two sides take
turns for ``--rounds`` rounds; each reports the CPU time of its best pass, per stage and end to end,
and a digest of its simplified strokes (equal digests: both simplify every drawing identically).
Prints drawings per second and the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RAW = Path("quickdraw/quickdraw_raw_sample.ndjson.gz")
STAGES = ("parse", "simplify", "rasterise")


def drawings(data_dir: Path, every: int) -> list[list[Any]]:
    """Every ``every``-th raw sample drawing, each followed by its shorter stroke prefixes."""
    found = []
    with gzip.open(data_dir / RAW, "rt", encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if index % every == 0:
                drawing = json.loads(line)["drawing"]
                found.extend(drawing[:k] for k in range(1, len(drawing) + 1))
    return found


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


def worker(args: argparse.Namespace) -> None:
    """Subprocess side: time ``--repeat`` passes, print the best one as JSON."""
    work = json.loads(Path(args.work).read_text())
    best = min((measure(work) for _ in range(args.repeat)), key=lambda r: sum(r["seconds"].values()))
    print(json.dumps(best))


def run_side(src: Path, work_file: Path, repeat: int) -> dict[str, Any]:
    """Run the worker with ``src`` first on ``PYTHONPATH``; its JSON result."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--worker", "--work", str(work_file), "--repeat", str(repeat)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True, cwd=src.parent).stdout
    return json.loads(out.strip().splitlines()[-1])


def best_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of several results (least total CPU time)."""
    return min(results, key=lambda r: sum(r["seconds"].values()))


def main() -> None:
    """Parse arguments, run both sides in turns, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("INKLING_DATA_DIR"))
    parser.add_argument("--baseline-rev", default="57799da", help="git revision to compare against")
    parser.add_argument("--every", type=int, default=20, help="use every n-th raw sample drawing")
    parser.add_argument("--rounds", type=int, default=3, help="turns each side takes")
    parser.add_argument("--repeat", type=int, default=2, help="passes per turn (the best counts)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.data_dir is None:
        parser.error("set INKLING_DATA_DIR (or pass --data-dir) to the local data mirror")
    work = drawings(Path(args.data_dir), args.every)
    points = sum(len(stroke[0]) for raw in work for stroke in raw) / len(work)
    if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
        sys.path.insert(0, str(REPO))
    from benchmarks.serving import source_tree

    with tempfile.TemporaryDirectory() as tmp, source_tree(args.baseline_rev) as old_src:
        assert old_src is not None
        work_file = Path(tmp) / "work.json"
        work_file.write_text(json.dumps(work))
        sides: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            sides["old"].append(run_side(old_src, work_file, args.repeat))
            sides["new"].append(run_side(REPO / "src", work_file, args.repeat))
    old, new = best_of(sides["old"]), best_of(sides["new"])
    print(f"{len(work)} drawings (every {args.every}th raw sample drawing and its stroke prefixes), ", end="")
    print(f"{points:.0f} raw points on average; CPU time, best of {args.rounds} x {args.repeat} passes")
    print(f"simplified strokes identical in both: {'yes' if old['digest'] == new['digest'] else 'NO'}")
    print()
    print("| code | parse | simplify | rasterise | per drawing | drawings/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in ((f"old ({args.baseline_rev})", old), ("new (working tree)", new)):
        per = {stage: result["seconds"][stage] / len(work) * 1e3 for stage in STAGES}
        total = sum(per.values())
        cells = " | ".join(f"{per[stage]:.3f} ms" for stage in STAGES)
        print(f"| {name} | {cells} | {total:.3f} ms | {1e3 / total:,.0f} |")
    ratio = sum(old["seconds"].values()) / sum(new["seconds"].values())
    print(f"\nnew / old drawings per second: {ratio:.2f}x")


if __name__ == "__main__":
    main()
