"""``inkling eval``: evaluate doodle checkpoints (and DoodleNet) on the fixed validation split."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from inkling.cli.common import required_data_dir

app = typer.Typer(help="Evaluate models on the validation split.", no_args_is_help=True)
out = Console()
COLUMNS = ("strokes_top1", "strokes_top3", "bitmaps_top1", "bitmaps_top3", "rich_strokes_top1",
           "extra_bitmaps_top1", "replay_named_rate", "replay_mean_stroke_frac_at_first_correct",
           "replay_mean_time_frac_at_first_correct")  # fmt: skip
TEACHER_ROWS = (("doodlenet", "doodlenet (pretrained)"), ("resnet", "quickdraw-resnet (pretrained)"),
                ("ensemble", "teacher ensemble"))  # fmt: skip


@app.callback()
def _group() -> None:
    """Keep ``doodle`` a sub-command."""


@app.command("doodle")
def doodle(
    checkpoints: list[Path] = typer.Argument(
        None, help="checkpoints (.pt) written by `inkling train doodle`"
    ),
    onnx: list[Path] = typer.Option(None, "--onnx", help="also evaluate these doodle ONNX files (345 words)"),
    teacher: bool = typer.Option(
        True, help="also evaluate the pretrained DoodleNet, the ResNet and the teacher ensemble"
    ),
    confusion: Path = typer.Option(
        None, help="write the 64-word bitmap confusion matrix of the last model (PNG)"
    ),
    cache: Path = typer.Option(Path("runs/cache/eval-all-v2.npz"), help="eval-set cache (all-words runs)"),
    json_out: Path = typer.Option(None, "--json", help="write all metrics as JSON"),
    threads: int = typer.Option(2, help="torch CPU threads"),
) -> None:
    """Top-1/top-3 on all-words and rich-words stroke validation and bitmaps, and live replay of prefixes."""
    import torch

    from inkling.learn.eval_doodle import confusion_png, evaluate, load_eval_set, onnx_predict, torch_predict
    from inkling.learn.teachers import ENSEMBLE_MODE, ENSEMBLE_RESNET_WEIGHT, load_signal
    from inkling.learn.train_doodle import load_checkpoint

    torch.set_num_threads(threads)
    data_dir = required_data_dir()
    models = []
    words, options = None, {}
    for path in checkpoints or []:
        model, ckpt = load_checkpoint(path)
        words = ckpt["config"].get("words") or words
        if ckpt["config"].get("max_extra_per_word") is not None:  # a tiny run: its own tiny split
            options = {"max_extra_per_word": ckpt["config"]["max_extra_per_word"]}
        models.append((path.stem, torch_predict(model, ckpt["in_channels"])))
    es, classes = load_eval_set(data_dir, words, None if words or options else cache, **options)
    models += [(f"{path.name} (ONNX)", onnx_predict(path, classes, threads=threads)) for path in onnx or []]
    if teacher and not words:
        mix = f" (ResNet {ENSEMBLE_RESNET_WEIGHT:g}, {ENSEMBLE_MODE})"
        models[:0] = [
            (
                label + (mix if kind == "ensemble" else ""),
                torch_predict(load_signal(data_dir, classes, kind), 1),
            )
            for kind, label in TEACHER_ROWS
        ]
    table = Table(*("model", *COLUMNS))
    results = {}
    for name, predict in models:
        metrics = evaluate(predict, es, classes)
        pred = metrics.pop("_bitmap_pred", None)
        results[name] = metrics
        table.add_row(name, *(f"{metrics.get(c, float('nan')):.3f}" for c in COLUMNS))
    out.print(table)
    if confusion is not None and pred is not None:
        top = confusion_png(pred, es["by"], classes, confusion)
        out.print("top confusions (true -> guessed, count):", top)
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=1))
