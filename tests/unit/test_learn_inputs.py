"""The serving input kind of stroke-aware doodle models matches what training feeds them."""

from __future__ import annotations

import numpy as np

from inkling.inference.inputs import build_input
from inkling.ink import parse_ink, simplify_ink
from inkling.ink.features import ink_channels
from inkling.learn.publish import input_contract


def test_bitmap_recency_kind_matches_training_channels() -> None:
    ink = parse_ink([[[0, 100, 200], [0, 50, 0]], [[20, 20], [100, 200]]], strict_times=False)
    contract = input_contract(2)
    x = build_input([ink, np.zeros((28, 28), np.uint8)], contract)
    assert x.shape == (2, 2, 28, 28) and x.dtype == np.float32
    assert np.allclose(x[0], ink_channels(simplify_ink(ink)))
    assert not x[1].any()
    assert build_input(np.zeros((3, 28, 28), np.uint8), contract).shape == (3, 2, 28, 28)
    assert input_contract(1)["kind"] == "bitmap"
