"""Test-time augmentation averages a model over shifted inputs, inside one exportable module."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from inkling.learn.architectures import create_model  # noqa: E402
from inkling.learn.onnx_export import check_parity, export_onnx, torch_reference  # noqa: E402
from inkling.learn.train_doodle import model_from_checkpoint  # noqa: E402
from inkling.learn.tta import TTA_SHIFTS, ShiftAveraged, with_tta  # noqa: E402


def _net() -> torch.nn.Module:
    torch.manual_seed(0)
    return create_model("cnn-small", num_classes=7).eval()


def test_probabilities_are_the_mean_over_the_shifted_inputs() -> None:
    net, x = _net(), torch.rand(3, 1, 28, 28)
    averaged = with_tta(net, "shift1")
    expected = torch.stack(
        [torch.softmax(net.logits(torch.roll(x, (dy, dx), (2, 3))), -1) for dx, dy in TTA_SHIFTS["shift1"]]
    ).mean(0)
    with torch.no_grad():
        got = averaged(x)
    assert torch.allclose(got, expected, atol=1e-6)
    assert torch.allclose(got.sum(-1), torch.ones(3), atol=1e-5)


def test_no_mode_leaves_the_model_alone_and_unknown_modes_are_refused() -> None:
    net = _net()
    assert with_tta(net, None) is net
    with pytest.raises(ValueError, match="unknown test-time augmentation"):
        with_tta(net, "spin")


def test_exports_to_onnx_with_parity_at_any_batch(tmp_path: Path) -> None:
    averaged = ShiftAveraged(_net(), TTA_SHIFTS["shift1"]).eval()
    path = export_onnx(averaged, torch.zeros(1, 1, 28, 28), tmp_path / "tta.onnx")
    for batch in (1, 5):
        inputs = np.random.default_rng(batch).random((batch, 1, 28, 28)).astype(np.float32)
        assert check_parity(path, torch_reference(averaged), inputs) <= 1e-5


def test_a_checkpoint_naming_tta_rebuilds_with_it() -> None:
    net = _net()
    checkpoint = {"arch": "cnn-small", "classes": list("abcdefg"), "state_dict": net.state_dict()}
    plain = model_from_checkpoint({**checkpoint, "config": {}})
    averaged = model_from_checkpoint({**checkpoint, "config": {"tta": "shift1"}})
    assert not isinstance(plain, ShiftAveraged) and isinstance(averaged, ShiftAveraged)
