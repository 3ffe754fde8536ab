"""Rasterising and the one public pipeline: any valid ink gives a valid, centred bitmap at any size."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from inkling.ink import InkError, ink_to_bitmap, parse_ink, rasterise, render_batch, simplify
from tests.unit.test_ink_simplify import raw_inks

SQUARE = [[[0, 255, 255, 0, 0], [0, 0, 255, 255, 0]]]
RAW_SQUIGGLE = [[[300, 350, 420, 500], [200, 260, 240, 300], [0, 30, 60, 90]], [[320], [330], [200]]]


@settings(max_examples=40, deadline=None)
@given(raw_inks())
def test_any_valid_ink_gives_a_valid_non_empty_bitmap(raw: list) -> None:
    bitmap = ink_to_bitmap(raw)
    assert bitmap.shape == (28, 28) and bitmap.dtype == np.uint8
    assert bitmap.max() > 0
    assert bitmap[0].max() == bitmap[-1].max() == bitmap[:, 0].max() == bitmap[:, -1].max() == 0  # padding


@pytest.mark.parametrize("size", [1, 28, 32, 64, 128, 255])
def test_other_sizes(size: int) -> None:
    bitmap = ink_to_bitmap(SQUARE, size)
    assert bitmap.shape == (size, size) and bitmap.dtype == np.uint8 and bitmap.max() > 0


def test_bigger_bitmaps_agree_with_28_px_after_box_downsampling() -> None:
    small = ink_to_bitmap(RAW_SQUIGGLE, 28).astype(float)
    big = ink_to_bitmap(RAW_SQUIGGLE, 112).astype(float).reshape(28, 4, 28, 4).mean(axis=(1, 3))
    assert np.abs(small - big).max() <= 3


def test_thick_lines_saturate_to_white() -> None:
    assert ink_to_bitmap(SQUARE, 128).max() == 255


def test_a_dot_is_a_round_blob_in_the_centre() -> None:
    bitmap = ink_to_bitmap([[[40], [70], [0]]], 64).astype(int)  # raw: simplified to (0, 0)
    assert bitmap.max() > 0
    assert np.abs(bitmap - bitmap[::-1, ::-1]).max() <= 2  # centred
    assert np.abs(bitmap - bitmap.T).max() <= 2  # round
    assert bitmap[:20].max() == 0 and bitmap[44:].max() == 0


def test_the_drawing_is_centred_on_its_bounding_box_maximum() -> None:
    line = ink_to_bitmap([[[0, 255], [0, 0]]], 64).astype(int)
    rows = np.flatnonzero(line.max(axis=1))
    assert rows.min() + rows.max() == 63  # a line at y = 0 sits on the middle rows
    assert np.abs(line - line[:, ::-1]).max() <= 2


def test_strokes_are_white_on_black() -> None:
    bitmap = ink_to_bitmap(SQUARE)
    assert bitmap[14, 14] == 0 and bitmap[0, 0] == 0 and bitmap.max() >= 200


def test_raw_and_its_simplified_form_render_identically() -> None:
    simplified = simplify(parse_ink(RAW_SQUIGGLE)).to_lists()
    assert np.array_equal(ink_to_bitmap(RAW_SQUIGGLE), ink_to_bitmap(simplified))
    assert np.array_equal(ink_to_bitmap(RAW_SQUIGGLE), rasterise(simplify(parse_ink(RAW_SQUIGGLE))))


def test_render_batch_stacks_in_order() -> None:
    batch = render_batch([SQUARE, RAW_SQUIGGLE, parse_ink(SQUARE)], size=32)
    assert batch.shape == (3, 32, 32) and batch.dtype == np.uint8
    assert np.array_equal(batch[1], ink_to_bitmap(RAW_SQUIGGLE, 32))
    assert np.array_equal(batch[0], batch[2])
    assert render_batch([], size=16).shape == (0, 16, 16)


def test_invalid_ink_and_size_are_refused() -> None:
    with pytest.raises(InkError, match="stroke 0: xs has 2 points but ys has 1"):
        ink_to_bitmap([[[1, 2], [1]]])
    with pytest.raises(ValueError, match="size"):
        rasterise(parse_ink(SQUARE), 0)
