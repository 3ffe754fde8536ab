"""``inkling learn``: the learning loop's registry decisions (rollback here; runs build on it)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, database_session, fail, required_data_dir
from inkling.db import migrate
from inkling.db.engine import make_engine, session_scope
from inkling.registry import ModelNotFoundError
from inkling.services.lineage import NoPreviousChampionError, rollback
from inkling.settings import get_settings

app = typer.Typer(help="Learning from play: the challenger/champion loop over the model registry.")
console = Console()


@app.command("rollback")
def rollback_command(
    task: str = typer.Option("doodle", "--task", "-t", help="The task whose champion to roll back."),
    reason: str = typer.Option("", "--reason", help="Why (stored with the decision and audited)."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Serve the previous champion again; the current one becomes rolled_back (servers follow in seconds)."""
    hint = "run `inkling models load` (or `inkling db upgrade`)"
    with database_session(database_url, migrate_first=False, table="models", hint=hint) as session:
        try:
            current, previous = rollback(session, task, reason=reason)
        except (ModelNotFoundError, NoPreviousChampionError) as error:
            raise fail(str(error)) from error
        console.print(
            f"{task}: {current.name} v{current.version} rolled back; "
            f"{previous.name} v{previous.version} is the champion again",
            highlight=False,
        )


DEFAULT_WORK_DIR = Path("runs/loop")  # the loop's snapshots and ONNX files (inkling.learn.loop.run)


def _run_config(**options: Any) -> Any:
    """A ``LoopConfig`` from the command's options (training code is imported only when needed)."""
    from inkling.learn.loop.fit import FitConfig
    from inkling.learn.loop.run import LoopConfig

    fit = FitConfig(
        steps=options.pop("steps"), batch_size=options.pop("batch_size"), lr=options.pop("lr"),
        kd_weight=options.pop("kd_weight", FitConfig.kd_weight), wise=options.pop("wise", FitConfig.wise),
        logit_adjust=options.pop("logit_adjust", FitConfig.logit_adjust),
    )  # fmt: skip
    words = options.pop("words")
    return LoopConfig(
        words=[w.strip() for w in words.split(",") if w.strip()] if words else None, fit=fit, **options
    )


def _one_run(url: str, config: Any, work_dir: Path, quiet: bool) -> bool:
    """Run once under the database's learning lock; False when another run holds it."""
    from inkling.learn.loop.lock import learning_lock
    from inkling.learn.loop.run import run_once

    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with learning_lock(engine) as held:
            if not held:
                console.print("another learning run holds the lock; skipped", highlight=False)
                return False
            with session_scope(engine) as session:
                result = run_once(session, required_data_dir(), config, work_dir=work_dir, quiet=quiet)
                decision = "promoted" if result.promoted else "rejected"
                console.print(
                    f"challenger #{result.challenger_id} {decision}: {result.reason}", highlight=False
                )
                console.print(f"data {result.data_hash[:16]} {result.counts}", highlight=False)
        return True
    except (ModelNotFoundError, ValueError) as error:
        raise fail(str(error)) from error
    finally:
        engine.dispose()


@app.command("run")
def run_command(
    words: str | None = typer.Option(
        None,
        "--words",
        help="Comma-separated words for base data and benchmark (default: all the champion's).",
    ),
    steps: int = typer.Option(300, "--steps", help="Fine-tuning steps on every rank."),
    batch_size: int = typer.Option(64, "--batch-size", help="Rows per step per rank."),
    lr: float = typer.Option(3e-4, "--lr", help="AdamW learning rate."),
    base_per_word: int = typer.Option(200, "--base-per-word", help="Base drawings replayed per word."),
    max_extra_per_word: int | None = typer.Option(
        None, "--max-extra-per-word", help="Cap each quickdraw_extra file per word."
    ),
    extra: bool = typer.Option(
        True, "--extra/--no-extra", help="Replay the quickdraw_extra drawings as base data too."
    ),
    kd_weight: float = typer.Option(
        0.5, "--kd-weight", help="Share of the loss from the champion's soft targets (the rest: labels)."
    ),
    wise: float = typer.Option(
        0.6, "--wise", min=0.0, max=1.0, help="Share of the fine-tune's weight change kept (WiSE-FT)."
    ),
    logit_adjust: float = typer.Option(
        0.0, "--logit-adjust", min=0.0, help="Label term on scores + tau x log label prior (0: off)."
    ),
    play_share: float = typer.Option(
        0.3, "--play-share", min=0.0, max=0.95, help="Play's share of the training rows (rows repeated)."
    ),
    holdout_share: float = typer.Option(
        0.3, "--holdout-share", help="Newest share of labelled play held out to judge on."
    ),
    alpha: float = typer.Option(0.05, "--alpha", help="One-sided McNemar level on each split."),
    outlier_filter: bool = typer.Option(
        True, "--filter/--no-filter", help="Keep outliers out of training and flag them."
    ),
    per_word_floor: bool = typer.Option(
        False,
        "--per-word-floor/--pooled-floor",
        help="The filter's label-probability floor per word (else one floor for every word).",
    ),
    pseudo_labels: bool = typer.Option(
        True,
        "--pseudo/--no-pseudo",
        help="Weak play trains with the champion's confident label (else its prompt).",
    ),
    nproc: int = typer.Option(
        1, "--nproc", min=1, help="Training processes (> 1: DistributedDataParallel via torchrun, gloo)."
    ),
    work_dir: Path = typer.Option(
        DEFAULT_WORK_DIR, "--work-dir", help="Where runs keep their snapshot and ONNX files."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Snapshot play + base data, fine-tune a challenger from the champion, promote it only if it wins."""
    config = _run_config(
        **{k: v for k, v in locals().items() if k not in ("work_dir", "quiet", "database_url")}
    )
    _one_run(database_url or get_settings().database_url, config, work_dir, quiet)


@app.command("worker")
def worker_command(
    every: str = typer.Option("1h", "--every", help="Time between runs: 90s, 30m, 1h, 1d."),
    runs: int | None = typer.Option(None, "--runs", help="Stop after this many runs (default: never)."),
    steps: int = typer.Option(300, "--steps", help="Fine-tuning steps on every rank."),
    nproc: int = typer.Option(1, "--nproc", min=1, help="Training processes (torchrun when > 1)."),
    work_dir: Path = typer.Option(DEFAULT_WORK_DIR, "--work-dir", help="Where runs keep their files."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Run the learning loop on a schedule; a run another worker holds the lock for is skipped."""
    seconds = parse_every(every)
    config = _run_config(words=None, steps=steps, batch_size=64, lr=1e-4, nproc=nproc)
    url = database_url or get_settings().database_url
    done = 0
    while runs is None or done < runs:
        started = time.monotonic()
        _one_run(url, config, work_dir, quiet=True)
        done += 1
        if runs is None or done < runs:
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))


def parse_every(text: str) -> float:
    """Seconds in ``90s``, ``30m``, ``1h``, ``1d`` (a bare number is seconds)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        seconds = float(value) * units[unit]
    except ValueError:
        raise typer.BadParameter(f"not a duration: {text!r} (e.g. 90s, 30m, 1h)") from None
    if seconds <= 0:
        raise typer.BadParameter("the interval must be positive")
    return seconds
