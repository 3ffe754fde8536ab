"""``inkling train restore``: train the pix2pix VHS frame restorer; optionally export and register it."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from inkling.cli.common import DatabaseUrl, fail

out = Console()


def restore(
    out_path: Path = typer.Option(
        Path("runs/restore.pt"), "--out", help="checkpoint to write (and resume from)"
    ),
    resume: bool = typer.Option(False, help="continue the checkpoint at --out from its saved step"),
    init_from: Path = typer.Option(
        None, help="start a new run from the generator weights (and shape) of an exported restore model"
    ),
    steps: int = typer.Option(None, help="optimiser steps in all (default 2400; with --resume: extend)"),
    batch_size: int = typer.Option(None, help="crops per step (default 16)"),
    crop_min: int = typer.Option(None, help="smallest training crop side in px (default 64)"),
    crop_max: int = typer.Option(None, help="largest training crop side in px (default 128)"),
    lr: float = typer.Option(None, help="Adam peak learning rate, warm-up then cosine decay (default 1e-3)"),
    base: int = typer.Option(None, help="generator channels after the first layer (default 16)"),
    levels: int = typer.Option(None, help="generator stride-2 levels (default 4)"),
    stem: str = typer.Option(None, help="generator's first layer: unshuffle (default) or conv"),
    timebase: bool = typer.Option(
        None, "--timebase/--no-timebase", help="line time-base corrector before the generator (default on)"
    ),
    l1_weight: float = typer.Option(None, help="weight of the L1 loss (default 100)"),
    ssim_weight: float = typer.Option(None, help="weight of the (1 - SSIM) loss; 0 = off (default 10)"),
    adv_weight: float = typer.Option(None, help="weight of the adversarial loss; 0 = off (default 0.5)"),
    adv_start: float = typer.Option(None, help="share of steps before the adversarial loss (default 0.75)"),
    clean_prob: float = typer.Option(None, help="share of training crops left undegraded (default 0.03)"),
    core_prob: tuple[float, float] | None = typer.Option(
        None, help="each crop's chance per VHS artifact, drawn from MIN MAX (default 0.7 0.7)"
    ),
    eval_images: int = typer.Option(None, help="BSDS500 test images scored after every epoch (default 8)"),
    max_minutes: float = typer.Option(None, help="stop (and save) after this many minutes"),
    image_limit: int = typer.Option(None, help="use only the first N training images (quick runs)"),
    workers: int = typer.Option(1, help="processes degrading batches beside training (0 = inline)"),
    threads: int = typer.Option(1, help="torch threads (2 spin on a crowded 2-core box: 5x slower per step)"),
    seed: int = typer.Option(0, help="random seed"),
    onnx_path: Path = typer.Option(None, "--onnx", help="export the generator here (+ .json sidecar)"),
    register: bool = typer.Option(False, help="register the exported model in the database and activate it"),
    database_url: str = DatabaseUrl,
    quiet: bool = typer.Option(False, help="no progress bar"),
) -> None:
    """Train the restorer on BSDS500 train+val degraded on the fly; PSNR/SSIM on BSDS500 test each epoch."""
    import torch

    from inkling.datasets.download import file_sha256
    from inkling.datasets.photos import bsds500_dir
    from inkling.restore.train import TrainConfig, load_checkpoint, new_state, train
    from inkling.settings import get_settings

    torch.set_num_threads(threads)
    core_low, core_high = core_prob or (None, None)
    given = {
        "steps": steps, "batch_size": batch_size, "crop_min": crop_min, "crop_max": crop_max, "lr": lr,
        "base": base, "levels": levels, "stem": stem, "timebase": timebase,
        "l1_weight": l1_weight, "ssim_weight": ssim_weight,
        "adv_weight": adv_weight, "adv_start": adv_start, "eval_images": eval_images,
        "clean_prob": clean_prob, "core_prob_min": core_low, "core_prob_max": core_high,
    }  # fmt: skip
    given = {key: value for key, value in given.items() if value is not None}
    low, high = given.get("core_prob_min", 0.0), given.get("core_prob_max", 1.0)
    if not 0 <= low <= high <= 1 or not 0 <= given.get("clean_prob", 0.0) <= 1:
        raise fail("--core-prob needs 0 <= MIN <= MAX <= 1 and --clean-prob a share in 0..1")
    state = None
    if resume:
        if not out_path.is_file():
            raise fail(f"nothing to resume: {out_path} does not exist")
        if {"base", "levels", "stem"} & set(given):
            raise fail("--base, --levels and --stem cannot change when resuming")
        state, cfg, _ = load_checkpoint(out_path)
        for key, value in given.items():  # options given now override the run's settings
            setattr(cfg, key, value)
        cfg.max_minutes, cfg.workers = max_minutes, workers
        cfg.extra.setdefault("resumes", []).append({"at_step": state["step"], **given})
        out.print(
            f"resuming {out_path} at step {state['step']} of {cfg.steps} with {given or 'its settings'}"
        )
    else:
        if init_from is not None:
            if {"base", "levels", "stem"} & set(given):
                raise fail("--base, --levels and --stem come from the --init-from model")
            from inkling.restore.export import generator_weights

            try:
                shape, weights = generator_weights(init_from)
            except (OSError, ValueError) as exc:
                raise fail(f"cannot start from {init_from}: {exc}") from exc
            given |= {key: shape[key] for key in ("base", "levels", "max_channels", "stem")}
        cfg = TrainConfig(
            **given, max_minutes=max_minutes, image_limit=image_limit, workers=workers, seed=seed
        )
        if init_from is not None:
            state = new_state(cfg)
            state["generator"].load_state_dict(weights)
            cfg.extra["init_from"] = {"path": str(init_from), "sha256": file_sha256(init_from)}
    settings = get_settings()
    root = bsds500_dir(data_dir=settings.data_dir, cache_dir=settings.cache_dir)
    state = train(cfg, root, out_path, state=state, quiet=quiet)
    summary = {"checkpoint": str(out_path), "step": state["step"], "metrics": state["history"][-1:]}
    if onnx_path is not None:
        from inkling.restore.export import export_checkpoint, write_meta

        meta = export_checkpoint(out_path, onnx_path)
        write_meta(meta, onnx_path.with_suffix(".json"))
        summary |= {"onnx": str(onnx_path), "bytes": onnx_path.stat().st_size, "parity": meta["parity"]}
        if register:
            from inkling.cli.common import database_session
            from inkling.restore.export import register as register_row

            with database_session(database_url, migrate_first=True, table="models", hint="") as session:
                row = register_row(session, onnx_path, meta)
                summary["registered"] = f"{row.name} v{row.version} (active)"
    out.print(json.dumps(summary, indent=1))
