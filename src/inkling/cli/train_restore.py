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
    steps: int = typer.Option(
        None, help="optimiser steps in all (default 2400; with --resume: keep or extend)"
    ),
    batch_size: int = typer.Option(16, help="crops per step"),
    crop_min: int = typer.Option(64, help="smallest training crop side (px)"),
    crop_max: int = typer.Option(128, help="largest training crop side (px)"),
    lr: float = typer.Option(1e-3, help="Adam peak learning rate (warm-up, cosine decay)"),
    base: int = typer.Option(16, help="generator channels after the first layer"),
    levels: int = typer.Option(4, help="generator stride-2 levels"),
    l1_weight: float = typer.Option(100.0, help="weight of the L1 loss"),
    ssim_weight: float = typer.Option(10.0, help="weight of the (1 - SSIM) loss; 0 = off"),
    adv_weight: float = typer.Option(0.5, help="weight of the adversarial loss; 0 = off"),
    adv_start: float = typer.Option(0.75, help="share of steps before the adversarial loss starts"),
    eval_images: int = typer.Option(8, help="BSDS500 test images scored after every epoch"),
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

    from inkling.datasets.photos import bsds500_dir
    from inkling.restore.train import TrainConfig, load_checkpoint, train
    from inkling.settings import get_settings

    torch.set_num_threads(threads)
    settings = get_settings()
    root = bsds500_dir(data_dir=settings.data_dir, cache_dir=settings.cache_dir)
    state = None
    if resume:
        if not out_path.is_file():
            raise fail(f"nothing to resume: {out_path} does not exist")
        state, cfg, _ = load_checkpoint(out_path)
        if steps is not None:
            cfg.steps = steps
        cfg.max_minutes = max_minutes
        out.print(f"resuming {out_path} at step {state['step']} of {cfg.steps}")
    else:
        cfg = TrainConfig(
            steps=steps or 2400, batch_size=batch_size, crop_min=crop_min, crop_max=crop_max, lr=lr,
            base=base, levels=levels, l1_weight=l1_weight, ssim_weight=ssim_weight, adv_weight=adv_weight,
            adv_start=adv_start, eval_images=eval_images, max_minutes=max_minutes, image_limit=image_limit,
            workers=workers, seed=seed,
        )  # fmt: skip
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
