"""``inkling restore``: restore digitised VHS frames (PNG/JPEG files or folders) into same-size PNGs,
or a whole video (one video file in, ``--out`` a video file: see ``inkling.cli.restore_video``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from PIL import Image
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from inkling.cli.common import DatabaseUrl, fail
from inkling.cli.restore_video import restore_video_file, video_options
from inkling.datasets.errors import FormatError
from inkling.datasets.photos import list_images, load_image
from inkling.inference.video import VideoLimits, is_video_path
from inkling.registry import ModelNotFoundError
from inkling.services.models import open_predictor

err = Console(stderr=True)


def collect_inputs(inputs: list[Path]) -> list[Path]:
    """Files as given, and every image of each folder (sorted by name), without duplicates."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found.extend(list_images(path))
        elif path.is_file():
            found.append(path)
        else:
            raise fail(f"no such file or folder: {path}")
    return list(dict.fromkeys(found))


def restore(
    inputs: list[Path] = typer.Argument(
        ..., help="images (PNG, JPEG, ...) or folders of frames, or one video"
    ),
    out_dir: Path = typer.Option(
        ..., "--out", help="folder for the restored PNGs (NAME.png per input); for a video, the output video"
    ),
    model: str = typer.Option(
        None, help="registered or shipped model name (default: the active restore model)"
    ),
    version: int = typer.Option(None, help="model version (with --model)"),
    tile: int = typer.Option(None, help="largest tile side in px (default: the model's, 768)"),
    overlap: int = typer.Option(None, help="tile overlap in px (default: the model's, 64)"),
    threads: int = typer.Option(2, help="ONNX Runtime intra-op threads"),
    database_url: str = DatabaseUrl,
    quiet: bool = typer.Option(False, help="no progress bar"),
    temporal: bool = typer.Option(True, help="video: motion-compensated temporal denoising first"),
    radius: int = typer.Option(2, help="video: neighbouring frames (fields) used on each side"),
    fields: str = typer.Option("auto", help="video: restore each field alone (auto: if interlaced), on, off"),
    square_pixels: bool = typer.Option(False, help="video: resample to square pixels (720x576 -> 768x576)"),
    max_seconds: float = typer.Option(4 * 3600, help="video: refuse clips longer than this"),
) -> None:
    """Restore each image (tiled, seamless, any size) and write OUT/NAME.png of the same size.

    Given one video file and ``--out`` a video file, restore the whole video (rerun the same command to
    resume an interrupted job): same frame count and size (unless ``--square-pixels``), audio kept.
    """
    video = len(inputs) == 1 and is_video_path(inputs[0])
    options = video_options(temporal, radius, fields, square_pixels) if video else None
    files = [] if video else collect_inputs(inputs)
    if not video and not files:
        raise fail("no images found in the inputs")
    try:
        resolved = open_predictor(
            "restore", model, version, database_url=database_url, threads=threads, tile=tile, overlap=overlap
        )
    except ModelNotFoundError as error:
        raise fail(str(error)) from None
    for note in resolved.notes:
        err.print(f"note: {note}", highlight=False)
    err.print(f"model: {resolved.source}", highlight=False)
    predictor = resolved.predictor
    if options is not None:
        limits = VideoLimits(max_seconds=max_seconds)
        restore_video_file(inputs[0], out_dir, predictor, options, limits, quiet)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    progress = Progress(
        TextColumn("restore"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"), console=err, disable=quiet or len(files) < 2,
    )  # fmt: skip
    with progress:
        task = progress.add_task("restore", total=len(files), name="")
        for path in files:
            progress.update(task, name=path.name)
            try:
                image = load_image(path)
            except FormatError as error:
                err.print(f"[red]skipped[/red] {error}", highlight=False)
                failed += 1
                progress.advance(task)
                continue
            restored = predictor.restore(image)
            Image.fromarray(np.ascontiguousarray(restored)).save(out_dir / f"{path.stem}.png")
            progress.advance(task)
    err.print(f"restored {len(files) - failed} of {len(files)} image(s) into {out_dir}", highlight=False)
    if failed:
        raise typer.Exit(code=1)
