"""Train the pix2pix restorer on BSDS500 train+val, degraded on the fly; evaluate on BSDS500 test.

    INKLING_DATA_DIR=../shared/data .venv/bin/inkling train restore --out runs/restore.pt

Checkpoints are self-describing (config, generator/discriminator weights and shapes, optimisers,
step, evaluation history) and resumable: ``--resume runs/restore.pt`` continues at the saved step
with the same batches it would have seen (batch ``k`` is made from ``default_rng([seed, k])``).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from inkling.inference.timebase import correct_line_jitter
from inkling.restore.data import TRAIN_SPLITS, CropSpec, EvalPair, eval_pairs, iter_batches, load_split_images
from inkling.restore.degrade import CLEAN_PROB, CORE_PROB
from inkling.restore.evaluate import reference_scores, score
from inkling.restore.pix2pix import (
    DiscriminatorConfig,
    GeneratorConfig,
    PatchDiscriminator,
    UNetGenerator,
    count_parameters,
    ssim_torch,
)

CHECKPOINT_FORMAT = "inkling-restore-pix2pix/1"


@dataclass
class TrainConfig:
    """Every hyperparameter of a run (stored in the checkpoint)."""

    steps: int = 2400  # optimiser steps in all
    batch_size: int = 16  # crops per step
    crop_min: int = 64  # smallest training crop side (px, multiple of 2**levels)
    crop_max: int = 128  # largest training crop side (px)
    crops_per_image: int = 8  # an "epoch" = this many crops per training image; evaluation after each
    lr: float = 1e-3  # Adam peak learning rate (generator and discriminator); cosine decay to lr/20
    warmup: int = 20  # linear learning-rate warm-up steps
    beta1: float = 0.5  # Adam beta1, as in pix2pix
    l1_weight: float = 100.0  # lambda of the L1 term (pix2pix: 100)
    ssim_weight: float = 10.0  # weight of (1 - SSIM); 0 turns it off
    adv_weight: float = 0.5  # weight of the adversarial term; 0 trains L1 (+SSIM) only
    adv_start: float = 0.75  # share of the steps trained without the adversarial term (D idle)
    base: int = 16  # generator channels after the first layer
    levels: int = 4  # generator stride-2 levels (inputs are multiples of 2**levels)
    max_channels: int = 128  # generator channel cap
    stem: str = "unshuffle"  # generator's first layer: "unshuffle" (lossless space-to-depth) or "conv"
    timebase: bool = True  # the line time-base corrector runs before the generator (training and serving)
    clean_prob: float = CLEAN_PROB  # share of training crops left undegraded
    core_prob_min: float = CORE_PROB  # each crop's chance per artifact is drawn from min..max
    core_prob_max: float = CORE_PROB
    d_base: int = 16  # discriminator channels of the first layer
    d_layers: int = 3  # discriminator stride-2 layers (3 = 70x70 patches)
    eval_images: int = 8  # BSDS500 test images scored after each epoch (the first N, fixed degradations)
    max_minutes: float | None = None  # stop early (and save) after this much wall-clock time
    image_limit: int | None = None  # use only the first N training images (quick runs)
    workers: int = 1  # processes degrading batches in parallel with training (0 = inline)
    seed: int = 0  # seeds weights, batches and degradations
    extra: dict[str, Any] = field(default_factory=dict)  # free-form notes kept in the checkpoint

    @property
    def generator(self) -> GeneratorConfig:
        """The generator's shape."""
        return GeneratorConfig(
            base=self.base, levels=self.levels, max_channels=self.max_channels, stem=self.stem
        )


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Warm-up then cosine decay from ``lr`` to ``lr / 20``."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    t = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def pad_to_multiple(x: torch.Tensor, multiple: int) -> tuple[torch.Tensor, int, int]:
    """Reflect-pad (N, C, H, W) at the bottom/right to multiples of ``multiple``; return the pads."""
    ph, pw = -x.shape[2] % multiple, -x.shape[3] % multiple
    return (F.pad(x, (0, pw, 0, ph), mode="reflect") if ph or pw else x), ph, pw


def torch_restorer(generator: UNetGenerator, timebase: bool = False) -> Any:
    """A NumPy (H, W, 3) -> (H, W, 3) restorer running ``generator`` on the whole image."""

    def restore(image: np.ndarray) -> np.ndarray:
        if timebase:
            image = correct_line_jitter(image)[0]
        x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)[None], dtype=np.float32))
        x, _, _ = pad_to_multiple(x, generator.config.multiple)
        with torch.no_grad():
            y = generator(x)[0, :, : image.shape[0], : image.shape[1]]
        return y.clamp(0, 1).numpy().transpose(1, 2, 0)

    return restore


def new_state(cfg: TrainConfig) -> dict[str, Any]:
    """Fresh generator, discriminator and optimisers for ``cfg``."""
    torch.manual_seed(cfg.seed)
    gen = UNetGenerator(cfg.generator)
    disc = PatchDiscriminator(DiscriminatorConfig(base=cfg.d_base, layers=cfg.d_layers))
    betas = (cfg.beta1, 0.999)
    return {
        "generator": gen,
        "discriminator": disc,
        "opt_g": torch.optim.Adam(gen.parameters(), lr=cfg.lr, betas=betas),
        "opt_d": torch.optim.Adam(disc.parameters(), lr=cfg.lr, betas=betas),
        "step": 0,
        "history": [],
    }


def save_checkpoint(
    state: dict[str, Any], cfg: TrainConfig, path: Path, extra: dict[str, Any] | None = None
) -> Path:
    """Write a self-describing, resumable checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": CHECKPOINT_FORMAT,
        "config": asdict(cfg),
        "generator_config": asdict(state["generator"].config),
        "generator": state["generator"].state_dict(),
        "discriminator_config": asdict(state["discriminator"].config),
        "discriminator": state["discriminator"].state_dict(),
        "opt_g": state["opt_g"].state_dict(),
        "opt_d": state["opt_d"].state_dict(),
        "step": state["step"],
        "history": state["history"],
        **(extra or {}),
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)
    return path


def load_checkpoint(path: Path) -> tuple[dict[str, Any], TrainConfig, dict[str, Any]]:
    """(state, config, raw checkpoint) rebuilt from a checkpoint file."""
    raw = torch.load(Path(path), map_location="cpu", weights_only=False)
    if raw.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path}: not a restore checkpoint (format {raw.get('format')!r})")
    # runs from before these options: a "conv" stem, no time-base corrector
    cfg = TrainConfig(**{"stem": "conv", "timebase": False, **raw["config"]})
    state = new_state(cfg)
    for key in ("generator", "discriminator", "opt_g", "opt_d"):
        state[key].load_state_dict(raw[key])
    state["step"], state["history"] = raw["step"], raw["history"]
    return state, cfg, raw


def evaluate_generator(gen: UNetGenerator, pairs: list[EvalPair], timebase: bool = False) -> dict[str, float]:
    """PSNR/SSIM of the generator (eval mode, after the time-base corrector if ``timebase``) on ``pairs``."""
    was_training = gen.training
    gen.eval()
    try:
        return score(pairs, torch_restorer(gen, timebase))
    finally:
        gen.train(was_training)


def _train_step(
    state: dict[str, Any], cfg: TrainConfig, x: torch.Tensor, y: torch.Tensor
) -> dict[str, float]:
    """One generator step (and one discriminator step once adversarial training has started)."""
    gen, disc, opt_g, opt_d = state["generator"], state["discriminator"], state["opt_g"], state["opt_d"]
    step = state["step"]
    for opt in (opt_g, opt_d):
        for group in opt.param_groups:
            group["lr"] = lr_at(cfg, step)
    adversarial = cfg.adv_weight > 0 and step >= cfg.adv_start * cfg.steps
    fake = gen(x)
    logs: dict[str, float] = {}
    if adversarial:
        opt_d.zero_grad(set_to_none=True)
        real_logits, fake_logits = disc(x, y), disc(x, fake.detach())
        loss_d = 0.5 * (
            F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        )
        loss_d.backward()
        opt_d.step()
        logs["d"] = float(loss_d.detach())
    opt_g.zero_grad(set_to_none=True)
    l1 = F.l1_loss(fake, y)
    loss = cfg.l1_weight * l1
    if cfg.ssim_weight > 0:
        loss = loss + cfg.ssim_weight * (1 - ssim_torch(fake.clamp(0, 1), y))
    if adversarial:
        logits = disc(x, fake)
        adv = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
        loss = loss + cfg.adv_weight * adv
        logs["adv"] = float(adv.detach())
    loss.backward()
    opt_g.step()
    logs["l1"] = float(l1.detach())
    return logs


def train(
    cfg: TrainConfig,
    data_root: Path,
    out_path: Path,
    *,
    state: dict[str, Any] | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Train (or continue ``state``) to ``cfg.steps``, evaluating and checkpointing each epoch; the state."""
    state = state or new_state(cfg)
    images = load_split_images(data_root, TRAIN_SPLITS, cfg.image_limit)
    pairs = eval_pairs(data_root, cfg.eval_images)
    reference = reference_scores(pairs)
    spec = CropSpec(
        cfg.crop_min, cfg.crop_max, cfg.generator.multiple, cfg.timebase,
        cfg.clean_prob, (cfg.core_prob_min, cfg.core_prob_max),
    )  # fmt: skip
    steps_per_epoch = max(1, math.ceil(len(images) * cfg.crops_per_image / cfg.batch_size))
    start, started = state["step"], time.monotonic()
    state["generator"].train()
    state["discriminator"].train()
    progress = Progress(
        TextColumn("restore"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[info]}"), disable=quiet,
    )  # fmt: skip
    stopped_early = False
    with progress:
        task = progress.add_task("train", total=cfg.steps, completed=start, info="")
        batches = iter_batches(images, cfg.batch_size, spec, cfg.seed, start, cfg.steps, cfg.workers)
        for degraded, clean in batches:
            logs = _train_step(state, cfg, torch.from_numpy(degraded), torch.from_numpy(clean))
            state["step"] += 1
            step = state["step"]
            info = " ".join(f"{k} {v:.4f}" for k, v in logs.items())
            progress.update(task, advance=1, info=info)
            out_of_time = cfg.max_minutes is not None and time.monotonic() - started > 60 * cfg.max_minutes
            if step % steps_per_epoch == 0 or step == cfg.steps or out_of_time:
                metrics = evaluate_generator(state["generator"], pairs, cfg.timebase)
                state["history"].append({"step": step, "epoch": step / steps_per_epoch, **logs, **metrics})
                progress.console.print(
                    f"step {step} epoch {step / steps_per_epoch:.1f}: PSNR {metrics['psnr']:.2f} "
                    f"SSIM {metrics['ssim']:.4f} (input {reference['degraded']['psnr']:.2f}/"
                    f"{reference['degraded']['ssim']:.4f}, baseline {reference['baseline']['psnr']:.2f}/"
                    f"{reference['baseline']['ssim']:.4f})"
                )
                save_checkpoint(state, cfg, out_path, _run_info(state, reference, started, start))
            if out_of_time:
                stopped_early = True
                break
    if hasattr(batches, "close"):
        batches.close()
    state["stopped_early"] = stopped_early
    save_checkpoint(state, cfg, out_path, _run_info(state, reference, started, start, stopped_early))
    return state


def _run_info(
    state: dict[str, Any], reference: dict[str, Any], started: float, start: int, stopped_early: bool = False
) -> dict[str, Any]:
    """What a checkpoint records about the run so far."""
    return {
        "reference": reference,
        "metrics": state["history"][-1] if state["history"] else {},
        "train": {
            "seconds_this_run": round(time.monotonic() - started, 1),
            "started_at_step": start,
            "stopped_early": stopped_early,
            "generator_parameters": count_parameters(state["generator"]),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        },
    }
