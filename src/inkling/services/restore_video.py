"""Restore a whole video: decode, denoise over time, restore each field or frame, encode, keep the audio.

Work is checkpointed in segments of ``segment`` frames: each finished segment is a lossless file in
``OUTPUT.parts/`` (written under a temporary name, then renamed), next to a manifest naming the input
and the options. Running the same job again skips the segments that exist (their frames are still
decoded, as neighbours of the next ones) and, once all are there, encodes the output and removes the
folder. A different input or different options start afresh.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from inkling.inference.fields import split_fields, to_square_pixels, weave
from inkling.inference.temporal import TemporalConfig, denoise_frame
from inkling.inference.timebase import correct_line_jitter
from inkling.inference.video import VideoInfo, encode_video, read_frames, write_lossless

FrameRestorer = Callable[[np.ndarray], np.ndarray]  # RGB uint8 (H, W, 3) in, same-size uint8 out
Progress = Callable[[int, int], None]  # (frames done, frames in all)
DEFAULT_SEGMENT = 50  # frames per checkpoint (2 s of PAL)


class VideoCancelled(Exception):
    """``should_stop`` said to stop; the finished segments stay for the next run."""


@dataclass(frozen=True)
class VideoOptions:
    """How a video is restored (part of the checkpoint's identity)."""

    temporal: bool = True  # average each frame with its motion-compensated neighbours
    denoise_after: bool = False  # average the restored neighbours (else: average first, then restore)
    timebase_first: bool = True  # undo each picture's line jitter before averaging (jitter is per frame)
    radius: int = 2  # neighbours on each side for temporal denoising
    fields: str = "auto"  # per-field processing: "auto" (when the stream is interlaced), "on", "off"
    square_pixels: bool = False  # resample the output to square pixels (720x576 -> 768x576)
    segment: int = DEFAULT_SEGMENT  # frames per checkpoint segment
    crf: int = 18  # H.264 quality of the output

    def per_field(self, info: VideoInfo) -> bool:
        """Whether frames are split into fields."""
        return self.fields == "on" or (self.fields == "auto" and info.interlaced)


def parts_dir(output: Path) -> Path:
    """The checkpoint folder of ``output``."""
    return output.with_name(output.name + ".parts")


def _to_float(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32) / np.float32(255.0)


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


class VideoJob:
    """One restoration of ``source`` into ``output``, resumable from its segment files."""

    def __init__(
        self, source: Path, output: Path, info: VideoInfo, options: VideoOptions | None = None
    ) -> None:
        self.source, self.output, self.info = source, output, info
        self.options = options or VideoOptions()
        self.parts = parts_dir(output)
        self.segments = -(-info.frames // self.options.segment)

    def manifest(self) -> dict[str, object]:
        """What the checkpoint belongs to: the input file (size, mtime) and the options."""
        stat = self.source.stat()
        return {"source": str(self.source.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                "frames": self.info.frames, "options": asdict(self.options)}  # fmt: skip

    def segment_path(self, index: int) -> Path:
        """The lossless file of segment ``index``."""
        return self.parts / f"segment-{index:05d}.mkv"

    def prepare(self) -> set[int]:
        """Make the checkpoint folder (afresh when it belongs to something else); the finished segments."""
        manifest_path = self.parts / "manifest.json"
        manifest = self.manifest()
        if self.parts.exists():
            try:
                same = json.loads(manifest_path.read_text()) == manifest
            except (OSError, ValueError):
                same = False
            if not same:
                shutil.rmtree(self.parts)
        self.parts.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest))
        return {i for i in range(self.segments) if self.segment_path(i).exists()}

    def done_frames(self, finished: set[int]) -> int:
        """Frames in the finished segments."""
        size = self.options.segment
        return sum(min(size, self.info.frames - i * size) for i in finished)

    def _pictures(self, frame: np.ndarray) -> list[np.ndarray]:
        """The frame as float pictures: its two fields, or itself."""
        parts = split_fields(frame) if self.options.per_field(self.info) else (frame,)
        pictures = [_to_float(p) for p in parts]
        if self.options.temporal and self.options.timebase_first and not self.options.denoise_after:
            pictures = [correct_line_jitter(p)[0] for p in pictures]
        return pictures

    def _restore_frame(
        self, window: list[list[np.ndarray]], centre: int, restore: FrameRestorer
    ) -> np.ndarray:
        """Restore frame ``window[centre]`` (pictures of neighbouring frames around it)."""
        config = TemporalConfig(radius=self.options.radius)
        out = []
        for p in range(len(window[centre])):
            stream = [pictures[p] for pictures in window]
            picture = denoise_frame(stream, centre, config) if self.options.temporal else stream[centre]
            out.append(_to_uint8(picture) if self.options.denoise_after else restore(_to_uint8(picture)))
        frame = weave(*out) if len(out) == 2 else out[0]
        return to_square_pixels(frame) if self.options.square_pixels else frame

    def _restored(
        self, restore: FrameRestorer, wanted: Callable[[int], bool], should_stop: Callable[[], bool] | None
    ) -> Iterator[tuple[int, np.ndarray]]:
        """(index, restored frame) of every wanted frame, each with up to ``radius`` neighbours a side."""
        radius = self.options.radius if self.options.temporal else 0
        window: dict[int, list[np.ndarray]] = {}
        frames = read_frames(self.source)
        last = self.info.frames - 1
        for index in range(self.info.frames + radius):
            if index <= last:
                try:
                    pictures = self._pictures(next(frames))
                except StopIteration:
                    last = index - 1
                else:
                    needed = any(wanted(k) for k in range(index - radius, index + radius + 1))
                    if self.options.denoise_after and needed:
                        pictures = [_to_float(restore(_to_uint8(p))) for p in pictures]
                    window[index] = pictures
            centre = index - radius
            if 0 <= centre <= last and wanted(centre):
                if should_stop is not None and should_stop():
                    raise VideoCancelled("stopped between frames")
                keys = [k for k in range(centre - radius, centre + radius + 1) if k in window]
                yield centre, self._restore_frame([window[k] for k in keys], keys.index(centre), restore)
            window.pop(centre - radius, None)

    def run(
        self,
        restore: FrameRestorer,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Restore what is left, then encode the output; the number of frames written."""
        finished = self.prepare()
        size = self.options.segment
        done = self.done_frames(finished)
        if progress:
            progress(done, self.info.frames)
        pending: list[np.ndarray] = []
        for index, frame in self._restored(restore, lambda i: i // size not in finished, should_stop):
            pending.append(frame)
            segment = index // size
            if index == min(self.info.frames, (segment + 1) * size) - 1:
                self._save_segment(segment, pending)
                pending = []
            done += 1
            if progress:
                progress(done, self.info.frames)
        return self.finish()

    def _save_segment(self, index: int, frames: list[np.ndarray]) -> None:
        """Write a finished segment under a temporary name, then give it its real one."""
        temporary = self.parts / f"segment-{index:05d}.tmp.mkv"
        write_lossless(temporary, frames, self.info.rate)
        temporary.replace(self.segment_path(index))

    def finish(self) -> int:
        """Encode the segments (with the source's audio) into the output; remove the checkpoint."""
        missing = [i for i in range(self.segments) if not self.segment_path(i).exists()]
        if missing:
            raise RuntimeError(f"segments {missing[:5]} are missing")
        frames = (f for i in range(self.segments) for f in read_frames(self.segment_path(i)))
        temporary = self.output.with_name(f"{self.output.stem}.partial{self.output.suffix}")
        count = encode_video(
            temporary, frames, self.info.rate, self.source,
            crf=self.options.crf, interlaced=self.options.per_field(self.info),
        )  # fmt: skip
        temporary.replace(self.output)
        shutil.rmtree(self.parts, ignore_errors=True)
        return count
