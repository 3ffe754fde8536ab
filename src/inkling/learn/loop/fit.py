"""Fine-tune a challenger from the champion: distillation from the frozen champion + the snapshot's labels.

    torchrun --standalone --nproc_per_node 2 -m inkling.learn.loop.fit --champion C.onnx --snapshot S.ndjson \
        --out challenger.pt

Runs in one process, or under ``torchrun`` as PyTorch DistributedDataParallel (gloo on CPU): every rank
streams its own shard of the snapshot (:class:`SnapshotStream`), gradients are averaged across ranks, and
rank 0 writes the weights. The loss is ``train_doodle.distillation_loss``: the champion's softened
prediction on the same augmented input (nothing learnt is forgotten) mixed with the snapshot's label.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

from inkling.learn.augment import affine_bitmaps
from inkling.learn.loop.champion import Champion, rebuild
from inkling.learn.loop.stream import SnapshotStream, label_counts
from inkling.learn.train_doodle import distillation_loss


@dataclass
class FitConfig:
    """The fine-tuning's hyperparameters (stored in the challenger's metadata)."""

    steps: int = 300  # optimiser steps on every rank
    batch_size: int = 64  # rows per step per rank
    lr: float = 3e-4  # AdamW learning rate (fine-tuning: small and constant after warm-up)
    warmup: int = 20  # linear warm-up steps
    weight_decay: float = 1e-4  # AdamW weight decay
    temperature: float = 2.0  # distillation temperature
    kd_weight: float = 0.5  # share of the loss from the champion's soft targets (the rest: labels)
    logit_adjust: float = 0.0  # tau: the label term sees scores + tau * log(prior of the snapshot's labels)
    wise: float = 0.6  # share of the fine-tune's weight change kept (WiSE-FT; 1: the fine-tuned weights)
    bitmap_aug: float = 0.7  # chance a row gets the small zoom/shift bitmap affine
    seed: int = 0  # seeds the stream's shuffling, augmentation and dropout
    workers: int = 0  # data-loader worker processes per rank (0: read in the training process)


class Logits(nn.Module):
    """``net.logits`` as ``forward``, so DistributedDataParallel sees (and syncs) the training pass."""

    def __init__(self, net: Champion) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores."""
        return self.net.logits(x)


def _label_offset(snapshot: Path, classes: int, tau: float) -> torch.Tensor | None:
    """``tau`` x the log prior of the snapshot's labels (smoothed; centred), or None when ``tau`` is 0.

    Play is a few words repeated against a balanced replay; without the offset the label term teaches
    the challenger to name those words more often everywhere, and it loses other words' drawings.
    """
    if tau == 0:
        return None
    counts = label_counts(snapshot, classes).astype("float64") + 1.0
    prior = torch.from_numpy(counts / counts.sum()).float().log()
    return tau * (prior - prior.mean())


def fit(
    champion: Champion, snapshot: Path, cfg: FitConfig, *, rank: int = 0, world: int = 1, quiet: bool = False
) -> Champion:
    """The fine-tuned copy of ``champion`` (which stays frozen as the teacher); DDP when ``world`` > 1."""
    torch.manual_seed(cfg.seed)
    teacher = champion.eval()
    student = copy.deepcopy(champion).train()
    model: nn.Module = Logits(student)
    if world > 1:
        model = DistributedDataParallel(model)
    stream = SnapshotStream(snapshot, rank, world, cfg.seed)
    loader = iter(DataLoader(stream, batch_size=cfg.batch_size, num_workers=cfg.workers))
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    offset: torch.Tensor | None = None
    generator = torch.Generator().manual_seed(cfg.seed * 1000 + rank)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TextColumn("loss {task.fields[loss]:.3f}"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, disable=quiet or rank != 0) as progress:
        task = progress.add_task("fine-tune challenger", total=cfg.steps, loss=float("nan"))
        for step in range(cfg.steps):
            x, labels = next(loader)
            chosen = torch.rand(len(x), generator=generator) < cfg.bitmap_aug
            if chosen.any():
                x[chosen] = affine_bitmaps(x[chosen], generator)
            for group in optimiser.param_groups:
                group["lr"] = cfg.lr * min(1.0, (step + 1) / max(cfg.warmup, 1))
            with torch.no_grad():
                soft = teacher.logits(x)
            if step == 0:
                offset = _label_offset(snapshot, soft.shape[-1], cfg.logit_adjust)
            loss = distillation_loss(model(x), soft, labels, cfg.temperature, cfg.kd_weight, offset)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            progress.update(task, advance=1, loss=float(loss.detach()))
    return interpolate(teacher, student.eval(), cfg.wise)


def interpolate(start: Champion, tuned: Champion, share: float) -> Champion:
    """``tuned`` moved back towards ``start``: start + share x (tuned - start), weight by weight (WiSE-FT).

    Fine-tuning on a few hundred play drawings churns the answers on drawings of other words; keeping
    part of the change keeps most of the gain on the played words and less of the churn (Wortsman et
    al., 2022). Integer buffers (batch counts) keep the tuned values.
    """
    if share == 1:
        return tuned
    begin, end = start.state_dict(), tuned.state_dict()
    tuned.load_state_dict(
        {k: begin[k] + share * (v - begin[k]) if v.is_floating_point() else v for k, v in end.items()}
    )
    return tuned


def main(argv: list[str] | None = None) -> None:
    """One rank of a (possibly distributed) fine-tuning; rank 0 saves the state dict to ``--out``."""
    parser = argparse.ArgumentParser(description="Fine-tune a challenger (run under torchrun for DDP).")
    parser.add_argument("--champion", type=Path, required=True, help="champion ONNX (with a .json sidecar)")
    parser.add_argument("--snapshot", type=Path, required=True, help="training rows (ndjson)")
    parser.add_argument("--config", default="{}", help="FitConfig fields as JSON")
    parser.add_argument("--out", type=Path, required=True, help="where rank 0 writes the state dict")
    args = parser.parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("gloo")
    try:
        meta: dict[str, Any] = json.loads(args.champion.with_suffix(".json").read_text())
        net = rebuild(args.champion.read_bytes(), meta)
        cfg = FitConfig(**json.loads(args.config))
        student = fit(net, args.snapshot, cfg, rank=rank, world=world)
        if rank == 0:
            torch.save({"state_dict": student.state_dict(), "config": asdict(cfg), "world": world}, args.out)
    finally:
        if world > 1:
            dist.destroy_process_group()


if __name__ == "__main__":
    main()
