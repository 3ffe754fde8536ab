"""Video files with PyAV (FFmpeg): probe and refuse bad input, decode RGB frames, encode them, keep audio.

Frames travel as RGB uint8 (H, W, 3). Restored frames are written first into lossless FFV1 segment
files (so an interrupted job keeps what it finished); :func:`encode_video` then encodes them once,
H.264 (yuv420p, CRF ``crf``) at the input's frame rate, one output frame per input frame, and copies
the input's audio stream into the output (or re-encodes it to AAC where the container cannot hold it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

VIDEO_SUFFIXES = frozenset({".mp4", ".mkv", ".mov", ".avi", ".m4v", ".mpg", ".mpeg", ".ts", ".webm", ".dv"})
REMUX_AUDIO = {  # output container -> audio codecs it takes as they are
    ".mp4": {"aac", "mp3", "ac3", "eac3", "alac", "opus"},
    ".m4v": {"aac", "mp3", "ac3", "eac3", "alac"},
    ".mov": {"aac", "mp3", "ac3", "alac", "pcm_s16le", "pcm_s24le"},
    ".mkv": None,  # None: anything
}
DEFAULT_CRF = 18  # H.264 constant rate factor of the output (visually lossless for SD)


class VideoRefused(ValueError):
    """A file that is not a video we take (``status``: the HTTP status it deserves)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class VideoLimits:
    """What a job accepts: duration, frame size and file size."""

    max_seconds: float = 4 * 3600.0  # longest clip
    max_pixels: int = 1920 * 1088  # largest frame (width x height)
    max_bytes: int | None = None  # largest file (None: no limit)


@dataclass(frozen=True)
class VideoInfo:
    """What the first video stream of a file says about itself."""

    width: int
    height: int
    frames: int  # frame count (counted by decoding when the container does not say)
    rate: Fraction  # frames per second
    interlaced: bool  # the decoder flags the frames as interlaced (field order does not matter here)
    has_audio: bool

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return float(self.frames / self.rate) if self.rate else 0.0


def is_video_path(path: Path) -> bool:
    """Whether ``path``'s suffix is one of the video containers we read."""
    return path.suffix.lower() in VIDEO_SUFFIXES


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        raise VideoRefused(f"{path.name} is not a video FFmpeg can read ({error})", 415) from None


def probe(path: Path, limits: VideoLimits | None = None) -> VideoInfo:
    """The first video stream's facts; :class:`VideoRefused` for a non-video or one over ``limits``."""
    limits = limits or VideoLimits()
    if limits.max_bytes is not None and path.stat().st_size > limits.max_bytes:
        raise VideoRefused(f"the file is over {limits.max_bytes // (1024 * 1024)} MB", 413)
    with _open(path) as container:
        if not container.streams.video:
            raise VideoRefused(f"{path.name} has no video stream", 415)
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width < 32 or height < 32:
            raise VideoRefused(f"frames of {width}x{height} are too small (at least 32x32)")
        if width * height > limits.max_pixels:
            raise VideoRefused(
                f"frames of {width}x{height} are too large (at most {limits.max_pixels} pixels)", 413
            )
        rate = stream.average_rate or stream.guessed_rate or Fraction(25)
        declared = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
        declared = declared or (container.duration / 1e6 if container.duration else None)
        if declared is not None and declared > limits.max_seconds + 1:
            raise VideoRefused(
                f"the clip lasts {declared:.0f} s, over the limit of {limits.max_seconds:.0f} s"
            )
        frames, interlaced = 0, False
        try:
            for frame in container.decode(stream):
                if frames == 0:
                    interlaced = bool(frame.interlaced_frame)
                frames += 1
                if frames > limits.max_seconds * float(rate) + 1:
                    raise VideoRefused(f"the clip is longer than the limit of {limits.max_seconds:.0f} s")
        except av.error.FFmpegError as error:
            raise VideoRefused(f"{path.name} is a damaged video ({error})", 422) from None
        if frames == 0:
            raise VideoRefused(f"{path.name} has no frames", 422)
        has_audio = bool(container.streams.audio)
    return VideoInfo(width, height, frames, Fraction(rate), interlaced, has_audio)


def read_frames(path: Path) -> Iterator[np.ndarray]:
    """Every frame of the first video stream as RGB uint8 (H, W, 3), in order."""
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            yield frame.to_ndarray(format="rgb24")


def write_lossless(path: Path, frames: Iterable[np.ndarray], rate: Fraction) -> int:
    """Write RGB frames losslessly (FFV1 in Matroska) to ``path``; the number of frames written."""
    count = 0
    with av.open(str(path), "w", format="matroska") as container:
        stream = None
        for image in frames:
            if stream is None:
                stream = container.add_stream("ffv1", rate=rate)
                stream.width, stream.height, stream.pix_fmt = image.shape[1], image.shape[0], "bgr0"
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            container.mux(stream.encode(frame))
            count += 1
        if stream is not None:
            container.mux(stream.encode())
    return count


def _audio_plan(source: av.container.InputContainer, suffix: str) -> tuple[av.stream.Stream | None, bool]:
    """(the audio stream to keep, whether it can be copied as it is)."""
    if not source.streams.audio:
        return None, False
    audio = source.streams.audio[0]
    allowed = REMUX_AUDIO.get(suffix.lower(), set())
    return audio, allowed is None or audio.codec_context.name in allowed


def encode_video(
    output: Path, frames: Iterable[np.ndarray], rate: Fraction, audio_from: Path | None, *,
    crf: int = DEFAULT_CRF, interlaced: bool = False,
) -> int:  # fmt: skip
    """Encode RGB frames as H.264 into ``output`` with the audio of ``audio_from``; frames written."""
    count = 0
    source = av.open(str(audio_from)) if audio_from is not None else None
    try:
        with av.open(str(output), "w") as container:
            audio, copy = _audio_plan(source, output.suffix) if source is not None else (None, False)
            out_audio = None
            if audio is not None:
                if copy:
                    out_audio = container.add_stream_from_template(audio)
                else:
                    out_audio = container.add_stream("aac", rate=audio.codec_context.sample_rate or 48000)
            stream = None
            for image in frames:
                if stream is None:
                    options = {"crf": str(crf), "preset": "fast"}
                    if interlaced:
                        options["flags"] = "+ildct+ilme"
                    stream = container.add_stream("libx264", rate=rate, options=options)
                    stream.width, stream.height, stream.pix_fmt = image.shape[1], image.shape[0], "yuv420p"
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
                frame.pts, frame.time_base = count, Fraction(1) / rate
                container.mux(stream.encode(frame))
                count += 1
            if stream is not None:
                container.mux(stream.encode())
            if audio is not None and source is not None:
                _copy_audio(source, audio, out_audio, copy, container)
    finally:
        if source is not None:
            source.close()
    return count


def _copy_audio(
    source: av.container.InputContainer,
    audio: av.stream.Stream,
    out_audio: av.stream.Stream,
    copy: bool,
    container: av.container.OutputContainer,
) -> None:
    """Every packet of ``audio`` into ``out_audio``: as it is, or decoded and encoded again."""
    for packet in source.demux(audio):
        if packet.dts is None:
            continue
        if copy:
            packet.stream = out_audio
            container.mux(packet)
        else:
            for frame in packet.decode():
                frame.pts = None
                container.mux(out_audio.encode(frame))
    if not copy:
        container.mux(out_audio.encode())
