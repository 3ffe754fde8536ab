"""Input contracts: drawings and bitmaps become the model's tensor through the one ink pipeline."""

from __future__ import annotations

import numpy as np
import pytest

from inkling.inference import INPUT_BUILDERS, InputError, build_input, register_input_kind
from inkling.inference.inputs import bitmap_stack
from inkling.ink import ink_to_bitmap, parse_ink

CONTRACT = {
    "kind": "bitmap",
    "size": 28,
    "channels": 1,
    "layout": "NCHW",
    "dtype": "float32",
    "range": [0, 1],
    "polarity": "white-on-black",
}
SQUARE = [[[10, 200, 200, 10, 10], [10, 10, 200, 200, 10]]]  # simplified ink
TRIANGLE = [[[0.0, 50.5, 100.0, 0.0], [0.0, 80.0, 0.0, 0.0], [0, 16, 33, 50]]]  # raw ink


def test_drawings_and_bitmaps_mix_in_one_batch() -> None:
    bitmap = ink_to_bitmap(SQUARE)
    x = build_input([parse_ink(TRIANGLE), bitmap], CONTRACT)
    assert x.shape == (2, 1, 28, 28) and x.dtype == np.float32
    np.testing.assert_array_equal(x[0, 0], ink_to_bitmap(TRIANGLE).astype(np.float32) / 255)
    np.testing.assert_array_equal(x[1, 0], bitmap.astype(np.float32) / 255)
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_a_stack_of_bitmaps_is_used_as_is() -> None:
    bitmaps = np.stack([ink_to_bitmap(SQUARE), ink_to_bitmap(TRIANGLE)])
    x = build_input(bitmaps, CONTRACT)
    np.testing.assert_array_equal(x[:, 0], bitmaps.astype(np.float32) / 255)
    assert bitmap_stack(bitmaps, 28) is bitmaps


def test_contract_variants_nhwc_inverted_and_ranged() -> None:
    bitmap = ink_to_bitmap(SQUARE)
    contract = {**CONTRACT, "layout": "NHWC", "polarity": "black-on-white", "range": [-1, 1]}
    x = build_input([bitmap], contract)
    assert x.shape == (1, 28, 28, 1)
    expected = (255 - bitmap.astype(np.float32)) / 255 * 2 - 1
    np.testing.assert_allclose(x[0, ..., 0], expected, atol=1e-6)


def test_size_follows_the_contract() -> None:
    x = build_input([parse_ink(SQUARE)], {**CONTRACT, "size": 64})
    np.testing.assert_array_equal(x[0, 0], ink_to_bitmap(SQUARE, 64).astype(np.float32) / 255)


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        ({**CONTRACT, "kind": "hologram"}, "unknown model input kind 'hologram'"),
        ({**CONTRACT, "layout": "CHWN"}, "layout='CHWN'"),
        ({**CONTRACT, "channels": 3}, "1 channel"),
        ({**CONTRACT, "dtype": "float16"}, "dtype='float16'"),
    ],
)
def test_contracts_we_cannot_honour_fail_clearly(contract: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        build_input([ink_to_bitmap(SQUARE)], contract)


@pytest.mark.parametrize("bitmap", [np.zeros((32, 32), np.uint8), np.zeros((28, 28), np.float32)])
def test_bitmaps_that_do_not_fit_are_refused(bitmap: np.ndarray) -> None:
    with pytest.raises(InputError, match="item 0: a bitmap must be uint8"):
        build_input([bitmap], CONTRACT)


def test_a_new_kind_plugs_in_with_one_function() -> None:
    @register_input_kind("bitmap+ones")
    def build(items, contract):  # type: ignore[no-untyped-def]
        plain = INPUT_BUILDERS["bitmap"](items, contract)
        return np.concatenate([plain, np.ones_like(plain)], axis=1)

    try:
        x = build_input([parse_ink(SQUARE)], {**CONTRACT, "kind": "bitmap+ones"})
        assert x.shape == (1, 2, 28, 28) and x[0, 1].min() == 1.0
    finally:
        del INPUT_BUILDERS["bitmap+ones"]
