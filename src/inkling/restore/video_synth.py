"""Synthetic VHS clips for measuring video restoration: a photo filmed with a moving camera, degraded.

    >>> clip = make_clip(photo, ClipSpec(frames=25), seed=3)      # clean and degraded RGB uint8 frames
    >>> write_clip(Path("deg.mp4"), clip.degraded, clip.spec.rate)  # H.264 with a 440 Hz tone

The camera pans (a straight drift plus a slow sway) and zooms, sampled from the photo with bicubic
resampling; ``interlaced`` films 50 fields a second and weaves them (the bottom field 20 ms later).
Each clip draws one degradation from the simulator: a chroma bleed (delay and smear) that stays the
same, line jitter and grain whose randomness is new in every frame, as on a tape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from inkling.inference.fields import weave
from inkling.inference.video import encode_video
from inkling.restore.artifacts import ChromaBleed, Grain, LineJitter
from inkling.restore.degrade import Degradation
from inkling.restore.imageops import to_uint8

TONE_HZ = 440.0  # the test tone of the clips' audio track
AUDIO_RATE = 48_000  # its sample rate


@dataclass(frozen=True)
class ClipSpec:
    """Size, length, camera motion and degradation strength of a synthetic clip."""

    width: int = 320
    height: int = 240
    frames: int = 25
    rate: Fraction = Fraction(25)
    pan: tuple[float, float] = (1.5, 0.5)  # camera drift (x, y) in output px per frame
    zoom: float = 0.004  # relative zoom-in per frame
    sway: float = 3.0  # amplitude (px) of a slow sideways sway on top of the drift
    strength: float = 0.6  # degradation strength 0..1 (simulator scale)
    interlaced: bool = False  # film fields 1/(2 rate) apart and weave them


@dataclass(frozen=True)
class Clip:
    """A synthetic clip: its spec, clean frames, degraded frames (RGB uint8) and degradation."""

    spec: ClipSpec
    clean: list[np.ndarray]
    degraded: list[np.ndarray]
    degradation: Degradation


def _view(photo: Image.Image, spec: ClipSpec, t: float) -> np.ndarray:
    """The camera's view at time ``t`` (in frames): an affine crop of the photo, RGB uint8."""
    zoom = 1.0 + spec.zoom * t
    # the largest output-sized window that fits the photo at the end of the clip, centred
    fit = min(photo.width / spec.width, photo.height / spec.height) / (1.0 + spec.zoom * spec.frames)
    travel = (spec.pan[0] * spec.frames, spec.pan[1] * spec.frames)
    scale = fit * 0.8 / zoom  # photo px per output px (0.8 leaves room for the pan and sway)
    cx = photo.width / 2 + (spec.pan[0] * t - travel[0] / 2 + spec.sway * math.sin(t / 4)) * fit * 0.8
    cy = photo.height / 2 + (spec.pan[1] * t - travel[1] / 2) * fit * 0.8
    x0, y0 = cx - scale * spec.width / 2, cy - scale * spec.height / 2
    data = (scale, 0.0, x0, 0.0, scale, y0)
    view = photo.transform((spec.width, spec.height), Image.Transform.AFFINE, data, Image.Resampling.BICUBIC)
    return np.asarray(view)


def clip_degradation(seed: int, strength: float) -> Degradation:
    """A constant chroma bleed, then line jitter and grain (whose noise the per-frame seed renews)."""
    rng = np.random.default_rng(seed)
    return Degradation(
        (
            ChromaBleed.sample(rng, strength),
            LineJitter.sample(rng, strength),
            Grain.sample(rng, strength),
        )
    )


def make_clip(photo: np.ndarray, spec: ClipSpec | None = None, seed: int = 0) -> Clip:
    """Film ``photo`` (RGB uint8) as ``spec`` says and degrade every frame with fresh jitter and grain."""
    spec = spec or ClipSpec()
    image = Image.fromarray(photo)
    degradation = clip_degradation(seed, spec.strength)
    clean, degraded = [], []
    for t in range(spec.frames):
        if spec.interlaced:
            frame = weave(_view(image, spec, t)[0::2], _view(image, spec, t + 0.5)[1::2])
        else:
            frame = _view(image, spec, t)
        clean.append(frame)
        degraded.append(to_uint8(degradation(frame, seed=seed * 100_003 + t)))
    return Clip(spec, clean, degraded, degradation)


def write_tone(path: Path, seconds: float, hz: float = TONE_HZ) -> None:
    """A WAV file of a sine tone (16-bit mono) lasting ``seconds``."""
    samples = np.sin(2 * np.pi * hz * np.arange(int(seconds * AUDIO_RATE)) / AUDIO_RATE)
    pcm = (0.3 * 32767 * samples).astype(np.int16)
    with av.open(str(path), "w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=AUDIO_RATE, layout="mono")
        for start in range(0, len(pcm), 4800):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + 4800], format="s16", layout="mono")
            frame.sample_rate, frame.pts = AUDIO_RATE, start
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


def write_clip(
    path: Path, frames: list[np.ndarray], rate: Fraction, *, audio: bool = True, interlaced: bool = False,
    crf: int = 12,
) -> None:  # fmt: skip
    """Encode frames as H.264 (near-lossless ``crf``) with a tone track as long as the clip."""
    tone = path.with_name(path.stem + ".tone.wav")
    if audio:
        write_tone(tone, len(frames) / float(rate))
    try:
        encode_video(path, frames, rate, tone if audio else None, crf=crf, interlaced=interlaced)
    finally:
        tone.unlink(missing_ok=True)
