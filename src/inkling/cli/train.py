"""``inkling train``: train models (doodle recogniser and word packs) with knowledge distillation."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from inkling.cli.common import required_data_dir
from inkling.cli.train_digits import digits
from inkling.cli.train_restore import restore

app = typer.Typer(help="Train models: the doodle recogniser and word packs.", no_args_is_help=True)
out = Console()
PACKS = {
    "demo10": [
        "airplane",
        "alarm clock",
        "banana",
        "bird",
        "book",
        "cat",
        "dog",
        "flower",
        "house",
        "rainbow",
    ],
    "fashion": ["bowtie", "lipstick", "purse", "sock", "umbrella", "wristwatch"],
}  # named word packs shipped as src/inkling/models/pack-<name>.onnx


@app.callback()
def _group() -> None:
    """Keep ``doodle`` a sub-command."""


app.command("digits")(digits)
app.command("restore")(restore)


def pack_words(pack: str | None, words: str | None, category: str | None) -> list[str] | None:
    """The word list of ``--pack``, ``--words`` (comma separated) or ``--category`` (a seed category slug)."""
    if pack:
        if pack not in PACKS:
            raise typer.BadParameter(f"unknown pack {pack!r}; known: {', '.join(PACKS)}")
        return PACKS[pack]
    if words:
        return [w.strip() for w in words.split(",") if w.strip()]
    if category:
        from inkling.datasets.words import load_seed

        spec = load_seed().get(category)
        if spec is None:
            raise typer.BadParameter(f"unknown category {category!r}")
        return list(spec.words)
    return None


@app.command("doodle")
def doodle(
    out_path: Path = typer.Option(Path("runs/inkling-doodle.pt"), "--out", help="checkpoint to write"),
    arch: str = typer.Option("doodlenet", help="registered architecture (mlp, cnn-small, doodlenet, ...)"),
    steps: int = typer.Option(3000, help="optimiser steps"),
    batch_size: int = typer.Option(256, help="drawings per step"),
    lr: float = typer.Option(3e-4, help="AdamW peak learning rate (warm-up, cosine decay)"),
    temperature: float = typer.Option(2.0, help="distillation temperature"),
    kd_weight: float = typer.Option(0.7, help="weight of the teacher's soft targets (rest: true labels)"),
    bitmap_share: float = typer.Option(0.5, help="share of official bitmaps for words that have them"),
    variants: int = typer.Option(6, help="augmented copies per stroke drawing in the pool"),
    prefix_prob: float = typer.Option(0.4, help="share of pool items that are stroke prefixes"),
    init_teacher: bool = typer.Option(True, help="start from DoodleNet, or the ResNet for --arch resnet"),
    teacher: str = typer.Option("doodlenet", help="soft targets from: doodlenet, resnet, ensemble"),
    teacher_weight: float = typer.Option(
        None, help="ensemble: the ResNet's share, DoodleNet the rest (default: chosen on validation)"
    ),
    teacher_mode: str = typer.Option(
        None, help="ensemble: mix 'prob'abilities or 'logit's (default: chosen)"
    ),
    extra_data: bool = typer.Option(True, help="add the quickdraw_extra strokes and bitmaps to the pool"),
    max_extra_per_word: int = typer.Option(None, help="cap each extra stroke file per word (quick runs)"),
    pack: str = typer.Option(None, help="train a named word pack (demo10, fashion)"),
    words: str = typer.Option(None, help="train a pack of these comma-separated words"),
    category: str = typer.Option(None, help="train a pack of a seed word category (slug)"),
    max_bitmaps_per_word: int = typer.Option(None, help="cap the 64-word bitmaps (quick runs)"),
    max_records: int = typer.Option(None, help="cap the training stroke drawings (quick runs)"),
    workers: int = typer.Option(2, help="processes pre-rendering the stroke pool"),
    pool_cache: str = typer.Option(None, help="folder caching pre-rendered stroke pools between runs"),
    threads: int = typer.Option(2, help="torch CPU threads"),
    seed: int = typer.Option(0, help="random seed (split, pools, sampling)"),
    save_every: int = typer.Option(None, help="also write a snapshot to --out every N steps"),
    tta: str = typer.Option(None, help="test-time augmentation baked into eval and export (shift1)"),
    evaluate: bool = typer.Option(True, help="evaluate on the validation split and store the metrics"),
    quiet: bool = typer.Option(False, help="no progress bar"),
) -> None:
    """Distil a teacher into a student on class-balanced, augmented drawings and prefixes."""
    import torch

    from inkling.learn.eval_doodle import evaluate_checkpoint
    from inkling.learn.teachers import ENSEMBLE_MODE, ENSEMBLE_RESNET_WEIGHT, MODES, TEACHERS
    from inkling.learn.train_doodle import TrainConfig, save_checkpoint, train

    if teacher not in TEACHERS:
        raise typer.BadParameter(f"unknown teacher {teacher!r}; known: {', '.join(TEACHERS)}")
    if teacher_mode is not None and teacher_mode not in MODES:
        raise typer.BadParameter(f"unknown mix {teacher_mode!r}; known: {', '.join(MODES)}")
    if teacher_weight is not None and not 0 <= teacher_weight <= 1:
        raise typer.BadParameter("--teacher-weight must be within 0..1")
    torch.set_num_threads(threads)
    data_dir = required_data_dir()
    cfg = TrainConfig(
        teacher=teacher, teacher_mode=teacher_mode or ENSEMBLE_MODE,
        teacher_weight=ENSEMBLE_RESNET_WEIGHT if teacher_weight is None else teacher_weight,
        extra_data=extra_data, max_extra_per_word=max_extra_per_word,
        arch=arch, steps=steps, batch_size=batch_size, lr=lr, temperature=temperature, kd_weight=kd_weight,
        bitmap_share=bitmap_share, variants=variants, prefix_prob=prefix_prob, init_teacher=init_teacher,
        words=pack_words(pack, words, category), max_bitmaps_per_word=max_bitmaps_per_word,
        max_records=max_records, workers=workers, pool_cache=pool_cache, seed=seed, save_every=save_every,
        tta=tta,
        extra={"pack": pack} if pack else {},
    )  # fmt: skip
    checkpoint = train(cfg, data_dir, quiet=quiet, snapshot_path=out_path)
    if evaluate:
        checkpoint["metrics"] = evaluate_checkpoint(checkpoint, data_dir, quiet=quiet)
    save_checkpoint(checkpoint, out_path)
    out.print(
        json.dumps(
            {"checkpoint": str(out_path), "metrics": checkpoint["metrics"], "train": checkpoint["train"]},
            indent=1,
        )
    )


@app.command("tta")
def tta_command(
    checkpoint: Path = typer.Argument(..., help="checkpoint (.pt) from `inkling train doodle`"),
    mode: str = typer.Option("shift1", help="test-time augmentation: shift1 = mean over 1-px shifts"),
    out_path: Path = typer.Option(..., "--out", help="checkpoint to write (the input is left as it is)"),
    threads: int = typer.Option(2, help="torch CPU threads"),
) -> None:
    """Bake test-time augmentation into a checkpoint, re-evaluate it and store the new metrics."""
    import torch

    from inkling.learn.eval_doodle import evaluate_checkpoint
    from inkling.learn.train_doodle import save_checkpoint

    torch.set_num_threads(threads)
    data_dir = required_data_dir()
    loaded = torch.load(checkpoint, map_location="cpu", weights_only=False)
    loaded["config"] = {**loaded["config"], "tta": mode}
    loaded["metrics"] = evaluate_checkpoint(loaded, data_dir)
    save_checkpoint(loaded, out_path)
    summary = {k: v for k, v in loaded["metrics"].items() if not isinstance(v, dict)}
    out.print(json.dumps({"checkpoint": str(out_path), "tta": mode, "metrics": summary}, indent=1))


@app.command("wise")
def wise_command(
    checkpoint: Path = typer.Argument(..., help="checkpoint (.pt) fine-tuned from a pretrained model"),
    alphas: str = typer.Option("0.5", "--alpha", help="share(s) of the fine-tuned weights, comma-separated"),
    out_path: Path = typer.Option(..., "--out", help="checkpoint to write: the best alpha (or the only one)"),
    threads: int = typer.Option(2, help="torch CPU threads"),
) -> None:
    """Average a fine-tuned checkpoint with the weights it started from (WiSE-FT), evaluate each alpha.

    With several alphas, the one with the best mean of all-words top-1, bitmap top-1, rich-words top-1
    and live named-rate is written (chosen on the validation split it is scored on: say so when quoting).
    """
    import torch

    from inkling.learn.eval_doodle import choice_score, evaluate_checkpoint
    from inkling.learn.train_doodle import interpolate_with_start, save_checkpoint

    torch.set_num_threads(threads)
    data_dir = required_data_dir()
    loaded = torch.load(checkpoint, map_location="cpu", weights_only=False)
    best: tuple[float, dict] | None = None
    for alpha in (float(a) for a in alphas.split(",")):
        mixed = interpolate_with_start(loaded, data_dir, alpha)
        mixed["metrics"] = evaluate_checkpoint(mixed, data_dir)
        score = choice_score(mixed["metrics"])
        summary = {k: round(v, 4) for k, v in mixed["metrics"].items() if not isinstance(v, dict)}
        out.print(json.dumps({"alpha": alpha, "score": round(score, 4), "metrics": summary}))
        if best is None or score > best[0]:
            best = (score, mixed)
    assert best is not None
    save_checkpoint(best[1], out_path)
    out.print(f"wrote {out_path} (alpha {best[1]['train']['wise_ft_alpha']})")


@app.command("blend")
def blend_command(
    student: Path = typer.Option(
        Path("src/inkling/models/inkling-doodle-lite.onnx"), help="our DoodleNet-sized student (ONNX + .json)"
    ),
    weights: str = typer.Option("0.8,0.1,0.1", help="weights of the ResNet, the student and DoodleNet"),
    resnet: Path = typer.Option(None, help="a fine-tuned ResNet checkpoint (default: the pretrained one)"),
    pack: str = typer.Option(None, help="blend for a word pack (see `inkling train doodle --pack`)"),
    out_path: Path = typer.Option(..., "--out", help="checkpoint to write"),
    threads: int = typer.Option(2, help="torch CPU threads"),
) -> None:
    """Blend the ResNet, our student and DoodleNet into one model, evaluate it, write its checkpoint.

    The weights of the shipped blend were chosen with ``benchmarks/blend_grid.py`` (docs/BENCHMARKS.md).
    """
    import torch

    from inkling.learn.blend_build import blend_checkpoint
    from inkling.learn.eval_doodle import EVAL_CACHE, evaluate_checkpoint, load_eval_set
    from inkling.learn.train_doodle import save_checkpoint

    torch.set_num_threads(threads)
    data_dir = required_data_dir()
    words = pack_words(pack, None, None)
    eval_set = load_eval_set(data_dir, words, None if words else EVAL_CACHE)
    classes = eval_set[1]
    parsed = tuple(float(w) for w in weights.split(","))
    if len(parsed) != 3:
        raise typer.BadParameter("give three weights: the ResNet's, the student's and DoodleNet's")
    checkpoint = blend_checkpoint(data_dir, classes, student, parsed, words, resnet)  # type: ignore[arg-type]
    checkpoint["metrics"] = evaluate_checkpoint(checkpoint, data_dir, eval_set=eval_set)
    save_checkpoint(checkpoint, out_path)
    summary = {k: round(v, 4) for k, v in checkpoint["metrics"].items() if not isinstance(v, dict)}
    out.print(json.dumps({"checkpoint": str(out_path), "weights": parsed, "metrics": summary}, indent=1))


@app.command("export")
def export(
    checkpoint: Path = typer.Argument(..., help="checkpoint (.pt) from `inkling train doodle`"),
    onnx_path: Path = typer.Option(
        ..., "--onnx", help="ONNX file to write (its .json metadata goes next to it)"
    ),
    register: bool = typer.Option(
        False, help="register in the database; activate if it beats the active model"
    ),
    default: bool = typer.Option(False, help='mark the metadata "default": true (the shipped model)'),
) -> None:
    """Export a checkpoint to ONNX with a parity check, write metadata, optionally register it."""
    from inkling.learn.publish import export_checkpoint, register_if_better, write_meta

    meta = export_checkpoint(checkpoint, onnx_path)
    if default:
        meta["default"] = True
    write_meta(meta, onnx_path.with_suffix(".json"))
    out.print(
        f"wrote {onnx_path} ({onnx_path.stat().st_size} bytes), parity {meta['parity']['max_abs_diff']:.2g}"
    )
    if register:
        from inkling.db.engine import session_scope

        with session_scope() as session:
            model, active = register_if_better(session, onnx_path, meta)
            out.print(f"registered {model.name} v{model.version}; active: {active}")
