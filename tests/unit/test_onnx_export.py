"""The generic ONNX export + parity helpers, on a tiny torch model (no data needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from inkling.learn.onnx_export import (  # noqa: E402
    ParityError,
    check_parity,
    export_onnx,
    run_onnx,
    torch_reference,
)


def _tiny() -> torch.nn.Module:
    """A small conv net with dropout (which must vanish in the export)."""
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Dropout(0.5),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 4 * 4, 5),
        torch.nn.Softmax(dim=-1),
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[torch.nn.Module, Path]:
    module = _tiny().train()
    path = export_onnx(module, torch.zeros(1, 1, 8, 8), tmp_path_factory.mktemp("onnx") / "tiny.onnx")
    return module, path


def test_export_keeps_the_training_mode_and_writes_a_valid_graph(exported: tuple) -> None:
    module, path = exported
    assert module.training
    model = onnx.load(path)
    assert model.opset_import[0].version >= 17
    assert [i.name for i in model.graph.input] == ["input"]
    assert [o.name for o in model.graph.output] == ["output"]
    assert "Dropout" not in {n.op_type for n in model.graph.node}


@pytest.mark.parametrize("batch", [1, 7])
def test_onnx_matches_torch_for_any_batch(exported: tuple, batch: int) -> None:
    module, path = exported
    x = np.random.default_rng(batch).random((batch, 1, 8, 8), dtype=np.float32)
    diff = check_parity(path, torch_reference(module), x, atol=1e-5)
    assert diff <= 1e-5
    assert run_onnx(path.read_bytes(), x).shape == (batch, 5)
    assert module.training  # torch_reference restores the mode


def test_parity_failure_raises(exported: tuple) -> None:
    module, path = exported
    x = np.random.default_rng(0).random((3, 1, 8, 8), dtype=np.float32)
    wrong = torch_reference(module)(x) + 1e-3
    with pytest.raises(ParityError, match="differs from the reference"):
        check_parity(path, wrong, x, atol=1e-4)
    with pytest.raises(ParityError, match="shape"):
        check_parity(path, wrong[:2], x)
    with pytest.raises(ParityError):
        check_parity(path, np.full_like(wrong, np.nan), x)


def test_fixed_batch_export(tmp_path: Path) -> None:
    path = export_onnx(_tiny(), torch.zeros(2, 1, 8, 8), tmp_path / "fixed.onnx", dynamic_batch=False)
    dim = onnx.load(path).graph.input[0].type.tensor_type.shape.dim[0]
    assert dim.dim_value == 2
