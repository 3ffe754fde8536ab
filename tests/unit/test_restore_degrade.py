"""The VHS/PAL simulator: every artifact is seeded, changes the image, keeps shape, dtype and range."""

from __future__ import annotations

import numpy as np
import pytest

from inkling.restore.artifacts import ARTIFACTS, CORE_ARTIFACTS, LowResolution, Tearing
from inkling.restore.degrade import Degradation, degrade, random_degradation, single


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    """A small synthetic photo: smooth colour gradients, edges and texture."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:48, 0:64] / 64.0
    image = np.stack([x, y, 0.5 + 0.4 * np.sin(6 * x + 3 * y)], axis=-1)
    image[16:32, 20:40] = [0.9, 0.2, 0.1]
    return np.clip(image + 0.03 * rng.standard_normal(image.shape), 0, 1).astype(np.float32)


@pytest.mark.parametrize("name", sorted(ARTIFACTS))
def test_artifact_is_deterministic_and_keeps_shape_dtype_range(name: str, photo: np.ndarray) -> None:
    step = ARTIFACTS[name].sample(np.random.default_rng(1), 0.7)
    first = step(photo, np.random.default_rng(5))
    assert first.shape == photo.shape and first.dtype == np.float32
    assert first.min() >= 0.0 and first.max() <= 1.0
    assert np.array_equal(first, step(photo, np.random.default_rng(5)))
    assert np.abs(first - photo).mean() > 1e-4, f"{name} did not change the image"


@pytest.mark.parametrize("name", sorted(ARTIFACTS))
def test_sampling_is_seeded(name: str) -> None:
    assert single(name, 0.5, seed=3) == single(name, 0.5, seed=3)


def test_stronger_grain_is_noisier(photo: np.ndarray) -> None:
    from inkling.restore.artifacts import Grain

    weak = Grain(luma_sigma=0.01, chroma_sigma=0.01)(photo, np.random.default_rng(0))
    strong = Grain(luma_sigma=0.08, chroma_sigma=0.05)(photo, np.random.default_rng(0))
    assert np.abs(strong - photo).mean() > 2 * np.abs(weak - photo).mean()


def test_tearing_moves_only_the_edge_rows(photo: np.ndarray) -> None:
    out = Tearing(lines=8, shift=10, bend=2, noise=0.0)(photo, np.random.default_rng(0))
    assert np.array_equal(out[:-8], photo[:-8])
    assert not np.allclose(out[-1], photo[-1])


def test_pal_geometry_round_trip_keeps_size(photo: np.ndarray) -> None:
    out = LowResolution(h_scale=0.5, v_scale=0.5, pal=True)(photo, np.random.default_rng(0))
    assert out.shape == photo.shape


def test_random_degradation_is_seeded_and_varies_order(photo: np.ndarray) -> None:
    a, da = degrade(photo, seed=42)
    b, db = degrade(photo, seed=42)
    assert da == db and np.array_equal(a, b)
    orders = {tuple(random_degradation(np.random.default_rng(s)).names) for s in range(40)}
    assert len(orders) > 20
    firsts = {names[0] for names in orders if names}
    assert len(firsts & {a.name for a in CORE_ARTIFACTS}) >= 4  # any artifact can come first


def test_composition_applies_steps_in_order(photo: np.ndarray) -> None:
    steps = tuple(a.sample(np.random.default_rng(0), 0.5) for a in CORE_ARTIFACTS)
    forward, backward = Degradation(steps), Degradation(steps[::-1])
    assert forward.names == [a.name for a in CORE_ARTIFACTS]
    assert not np.array_equal(forward(photo, seed=1), backward(photo, seed=1))
    assert forward(photo, seed=1).shape == photo.shape


def test_uint8_input_is_accepted(photo: np.ndarray) -> None:
    out = single("grain")((photo * 255).astype(np.uint8), seed=0)
    assert out.dtype == np.float32 and out.shape == photo.shape


def test_batches_made_in_workers_equal_inline_batches_and_stay_bounded(photo: np.ndarray) -> None:
    from inkling.restore.data import CropSpec, iter_batches

    images = [(photo * 255).astype(np.uint8)] * 3
    spec = CropSpec(crop_min=16, crop_max=32, multiple=16)
    inline = list(iter_batches(images, 2, spec, seed=4, start=3, stop=15))
    forked = iter_batches(images, 2, spec, seed=4, start=3, stop=15, workers=2)
    for (degraded, clean), (forked_degraded, forked_clean) in zip(inline, forked, strict=True):
        assert np.array_equal(degraded, forked_degraded) and np.array_equal(clean, forked_clean)
    assert len(inline) == 12 and inline[0][0].shape[:2] == (2, 3)


def test_whole_pixel_jitter_moves_rows_by_whole_pixels(photo: np.ndarray) -> None:
    from inkling.restore.artifacts import LineJitter

    jittered = LineJitter(amplitude=1.5, correlation=0.0, whole_pixels=True)(photo, np.random.default_rng(2))
    width, m = photo.shape[1], 12
    moved = [  # every row is its original, moved by some whole number of pixels
        [
            s
            for s in range(-m, m + 1)
            if np.allclose(jittered[y, m:-m], photo[y, m - s : width - m - s], atol=1e-6)
        ]
        for y in range(photo.shape[0])
    ]
    assert all(moved) and len({shifts[0] for shifts in moved}) > 1


def test_crop_spec_mixes_clean_and_lightly_degraded_crops() -> None:
    from inkling.restore.data import CropSpec

    def step_counts(spec: CropSpec) -> list[int]:
        rng = np.random.default_rng(3)
        return [len(spec.degradation(rng).steps) for _ in range(400)]

    default = step_counts(CropSpec())
    mixed = step_counts(CropSpec(clean_prob=0.3, core_prob=(0.1, 0.4)))
    assert mixed.count(0) > 80 > default.count(0)  # about 30 % clean vs the default 3 %
    assert np.mean(mixed) < np.mean(default) - 1.5  # fewer artifacts per crop
    assert step_counts(CropSpec()) == default  # seeded
