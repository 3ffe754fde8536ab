"""``RestorePredictor``: restore a frame of any size with an ONNX image-to-image model, tile by tile.

The image is reflect-padded by ``margin`` on every side (so borders get context), cut into
overlapping tiles whose sides are multiples of the model's ``multiple``, and the tile outputs are
blended with feathered weights (linear ramps across each overlap), so there are no seams. Images
that fit one tile run whole. Output: uint8 RGB of exactly the input size. NumPy + onnxruntime only.
By default (``guard``) the frame is first measured and exactly repaired (``inkling.inference.repair``:
tears, line jitter, chroma delay and bandwidth), and the network's correction is then blended in by a
gate from the estimated noise and jitter (0 = the network is not even run), so that a frame with
nothing wrong comes out unchanged and the network only acts on what it handles well (grain, jitter).
``guard=False`` is the earlier path: the line time-base corrector (``inkling.inference.timebase``)
when the model's metadata asks for it (``inference.timebase``), then the network. A caller may pass
``should_stop`` (say, "the client has gone"): it is asked before each tile, and :class:`RestoreCancelled`
ends the work.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from inkling.inference.damage import Damage
from inkling.inference.model import OnnxModel
from inkling.inference.repair import RepairConfig, RestoreCancelled, repair
from inkling.inference.timebase import TimebaseConfig, correct_line_jitter

DEFAULT_TILE = 768  # largest tile side (px); a 720x576 PAL frame runs as one tile
DEFAULT_OVERLAP = 64  # overlap (px) between neighbouring tiles, blended with linear ramps
DEFAULT_MARGIN = 16  # reflect padding (px) around the image before tiling


@dataclass(frozen=True)
class GateConfig:
    """How much of the network's correction is kept: ramps from 0 to 1 between ``low`` and ``high``."""

    noise_low: float = 0.015  # estimated luma noise std where the network starts to help
    noise_high: float = 0.035  # ... and where it is kept whole
    jitter_low: float = 0.15  # median |line displacement| (px) where the network starts to act
    jitter_high: float = 0.4

    def __call__(self, damage: Damage) -> float:
        """The share (0..1) of the network's correction kept for a frame with ``damage``."""
        jitter = float(np.median(np.abs(damage.jitter))) if damage.jitter.size else 0.0
        return max(
            _ramp(damage.noise, self.noise_low, self.noise_high),
            _ramp(jitter, self.jitter_low, self.jitter_high),
        )


def _ramp(value: float, low: float, high: float) -> float:
    """0 up to ``low``, 1 from ``high``, linear between."""
    return float(np.clip((value - low) / max(high - low, 1e-9), 0.0, 1.0))


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of size ``tile`` covering ``0..length`` with at least ``overlap`` overlap."""
    if length <= tile:
        return [0]
    count = math.ceil((length - overlap) / (tile - overlap))
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def feather(length: int, overlap: int, at_start: bool, at_end: bool) -> np.ndarray:
    """1-D blending weights of a tile: ramps up over ``overlap`` px at inner edges, flat at image edges."""
    weights = np.ones(length, dtype=np.float32)
    ramp = (
        np.linspace(0.0, 1.0, overlap + 2, dtype=np.float32)[1:-1] if overlap > 0 else np.ones(0, np.float32)
    )
    if not at_start and len(ramp):
        weights[: len(ramp)] = ramp
    if not at_end and len(ramp):
        weights[length - len(ramp) :] = np.minimum(weights[length - len(ramp) :], ramp[::-1])
    return weights


def _reflect_pad(image: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """``np.pad`` reflect (edge for 1-pixel axes, where reflect is undefined)."""
    height, width = image.shape[:2]
    if height > 1:
        image = np.pad(image, ((top, bottom), (0, 0), (0, 0)), mode="reflect")
    else:
        image = np.pad(image, ((top, bottom), (0, 0), (0, 0)), mode="edge")
    mode = "reflect" if width > 1 else "edge"
    return np.pad(image, ((0, 0), (left, right), (0, 0)), mode=mode)


class RestorePredictor(OnnxModel):
    """An image-to-image restorer (RGB float32 0..1 NCHW in and out) with tiled, seamless inference."""

    default_name = "restore"

    def __init__(
        self,
        onnx: bytes,
        meta: Mapping[str, Any],
        *,
        tile: int | None = None,
        overlap: int | None = None,
        margin: int | None = None,
        timebase: bool | None = None,
        guard: bool = True,
        gate: GateConfig | None = None,
        **identity: Any,
    ) -> None:
        """``timebase``: (unguarded path) correct line jitter first (default: as the metadata says);
        ``guard``: measure, repair and gate (see module); ``identity``: ``name``, ``version``,
        ``threads`` (see ``OnnxModel``)."""
        super().__init__(onnx, meta, **identity)
        self.multiple = int(self.meta.get("input", {}).get("multiple", 16))
        inference = self.meta.get("inference", {})
        self.tile = self._round_up(tile or int(inference.get("tile", DEFAULT_TILE)))
        self.overlap = int(overlap if overlap is not None else inference.get("overlap", DEFAULT_OVERLAP))
        self.margin = int(margin if margin is not None else inference.get("margin", DEFAULT_MARGIN))
        if not 0 <= self.overlap < self.tile:
            raise ValueError(f"overlap {self.overlap} must be in 0..tile-1 ({self.tile})")
        settings = inference.get("timebase") or {}
        use_timebase = bool(settings) if timebase is None else timebase
        tbc = TimebaseConfig(**settings) if isinstance(settings, dict) else TimebaseConfig()
        self.timebase = tbc if use_timebase else None
        self.guard = guard
        self.gate = gate or GateConfig()
        self.repair_config = RepairConfig(timebase=tbc)

    def _round_up(self, value: int) -> int:
        return max(self.multiple, math.ceil(value / self.multiple) * self.multiple)

    def run_model(self, batch: np.ndarray) -> np.ndarray:
        """The raw model on (N, 3, H, W) float32, H and W multiples of ``multiple``."""
        return self.session.run(None, {self.input_name: np.ascontiguousarray(batch, dtype=np.float32)})[0]

    def _tiles(self, height: int, width: int) -> Iterator[tuple[int, int, int, int]]:
        """(y, x, tile height, tile width) of the tiles covering a (padded) image."""
        th, tw = min(self.tile, height), min(self.tile, width)
        for y in tile_starts(height, th, self.overlap):
            for x in tile_starts(width, tw, self.overlap):
                yield y, x, th, tw

    def restore_float(self, image: np.ndarray, should_stop: Callable[[], bool] | None = None) -> np.ndarray:
        """Restore float32 RGB 0..1 (H, W, 3); float32 0..1 out, same size (``should_stop``: see module)."""
        return self.restore_measured(image, should_stop)[0]

    def restore_measured(
        self, image: np.ndarray, should_stop: Callable[[], bool] | None = None
    ) -> tuple[np.ndarray, Damage | None, float]:
        """(restored float frame, the damage measured (``None`` unguarded), share of the network kept)."""
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"expected an RGB image (H, W, 3), got shape {image.shape}")
        if not self.guard:
            if self.timebase is not None:
                image = correct_line_jitter(image, self.timebase)[0]
            return self._network(image, should_stop), None, 1.0
        fixed, damage = repair(image, self.repair_config, should_stop)
        share = self.gate(damage)
        if share <= 0.0:
            return np.clip(fixed, 0.0, 1.0), damage, 0.0
        network = self._network(fixed, should_stop)
        return np.clip(fixed + np.float32(share) * (network - fixed), 0.0, 1.0), damage, share

    def _network(self, image: np.ndarray, should_stop: Callable[[], bool] | None) -> np.ndarray:
        """The network's output on float RGB (H, W, 3), tiled and padded, clipped to 0..1."""
        height, width = image.shape[:2]
        m = self.margin
        bottom = m + (-(height + 2 * m) % self.multiple)
        right = m + (-(width + 2 * m) % self.multiple)
        padded = _reflect_pad(np.asarray(image, dtype=np.float32), m, bottom, m, right)
        ph, pw = padded.shape[:2]
        chw = padded.transpose(2, 0, 1)
        if ph <= self.tile and pw <= self.tile:
            out = self.run_model(chw[None])[0]
        else:
            out = np.zeros((3, ph, pw), dtype=np.float32)
            weight = np.zeros((ph, pw), dtype=np.float32)
            for y, x, th, tw in self._tiles(ph, pw):
                if should_stop is not None and should_stop():
                    raise RestoreCancelled("stopped between tiles")
                result = self.run_model(chw[None, :, y : y + th, x : x + tw])[0]
                wy = feather(th, self.overlap, y == 0, y + th == ph)
                wx = feather(tw, self.overlap, x == 0, x + tw == pw)
                w = wy[:, None] * wx[None, :]
                out[:, y : y + th, x : x + tw] += result * w
                weight[y : y + th, x : x + tw] += w
            out /= weight
        return np.clip(out[:, m : m + height, m : m + width].transpose(1, 2, 0), 0.0, 1.0)

    def restore(self, image: np.ndarray, should_stop: Callable[[], bool] | None = None) -> np.ndarray:
        """Restore an RGB uint8 (H, W, 3) image; uint8 out, same size (``should_stop``: see module)."""
        if image.dtype != np.uint8:
            raise ValueError(f"expected uint8 RGB, got {image.dtype}")
        out = self.restore_float(image.astype(np.float32) / np.float32(255.0), should_stop)
        return (out * 255.0 + 0.5).astype(np.uint8)
