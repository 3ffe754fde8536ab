"""VHS/PAL artifacts, each a parametrised step: ``step(image, rng) -> image`` on float32 RGB 0..1 (H, W, 3).

Every artifact keeps shape and dtype and clips to 0..1. ``Artifact.sample(rng, strength)`` draws the
parameters for a strength in 0..1 (0 = barely visible, 1 = a badly worn tape). All randomness comes
from the ``rng`` handed in, so a seeded generator gives the same output every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from PIL import Image

from inkling.restore.imageops import (
    blur,
    filter1d,
    gaussian_kernel,
    jpeg_roundtrip,
    resize,
    rgb_to_yuv,
    shift_rows,
    yuv_to_rgb,
)

PAL_WIDTH, PAL_HEIGHT = 720, 576  # the PAL 4:3 raster of digitised tapes (non-square pixels)
RESAMPLING = {  # Pillow filters a capture chain may resample with
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
    "box": Image.Resampling.BOX,
}


def _lerp(low: float, high: float, t: float) -> float:
    return float(low + (high - low) * t)


@dataclass(frozen=True)
class Artifact:
    """Base class: a named, parametrised, seeded image degradation."""

    name: ClassVar[str] = "artifact"
    extra: ClassVar[bool] = False  # True for mild artifacts beyond the VHS list (blur, JPEG)

    def __call__(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Apply the artifact; float32 RGB 0..1 in and out, same shape."""
        return np.clip(self.apply(np.asarray(image, dtype=np.float32), rng), 0.0, 1.0).astype(np.float32)

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The unclipped degradation (subclasses)."""
        raise NotImplementedError

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Artifact:
        """Parameters for ``strength`` in 0..1, jittered by ``rng``."""
        raise NotImplementedError


@dataclass(frozen=True)
class LowResolution(Artifact):
    """Low horizontal/vertical resolution (non-square pixels); ``pal`` first resamples to 720x576 and back."""

    name: ClassVar[str] = "low_resolution"
    h_scale: float = 0.5  # kept share of horizontal resolution (VHS: ~250 of 720 lines)
    v_scale: float = 1.0  # kept share of vertical resolution (0.5 = one field, line-doubled)
    pal: bool = False  # go through the PAL raster (PAL_WIDTH x PAL_HEIGHT) first
    down: str = "bicubic"  # resampling filter of the reduction (a RESAMPLING name)
    up: str = "bilinear"  # resampling filter of the enlargement back to size

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        height, width = image.shape[:2]
        base = resize(image, PAL_WIDTH, PAL_HEIGHT) if self.pal else image
        bh, bw = base.shape[:2]
        size = max(1, round(bw * self.h_scale)), max(1, round(bh * self.v_scale))
        small = resize(base, *size, RESAMPLING[self.down])
        back = resize(small, bw, bh, RESAMPLING[self.up])
        return resize(back, width, height) if self.pal else back

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> LowResolution:
        h = _lerp(0.85, 0.3, strength) * rng.uniform(0.9, 1.1)
        v = 1.0 if rng.random() < 0.5 else _lerp(0.95, 0.5, strength * rng.uniform(0.5, 1.0))
        names = list(RESAMPLING)
        return cls(
            h_scale=float(np.clip(h, 0.2, 1.0)),
            v_scale=float(v),
            pal=False,
            down=str(rng.choice(names)),
            up=str(rng.choice(names[:3])),  # enlarging with a box filter would be blocky, not VHS
        )


@dataclass(frozen=True)
class Grain(Artifact):
    """Analog grain: luma noise and horizontally streaky chroma noise."""

    name: ClassVar[str] = "grain"
    luma_sigma: float = 0.04  # std of luma noise (0..1 scale)
    chroma_sigma: float = 0.04  # std of U/V noise before smearing
    chroma_streak: float = 3.0  # horizontal smear (sigma, px) of the chroma noise
    luma_streak: float = 0.5  # horizontal smear (sigma, px) of the luma noise
    rgb_sigma: float = 0.0  # std of independent per-channel RGB noise (a digitiser's sensor noise)

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        height, width = image.shape[:2]
        yuv = rgb_to_yuv(image)
        luma = rng.standard_normal((height, width, 1)).astype(np.float32)
        chroma = rng.standard_normal((height, width, 2)).astype(np.float32)
        if self.luma_streak > 0:
            luma = blur(luma, self.luma_streak)
            luma /= max(float(luma.std()), 1e-6)
        if self.chroma_streak > 0:
            chroma = blur(chroma, self.chroma_streak)
            chroma /= max(float(chroma.std()), 1e-6)
        yuv[..., :1] += self.luma_sigma * luma
        yuv[..., 1:] += self.chroma_sigma * chroma
        rgb = yuv_to_rgb(yuv)
        if self.rgb_sigma > 0:
            rgb += self.rgb_sigma * rng.standard_normal(rgb.shape).astype(np.float32)
        return rgb

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Grain:
        return cls(
            luma_sigma=_lerp(0.006, 0.07, strength) * rng.uniform(0.5, 1.3),
            chroma_sigma=_lerp(0.003, 0.04, strength) * rng.uniform(0.5, 1.5),
            chroma_streak=float(rng.uniform(0.0, 6.0)),
            luma_streak=float(rng.uniform(0.0, 1.2)),
            rgb_sigma=_lerp(0.004, 0.06, strength) * float(rng.uniform(0, 1.3) if rng.random() < 0.5 else 0),
        )


@dataclass(frozen=True)
class Tearing(Artifact):
    """Head-switching tear: the last (or first) lines bent sideways, most at the frame edge."""

    name: ClassVar[str] = "tearing"
    lines: int = 10  # rows affected
    shift: float = 12.0  # horizontal shift (px) of the outermost row
    bend: float = 2.0  # curve exponent: shift grows like t**bend towards the edge
    top: bool = False  # tear at the top instead of the bottom
    noise: float = 0.05  # std of the noise band in the torn rows

    def displacement(self, height: int) -> np.ndarray:
        """Each row's horizontal shift (px, positive = right): the ground truth a corrector should undo."""
        lines = int(min(max(self.lines, 1), height))
        t = (np.arange(1, lines + 1, dtype=np.float32) / lines) ** self.bend
        shifts = np.zeros(height, dtype=np.float32)
        if self.top:
            shifts[:lines] = self.shift * t[::-1]
        else:
            shifts[height - lines :] = self.shift * t
        return shifts

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        height = image.shape[0]
        lines = int(min(max(self.lines, 1), height))
        shifts = self.displacement(height)
        out = shift_rows(image, shifts)
        rows = slice(0, lines) if self.top else slice(height - lines, height)
        band = rng.standard_normal((*out[rows].shape[:2], 1)).astype(np.float32)
        out[rows] += self.noise * band * np.abs(shifts[rows, None, None]) / max(abs(self.shift), 1e-6)
        return out

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Tearing:
        return cls(
            lines=int(rng.integers(3, 6 + int(_lerp(4, 20, strength)))),
            shift=_lerp(2.0, 24.0, strength) * rng.uniform(0.6, 1.2) * (1 if rng.random() < 0.8 else -1),
            bend=float(rng.uniform(1.0, 3.0)),
            top=bool(rng.random() < 0.6),
            noise=_lerp(0.0, 0.1, strength) * float(rng.random()),
        )


@dataclass(frozen=True)
class LineJitter(Artifact):
    """Horizontal time-base jitter: every line shifted by a correlated random amount (AR(1) process)."""

    name: ClassVar[str] = "line_jitter"
    amplitude: float = 1.0  # std of the per-line shift (px)
    correlation: float = 0.8  # AR(1) coefficient between neighbouring lines (0 = independent)
    whole_pixels: bool = False  # round the shifts to whole pixels (a capture that drops/repeats samples)

    def displacement(self, height: int, rng: np.random.Generator) -> np.ndarray:
        """Each row's shift (px, positive = right) as ``apply`` draws it from ``rng`` (the ground truth)."""
        steps = rng.standard_normal(height)
        shifts = np.empty(height)
        shifts[0] = steps[0]
        innovation = np.sqrt(max(1.0 - self.correlation**2, 0.0))
        for y in range(1, height):
            shifts[y] = self.correlation * shifts[y - 1] + innovation * steps[y]
        shifts = self.amplitude * shifts
        return np.round(shifts) if self.whole_pixels else shifts

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return shift_rows(image, self.displacement(image.shape[0], rng))

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> LineJitter:
        return cls(
            amplitude=_lerp(0.2, 2.5, strength) * rng.uniform(0.7, 1.3),
            correlation=float(rng.uniform(0.0, 0.98)),
            whole_pixels=bool(rng.random() < 0.3),
        )


@dataclass(frozen=True)
class ChromaBleed(Artifact):
    """Chroma delayed (shifted right) and smeared to the right of edges, as a VHS chroma path does."""

    name: ClassVar[str] = "chroma_bleed"
    delay: float = 2.0  # shift of U and V to the right (px, fractional)
    smear: float = 4.0  # length (px) of the one-sided exponential smear

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        yuv = rgb_to_yuv(image)
        chroma = shift_rows(yuv[..., 1:], np.full(image.shape[0], self.delay))
        if self.smear > 0:
            taps = int(np.ceil(3 * self.smear))
            kernel = np.exp(-np.arange(taps + 1) / self.smear)[::-1].astype(np.float32)
            kernel /= kernel.sum()  # weights on x-taps..x: a causal smear to the right
            chroma = filter1d(chroma, kernel, axis=1, origin=taps - len(kernel) // 2)
        yuv[..., 1:] = chroma
        return yuv_to_rgb(yuv)

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> ChromaBleed:
        return cls(
            delay=_lerp(0.5, 5.0, strength) * rng.uniform(0.6, 1.3) * (1 if rng.random() < 0.85 else -1),
            smear=_lerp(0.5, 6.0, strength) * rng.uniform(0.6, 1.3),
        )


@dataclass(frozen=True)
class Subsampling(Artifact):
    """YUV subsampling: chroma kept at 1/``chroma_h`` width (and 1/``chroma_v`` height); soft luma."""

    name: ClassVar[str] = "subsampling"
    chroma_h: int = 4  # horizontal chroma factor (4 ~ 4:1:1, 2 ~ 4:2:2/4:2:0)
    chroma_v: int = 1  # vertical chroma factor (2 ~ 4:2:0)
    luma_sigma: float = 0.8  # horizontal blur of luma (px): the limited luma bandwidth

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        height, width = image.shape[:2]
        yuv = rgb_to_yuv(image)
        chroma = yuv[..., 1:]
        small = resize(chroma, max(1, width // self.chroma_h), max(1, height // self.chroma_v))
        yuv[..., 1:] = resize(small, width, height, Image.Resampling.BILINEAR)
        if self.luma_sigma > 0:
            yuv[..., :1] = filter1d(yuv[..., :1], gaussian_kernel(self.luma_sigma), axis=1)
        return yuv_to_rgb(yuv)

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Subsampling:
        return cls(
            chroma_h=int(rng.choice([2, 3, 4, 6])) if strength > 0.3 else int(rng.choice([2, 4])),
            chroma_v=int(rng.choice([1, 2])),
            luma_sigma=_lerp(0.2, 1.6, strength) * rng.uniform(0.7, 1.3),
        )


@dataclass(frozen=True)
class Blur(Artifact):
    """A slight optical/recorder blur (beyond the VHS list)."""

    name: ClassVar[str] = "blur"
    extra: ClassVar[bool] = True
    sigma: float = 0.6  # Gaussian sigma (px) in both directions

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return blur(image, self.sigma, self.sigma)

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Blur:
        return cls(sigma=_lerp(0.3, 1.2, strength) * rng.uniform(0.8, 1.2))


@dataclass(frozen=True)
class Jpeg(Artifact):
    """JPEG compression of the capture (beyond the VHS list)."""

    name: ClassVar[str] = "jpeg"
    extra: ClassVar[bool] = True
    quality: int = 70  # JPEG quality 1..95

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return jpeg_roundtrip(image, self.quality)

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Jpeg:
        return cls(quality=int(np.clip(_lerp(92, 35, strength) + rng.integers(-5, 6), 20, 95)))


@dataclass(frozen=True)
class Sharpen(Artifact):
    """The VCR's sharpening: edge overshoot (ringing halos) along lines (beyond the VHS list)."""

    name: ClassVar[str] = "sharpen"
    extra: ClassVar[bool] = True
    amount: float = 0.6  # unsharp-mask gain
    sigma: float = 1.5  # horizontal radius of the halo (px)

    def apply(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return image + self.amount * (image - blur(image, self.sigma))

    @classmethod
    def sample(cls, rng: np.random.Generator, strength: float) -> Sharpen:
        return cls(amount=_lerp(0.2, 1.0, strength), sigma=float(rng.uniform(1.0, 2.5)))


CORE_ARTIFACTS: tuple[type[Artifact], ...] = (
    LowResolution,
    Grain,
    Tearing,
    LineJitter,
    ChromaBleed,
    Subsampling,
)
EXTRA_ARTIFACTS: tuple[type[Artifact], ...] = (Blur, Jpeg, Sharpen)
ARTIFACTS: dict[str, type[Artifact]] = {a.name: a for a in CORE_ARTIFACTS + EXTRA_ARTIFACTS}
