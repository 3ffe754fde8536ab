"""Training pairs made on the fly (clean crop, degraded crop) and fixed, seeded evaluation pairs."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.pool import AsyncResult
from pathlib import Path

import numpy as np

from inkling.datasets.photos import list_images, load_image
from inkling.inference.timebase import correct_line_jitter
from inkling.restore.degrade import CLEAN_PROB, CORE_PROB, Degradation, random_degradation
from inkling.restore.imageops import to_float

TRAIN_SPLITS = ("train", "val")  # BSDS500 splits used for training
TEST_SPLIT = "test"  # BSDS500 split used for evaluation
EVAL_SEED = 20_240_601  # fixed seed of the evaluation degradations
PREFETCH_PER_WORKER = 4  # batches a worker may have made ahead of training (bounds memory)


def load_split_images(root: Path, splits: Sequence[str], limit: int | None = None) -> list[np.ndarray]:
    """RGB uint8 images of the given splits, in split then name order (at most ``limit`` in all)."""
    paths = [p for split in splits for p in list_images(root, split)][:limit]
    return [load_image(p) for p in paths]


@dataclass(frozen=True)
class CropSpec:
    """How training crops are cut: a random size per batch (multiple of ``multiple``), flips, rotations."""

    crop_min: int = 128  # smallest square crop side (px)
    crop_max: int = 192  # largest square crop side (px)
    multiple: int = 16  # crop sides are multiples of this (the generator's 2**levels)
    timebase: bool = False  # run the line time-base corrector on the degraded crops (as serving does)
    clean_prob: float = CLEAN_PROB  # share of crops left undegraded (the model must leave them alone)
    core_prob: tuple[float, float] = (CORE_PROB, CORE_PROB)  # each crop's artifact chance, drawn in range

    def degradation(self, rng: np.random.Generator) -> Degradation:
        """A random degradation for one crop (its artifact chance drawn from ``core_prob``)."""
        low, high = self.core_prob
        core_prob = float(rng.uniform(low, high)) if high > low else low
        return random_degradation(rng, core_prob=core_prob, clean_prob=self.clean_prob)


def _random_crop(image: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A random ``size`` square of ``image`` (reflect-padded if the image is smaller), flipped/rotated."""
    if rng.random() < 0.5:
        image = np.rot90(image)
    height, width = image.shape[:2]
    if height < size or width < size:
        pad = ((0, max(0, size - height)), (0, max(0, size - width)), (0, 0))
        image = np.pad(image, pad, mode="reflect")
        height, width = image.shape[:2]
    y = int(rng.integers(0, height - size + 1))
    x = int(rng.integers(0, width - size + 1))
    crop = image[y : y + size, x : x + size]
    return np.ascontiguousarray(crop[:, ::-1] if rng.random() < 0.5 else crop)


def make_batch(
    images: Sequence[np.ndarray], batch_size: int, spec: CropSpec, seed: int, step: int
) -> tuple[np.ndarray, np.ndarray]:
    """(degraded, clean) float32 NCHW batches for ``step``; the same (seed, step) gives the same batch."""
    rng = np.random.default_rng([seed, step])
    sizes = np.arange(spec.crop_min, spec.crop_max + 1, spec.multiple)
    size = int(rng.choice(sizes))
    clean = np.empty((batch_size, size, size, 3), dtype=np.float32)
    degraded = np.empty_like(clean)
    for i in range(batch_size):
        crop = to_float(_random_crop(images[int(rng.integers(len(images)))], size, rng))
        clean[i] = crop
        degraded[i] = spec.degradation(rng)(crop, seed=int(rng.integers(2**31)))
        if spec.timebase:
            degraded[i] = correct_line_jitter(degraded[i])[0]
    return degraded.transpose(0, 3, 1, 2).copy(), clean.transpose(0, 3, 1, 2).copy()


_WORKER_IMAGES: list[np.ndarray] = []


def _worker_batch(args: tuple[int, CropSpec, int, int]) -> tuple[np.ndarray, np.ndarray]:
    batch_size, spec, seed, step = args
    return make_batch(_WORKER_IMAGES, batch_size, spec, seed, step)


def iter_batches(
    images: Sequence[np.ndarray],
    batch_size: int,
    spec: CropSpec,
    seed: int,
    start: int,
    stop: int,
    workers: int = 0,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Batches for steps ``start..stop-1`` in order; ``workers`` > 0 makes them in forked processes."""
    if workers <= 0:
        for step in range(start, stop):
            yield make_batch(images, batch_size, spec, seed, step)
        return
    global _WORKER_IMAGES
    _WORKER_IMAGES = list(images)  # inherited by the forked workers
    with get_context("fork").Pool(workers) as pool:
        pending: deque[AsyncResult] = deque()
        for step in range(start, stop):  # at most PREFETCH_PER_WORKER batches ahead per worker
            pending.append(pool.apply_async(_worker_batch, ((batch_size, spec, seed, step),)))
            if len(pending) > PREFETCH_PER_WORKER * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


@dataclass(frozen=True)
class EvalPair:
    """One evaluation image: its name, the clean original and its fixed degradation."""

    name: str
    clean: np.ndarray  # uint8 (H, W, 3)
    degraded: np.ndarray  # float32 0..1 (H, W, 3)
    degradation: Degradation


def eval_pairs(root: Path, limit: int | None = None, seed: int = EVAL_SEED) -> list[EvalPair]:
    """The first ``limit`` test images (name order), each with the degradation of (seed, index)."""
    pairs = []
    for index, path in enumerate(list_images(root, TEST_SPLIT)[:limit]):
        clean = load_image(path)
        degradation = random_degradation(np.random.default_rng([seed, index]), clean_prob=0.0)
        pairs.append(EvalPair(path.name, clean, degradation(clean, seed=seed + index), degradation))
    return pairs
