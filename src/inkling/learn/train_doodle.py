"""Distil a teacher (DoodleNet, the ResNet or both) into a doodle student on balanced, augmented prefixes.

    inkling train doodle --arch doodlenet --steps 5000 --teacher ensemble --out runs/inkling-doodle.pt

Each step draws ``batch_size`` words uniformly (class-balanced over the words that have data); a word
with official bitmaps gives one ``bitmap_share`` of the time, else a pre-rendered augmented stroke item
(possibly a stroke prefix). The loss mixes true labels with the teacher's softened prediction on the
SAME augmented input; for a prefix the teacher sees the FULL drawing, which teaches early guessing.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from torch import nn

from inkling.learn.architectures import IN_CHANNELS, PRETRAINED_FAMILIES, create_model, init_from_teacher
from inkling.learn.augment import affine_bitmaps
from inkling.learn.doodle_data import (
    TEACHER_H5,
    DoodleData,
    build_stroke_pool,
    load_doodle_data,
    teacher_classes,
)
from inkling.learn.doodlenet import DoodleNet, doodlenet
from inkling.learn.quickdraw_resnet import QuickdrawResNet, quickdraw_resnet
from inkling.learn.teachers import (
    ENSEMBLE_MODE,
    ENSEMBLE_RESNET_WEIGHT,
    RESNET_JSON,
    TeacherSignal,
    load_signal,
    output_order,
)
from inkling.learn.tta import with_tta


@dataclass
class TrainConfig:
    """Every hyperparameter of a run (stored in the checkpoint)."""

    arch: str = "doodlenet"  # registered architecture (see architectures.list_models)
    steps: int = 3000  # optimiser steps
    batch_size: int = 256  # drawings per step
    lr: float = 3e-4  # AdamW peak learning rate; warm-up then cosine decay to 5 %
    weight_decay: float = 1e-4  # AdamW weight decay
    warmup: int = 100  # linear warm-up steps
    temperature: float = 2.0  # distillation temperature (teacher and student logits / T)
    kd_weight: float = 0.7  # weight of the distillation loss; 1 - kd_weight on the true labels
    bitmap_share: float = 0.5  # words with official bitmaps: share of their samples drawn from them
    variants: int = 6  # augmented copies per stroke drawing in the pre-rendered pool (copy 0 clean)
    prefix_prob: float = 0.4  # share of pool items that are stroke prefixes (k of n strokes)
    bitmap_aug: float = 0.7  # chance an item gets the small zoom/shift bitmap affine
    stroke_dropout: float = 0.3  # chance to zero the stroke channels (stroke-aware archs)
    init_teacher: bool = True  # start from pretrained weights of the family (DoodleNet, the ResNet)
    teacher: str = "doodlenet"  # soft targets from: doodlenet, resnet, ensemble (teachers.TEACHERS)
    teacher_weight: float = ENSEMBLE_RESNET_WEIGHT  # ensemble: the ResNet's share (DoodleNet the rest)
    teacher_mode: str = ENSEMBLE_MODE  # ensemble: mix probabilities ("prob") or logits ("logit")
    extra_data: bool = True  # add the quickdraw_extra strokes and bitmaps to the training pool
    max_extra_per_word: int | None = None  # cap each extra stroke file per word (tiny runs, tests)
    words: list[str] | None = None  # train a word pack on these words only (teacher renormalised)
    val_per_word: int = 5  # stroke drawings per word kept for validation
    max_bitmaps_per_word: int | None = None  # cap the 64-word bitmaps (tiny runs, tests)
    max_records: int | None = None  # cap training stroke drawings (tiny runs, tests)
    seed: int = 0  # seeds the split, the pools and the sampling
    workers: int = 2  # processes that pre-render the stroke pool
    pool_cache: str | None = (
        None  # folder caching pre-rendered pools between runs (same data + pool settings)
    )
    tta: str | None = None  # test-time augmentation baked into evaluation and export (e.g. "shift1")
    save_every: int | None = None  # write a snapshot checkpoint every N steps (None: only at the end)
    extra: dict[str, Any] = field(default_factory=dict)  # free-form notes kept with the run


class Teacher:
    """A soft-target source (``signal``: DoodleNet, the ResNet or their ensemble) in the data's class order.

    ``net`` and ``rows`` are DoodleNet and its rows of the pack's words: what a student starts from.
    """

    def __init__(self, net: DoodleNet, rows: list[int] | None, signal: TeacherSignal | None = None) -> None:
        self.net = net.eval()
        self.rows = torch.as_tensor(rows) if rows is not None else None
        members = [(net, rows if rows is not None else list(range(net.head.out_features)), 1.0)]
        self.signal = signal if signal is not None else TeacherSignal(members)

    @torch.no_grad()
    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Teacher logits on the bitmap channel (pack rows only when a pack)."""
        return self.signal.logits(x)


def load_teacher(
    data_dir: Path,
    words: list[str] | None = None,
    kind: str = "doodlenet",
    *,
    resnet_weight: float = ENSEMBLE_RESNET_WEIGHT,
    mode: str = ENSEMBLE_MODE,
) -> Teacher:
    """The teacher ``kind`` over all words (DoodleNet's order) or ``words`` (renormalised over them)."""
    order = teacher_classes(Path(data_dir))
    classes = list(words) if words else order
    signal = load_signal(data_dir, classes, kind, resnet_weight=resnet_weight, mode=mode)
    net = doodlenet(Path(data_dir) / TEACHER_H5)
    return Teacher(net, [order.index(w) for w in words] if words else None, signal)


def distillation_loss(
    student: torch.Tensor,
    teacher: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
    kd_weight: float,
    label_offset: torch.Tensor | None = None,
) -> torch.Tensor:
    """kd_weight * T^2 * KL(teacher_T || student_T) + (1 - kd_weight) * CE(student + offset, labels).

    ``label_offset`` (per class, e.g. the log of the training labels' prior) is added to the student's
    scores in the label term only: logit adjustment, so an unbalanced label mix does not shift the prior.
    """
    soft = F.softmax(teacher / temperature, dim=-1)
    kd = F.kl_div(F.log_softmax(student / temperature, dim=-1), soft, reduction="batchmean")
    adjusted = student if label_offset is None else student + label_offset
    return kd_weight * temperature**2 * kd + (1 - kd_weight) * F.cross_entropy(adjusted, labels)


class BalancedSampler:
    """Class-balanced batches from the stroke pool and the bitmap train rows."""

    def __init__(self, pool: dict[str, np.ndarray], data: DoodleData, cfg: TrainConfig) -> None:
        self.pool, self.data, self.cfg = pool, data, cfg
        self.rng = np.random.default_rng(cfg.seed + 7)
        self.generator = torch.Generator().manual_seed(cfg.seed + 11)
        n = len(data.classes)
        self.by_pool = [np.flatnonzero(pool["y"] == c) for c in range(n)]
        self.by_bitmap = [data.bitmap_train[data.by[data.bitmap_train] == c] for c in range(n)]
        self.words = np.array([c for c in range(n) if len(self.by_pool[c]) or len(self.by_bitmap[c])])
        self.channels = IN_CHANNELS[cfg.arch]

    def batch(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(inputs NCHW, full drawings N1HW for the teacher, labels)."""
        labels = self.rng.choice(self.words, size=self.cfg.batch_size)
        x = np.zeros((len(labels), 3, 28, 28), dtype=np.uint8)  # part, recency, full
        for i, c in enumerate(labels):
            bitmaps, items = self.by_bitmap[c], self.by_pool[c]
            if len(bitmaps) and (not len(items) or self.rng.random() < self.cfg.bitmap_share):
                row = bitmaps[self.rng.integers(len(bitmaps))]
                x[i, 0] = x[i, 2] = self.data.bx[row]
            else:
                j = items[self.rng.integers(len(items))]
                x[i, 0], x[i, 1], x[i, 2] = self.pool["x"][j], self.pool["recency"][j], self.pool["full"][j]
        t = torch.from_numpy(x).float() / 255.0
        chosen = torch.rand(len(t), generator=self.generator) < self.cfg.bitmap_aug
        if chosen.any():
            t[chosen] = affine_bitmaps(t[chosen], self.generator)
        if self.channels > 1:
            drop = torch.rand(len(t), generator=self.generator) < self.cfg.stroke_dropout
            t[drop, 1] = 0.0
        inputs = t[:, : self.channels] if self.channels > 1 else t[:, :1]
        return inputs.contiguous(), t[:, 2:3].contiguous(), torch.from_numpy(labels)


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to 5 % of ``lr``."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(cfg.steps - cfg.warmup, 1)
    return cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def build_student(
    cfg: TrainConfig, classes: list[str], teacher: Teacher | None, data_dir: Path | None = None
) -> nn.Module:
    """Create the architecture; copy a pretrained model of its family in where it fits.

    DoodleNet-family students start from DoodleNet (the teacher's ``net`` when one is loaded, else read
    from ``data_dir``); the ``resnet`` student from the Quick, Draw! ResNet read from ``data_dir``; the
    head is sliced to ``classes``.
    """
    model = create_model(cfg.arch, num_classes=len(classes))
    if not cfg.init_teacher:
        return model
    if isinstance(model, DoodleNet) and teacher is not None:
        init_from_teacher(model, teacher.net, teacher.rows.tolist() if teacher.rows is not None else None)
    elif data_dir is not None and isinstance(model, PRETRAINED_FAMILIES):
        kind = "resnet" if isinstance(model, QuickdrawResNet) else "doodlenet"
        order = output_order(Path(data_dir), kind)
        pretrained = (
            quickdraw_resnet(Path(data_dir) / RESNET_JSON, fold=True)
            if kind == "resnet"
            else doodlenet(Path(data_dir) / TEACHER_H5)
        )
        init_from_teacher(model, pretrained, [order.index(c) for c in classes])
    return model


def cached_pool(records: list[dict[str, Any]], cfg: TrainConfig) -> dict[str, np.ndarray]:
    """Build the stroke pool, or load it from ``cfg.pool_cache`` (cached pools always carry recency)."""
    strokes = IN_CHANNELS[cfg.arch] > 1 or cfg.pool_cache is not None
    build = dict(variants=cfg.variants, prefix_prob=cfg.prefix_prob, seed=cfg.seed, strokes=strokes)
    if cfg.pool_cache is None:
        return build_stroke_pool(records, workers=cfg.workers, **build)
    key = hashlib.sha1(json.dumps([[r["key_id"] for r in records], build]).encode()).hexdigest()[:16]
    path = Path(cfg.pool_cache) / f"pool-{key}.npz"
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    pool = build_stroke_pool(records, workers=cfg.workers, **build)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **pool)
    return pool


def make_checkpoint(
    model: nn.Module, cfg: TrainConfig, data: DoodleData, train_info: dict[str, Any]
) -> dict[str, Any]:
    """A self-describing checkpoint: config, architecture, classes, weights and how training went."""
    return {
        "config": asdict(cfg),
        "arch": cfg.arch,
        "in_channels": IN_CHANNELS[cfg.arch],
        "classes": data.classes,
        "state_dict": {name: value.detach().clone() for name, value in model.state_dict().items()},
        "metrics": {},
        "train": train_info,
        "dedupe": data.dedupe,
    }


def train(
    cfg: TrainConfig,
    data_dir: Path,
    *,
    data: DoodleData | None = None,
    quiet: bool = False,
    snapshot_path: Path | None = None,
) -> dict[str, Any]:
    """Run one training; returns the checkpoint dict (config, classes, state_dict, metrics).

    With ``cfg.save_every`` and ``snapshot_path``, a snapshot checkpoint is written every that many steps.
    """
    with flushing_denormals():
        return _train(cfg, data_dir, data=data, quiet=quiet, snapshot_path=snapshot_path)


@contextmanager
def flushing_denormals() -> Iterator[None]:
    """Denormal floats as zero while training (they slowed CPU steps from 0.7 to 4 s); restored after,
    since the flag is process-wide (property tests of the same process need subnormals)."""
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


def _train(
    cfg: TrainConfig,
    data_dir: Path,
    *,
    data: DoodleData | None,
    quiet: bool,
    snapshot_path: Path | None,
) -> dict[str, Any]:
    torch.manual_seed(cfg.seed)
    data = data or load_doodle_data(
        data_dir, words=cfg.words, val_per_word=cfg.val_per_word,
        max_bitmaps_per_word=cfg.max_bitmaps_per_word, seed=cfg.seed, extra=cfg.extra_data,
        max_extra_per_word=cfg.max_extra_per_word, workers=cfg.workers,
    )  # fmt: skip
    teacher = load_teacher(
        data_dir, cfg.words, cfg.teacher, resnet_weight=cfg.teacher_weight, mode=cfg.teacher_mode
    )
    records = [data.records[i] for i in data.stroke_train]
    if cfg.max_records is not None:
        records = records[: cfg.max_records]
    started = time.perf_counter()
    pool = cached_pool(records, cfg)
    pool_seconds = time.perf_counter() - started
    model = build_student(cfg, data.classes, teacher, data_dir)
    sampler = BalancedSampler(pool, data, cfg)
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    model.train()
    losses: list[float] = []
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TextColumn("loss {task.fields[loss]:.3f}"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, disable=quiet) as progress:
        task = progress.add_task(f"train {cfg.arch}", total=cfg.steps, loss=float("nan"))
        for step in range(cfg.steps):
            inputs, full, labels = sampler.batch()
            for group in optimiser.param_groups:
                group["lr"] = lr_at(step, cfg)
            loss = distillation_loss(
                model.logits(inputs), teacher.logits(full), labels, cfg.temperature, cfg.kd_weight
            )
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
            progress.update(task, advance=1, loss=float(np.mean(losses[-50:])))
            if snapshot_path is not None and cfg.save_every and (step + 1) % cfg.save_every == 0:
                info = {"step": step + 1, "partial": True, "seconds": round(time.perf_counter() - started, 1)}
                save_checkpoint(make_checkpoint(model, cfg, data, info), snapshot_path)
    model.eval()
    info = {
        "step": cfg.steps,
        "pool_items": len(pool["y"]),
        "pool_seconds": round(pool_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "final_loss": float(np.mean(losses[-100:])),
    }
    return make_checkpoint(model, cfg, data, info)


def interpolate_with_start(checkpoint: dict[str, Any], data_dir: Path, alpha: float) -> dict[str, Any]:
    """WiSE-FT (Wortsman et al., 2022): ``alpha`` * the fine-tuned weights + (1 - alpha) * the weights it
    started from (the pretrained model of its family, rebuilt from ``data_dir``); a new checkpoint."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be within 0..1, got {alpha}")
    known = TrainConfig.__dataclass_fields__
    cfg = TrainConfig(**{k: v for k, v in checkpoint["config"].items() if k in known})
    start = build_student(cfg, list(checkpoint["classes"]), None, data_dir).state_dict()
    tuned = checkpoint["state_dict"]
    if set(start) != set(tuned):
        raise ValueError("the checkpoint's weights do not fit the model it started from")
    mixed = {name: alpha * tuned[name] + (1 - alpha) * start[name] for name in tuned}
    train_info = {**checkpoint.get("train", {}), "wise_ft_alpha": alpha}
    return {**checkpoint, "state_dict": mixed, "train": train_info, "metrics": {}}


def save_checkpoint(checkpoint: dict[str, Any], path: Path) -> Path:
    """Write a self-describing checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, path)
    return path


def model_from_checkpoint(checkpoint: dict[str, Any]) -> nn.Module:
    """The checkpoint's model in eval mode, with its test-time augmentation when the config names one."""
    options = checkpoint.get("arch_options", {})
    model = create_model(checkpoint["arch"], num_classes=len(checkpoint["classes"]), **options)
    model.load_state_dict(checkpoint["state_dict"])
    return with_tta(model.eval(), checkpoint["config"].get("tta"))


def load_checkpoint(path: Path) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the model from a checkpoint's own config; returns (model in eval mode, checkpoint)."""
    checkpoint = torch.load(Path(path), map_location="cpu", weights_only=False)
    return model_from_checkpoint(checkpoint), checkpoint
