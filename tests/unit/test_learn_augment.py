"""Augmentation keeps ink valid and labels intact; prefixes are prefixes; stroke channels behave."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inkling.ink import Ink, Stroke, rasterise, simplify
from inkling.ink.features import bitmap_channels, ink_channels, recency_channel
from inkling.learn.augment import affine_bitmaps, augment_ink, drop_strokes, prefix, random_prefix_length

INK = Ink(
    (
        Stroke([0, 100, 200], [0, 50, 0], [0, 10, 20]),
        Stroke([20, 20], [100, 200], [40, 60]),
        Stroke([150, 250, 200], [150, 150, 250], [80, 90, 100]),
    )
)


@pytest.mark.parametrize("seed", range(5))
def test_augmented_ink_is_valid_and_renders(seed: int) -> None:
    rng = np.random.default_rng(seed)
    out = augment_ink(INK, rng)
    assert 1 <= len(out) <= len(INK) and out.has_times
    image = rasterise(simplify(out), 28)
    assert image.shape == (28, 28) and image.max() > 0


def test_stroke_dropout_keeps_order_and_one_stroke() -> None:
    rng = np.random.default_rng(0)
    kept = drop_strokes(INK, rng, p=0.5)
    positions = [next(i for i, s in enumerate(INK) if s == k) for k in kept]
    assert positions == sorted(positions)
    assert len(drop_strokes(INK, rng, p=1.0)) == 1


def test_prefixes_are_prefixes() -> None:
    for k in range(1, len(INK) + 1):
        assert prefix(INK, k).strokes == INK.strokes[:k]
    with pytest.raises(ValueError):
        prefix(INK, 0)
    rng = np.random.default_rng(0)
    assert all(1 <= random_prefix_length(3, rng) <= 2 for _ in range(50))
    assert random_prefix_length(1, rng) == 1


def test_bitmap_affine_keeps_shape_and_never_flips() -> None:
    x = torch.zeros(8, 2, 28, 28)
    x[:, :, 4:10, 2:6] = 1.0  # a blob in the top-left stays top-left (no flip, no rotation)
    out = affine_bitmaps(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    assert out[:, :, :14, :14].sum() > 10 * out[:, :, 14:, 14:].sum()


def test_recency_channel_ranks_strokes() -> None:
    simple = simplify(INK)
    channel = recency_channel(simple)
    assert channel.shape == (28, 28) and channel.min() >= 0.0 and channel.max() == pytest.approx(1.0)
    both = ink_channels(simple)
    assert both.shape == (2, 28, 28)
    first_only = recency_channel(Ink(simple.strokes[:1]))
    assert first_only.max() == pytest.approx(1.0)  # a single stroke is the most recent one
    plain = bitmap_channels(rasterise(simple))
    assert plain.shape == (2, 28, 28) and not plain[1].any() and plain[0].max() <= 1.0
