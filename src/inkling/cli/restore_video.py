"""``inkling restore capture.mp4 --out restored.mp4``: a whole video, resumable, with a progress bar."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from inkling.cli.common import fail
from inkling.inference.restore import RestorePredictor
from inkling.inference.video import VideoLimits, VideoRefused, is_video_path, probe
from inkling.services.restore_video import VideoJob, VideoOptions, parts_dir

err = Console(stderr=True)


def restore_video_file(
    source: Path,
    output: Path,
    predictor: RestorePredictor,
    options: VideoOptions,
    limits: VideoLimits,
    quiet: bool,
) -> None:
    """Restore ``source`` into ``output`` (continuing an interrupted run of the same job)."""
    if not source.is_file():
        raise fail(f"no such file: {source}")
    if not is_video_path(output):
        raise fail(f"--out must name a video file (.mp4, .mkv, .mov, ...) for a video input, not {output}")
    if output.resolve() == source.resolve():
        raise fail("--out must not be the input itself")
    try:
        info = probe(source, limits)
    except VideoRefused as error:
        raise fail(str(error)) from None
    scan = "interlaced" if info.interlaced else "progressive"
    err.print(
        f"video: {info.width}x{info.height} {scan}, {info.frames} frames at {float(info.rate):g} fps "
        f"({info.seconds:.1f} s), audio: {'yes' if info.has_audio else 'none'}; "
        f"per field: {'yes' if options.per_field(info) else 'no'}, "
        f"temporal: {'yes' if options.temporal else 'no'}",
        highlight=False,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    job = VideoJob(source, output, info, options)
    if parts_dir(output).exists():
        err.print(f"resuming from {parts_dir(output)}", highlight=False)
    progress = Progress(
        TextColumn("restore"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"), TimeElapsedColumn(),
        console=err, disable=quiet,
    )  # fmt: skip
    start = time.perf_counter()
    with progress:
        task = progress.add_task("restore", total=info.frames)
        written = job.run(predictor.restore, lambda done, total: progress.update(task, completed=done))
    elapsed = time.perf_counter() - start
    err.print(f"wrote {written} frames to {output} in {elapsed:.1f} s", highlight=False)


def video_options(temporal: bool, radius: int, fields: str, square_pixels: bool) -> VideoOptions:
    """Checked video options from the command line."""
    if fields not in ("auto", "on", "off"):
        raise typer.BadParameter("--fields must be auto, on or off")
    if not 0 <= radius <= 4:
        raise typer.BadParameter("--radius must be 0..4")
    return VideoOptions(
        temporal=temporal and radius > 0, radius=radius, fields=fields, square_pixels=square_pixels
    )
