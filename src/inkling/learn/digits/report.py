"""The comparison report: a Markdown table of every family's result, written into docs/BENCHMARKS.md."""

from __future__ import annotations

import re
from pathlib import Path

from inkling.learn.digits.compare import FamilyResult

START = "<!-- digits-comparison:start -->"
END = "<!-- digits-comparison:end -->"


def _params(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(params.items())) or "defaults"


def _size(n: int) -> str:
    return f"{n:,}"


def comparison_table(results: list[FamilyResult]) -> str:
    """One Markdown row per family, best test accuracy first."""
    lines = [
        "| model | best params (GridSearchCV) | searched on (CV accuracy, time) | trained on | test accuracy "
        "| macro F1 | train time | inference (10k test images) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.title} | {_params(r.best_params)} "
            f"| {_size(r.search_size)} ({r.cv_accuracy:.2%}, {r.search_seconds:.0f} s) "
            f"| {_size(r.fit_size)} | {r.accuracy:.2%} | {r.macro_f1:.4f} | {r.train_seconds:.1f} s "
            f"| {r.inference_seconds:.2f} s |"
        )
    return "\n".join(lines)


def report_section(results: list[FamilyResult], command: str, notes: str = "") -> str:
    """The whole BENCHMARKS.md section (between markers, so a re-run replaces it)."""
    produced = sorted({r.command for r in results if r.command and r.command != command})
    body = [START, "## Digits: model comparison on MNIST", "", "```", *produced, command, "```", ""]
    body += [comparison_table(results), ""]
    if notes:
        body += [notes.strip(), ""]
    body.append(END)
    return "\n".join(body)


def write_section(path: Path, section: str) -> None:
    """Replace the digits section of ``path`` (or append it)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
