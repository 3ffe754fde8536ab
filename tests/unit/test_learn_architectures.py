"""Every registered doodle architecture builds, has the right output shape and exports to ONNX with parity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from inkling.learn.architectures import (
    IN_CHANNELS,
    create_model,
    init_from_teacher,
    list_models,
    register_model,
)
from inkling.learn.doodlenet import DoodleNet
from inkling.learn.onnx_export import check_parity, export_onnx, torch_reference
from inkling.learn.quickdraw_resnet import QuickdrawResNet, fold_batch_norm


def test_registry_has_the_baselines() -> None:
    assert {"mlp", "cnn-small", "doodlenet", "doodlenet-strokes", "resnet"} <= set(list_models())
    with pytest.raises(KeyError, match="unknown model"):
        create_model("nope")
    with pytest.raises(ValueError, match="already registered"):
        register_model("mlp")(lambda num_classes=1: None)


@pytest.mark.parametrize("name", list_models())
def test_forward_shape_and_probabilities(name: str) -> None:
    model = create_model(name, num_classes=7).eval()
    probs = model(torch.rand(3, IN_CHANNELS[name], 28, 28))
    assert probs.shape == (3, 7)
    assert torch.allclose(probs.sum(dim=1), torch.ones(3), atol=1e-5)
    assert model.logits(torch.rand(2, IN_CHANNELS[name], 28, 28)).shape == (2, 7)


@pytest.mark.parametrize("name", list_models())
def test_exports_to_onnx_with_parity(name: str, tmp_path: Path) -> None:
    model = create_model(name, num_classes=5).eval()
    path = export_onnx(model, torch.zeros(1, IN_CHANNELS[name], 28, 28), tmp_path / "m.onnx")
    inputs = np.random.default_rng(0).random((4, IN_CHANNELS[name], 28, 28)).astype(np.float32)
    assert check_parity(path, torch_reference(model), inputs) <= 1e-4


def test_strokes_model_starts_equal_to_the_teacher() -> None:
    torch.manual_seed(0)
    teacher = DoodleNet().eval()
    student = create_model("doodlenet-strokes").eval()
    assert init_from_teacher(student, teacher)
    x = torch.rand(4, 1, 28, 28)
    with_strokes = torch.cat([x, torch.rand(4, 1, 28, 28)], dim=1)
    assert torch.allclose(student(with_strokes), teacher(x), atol=1e-6)


def test_pack_head_is_sliced_from_the_teacher() -> None:
    teacher = DoodleNet().eval()
    pack = create_model("doodlenet", num_classes=3).eval()
    assert init_from_teacher(pack, teacher, rows=[5, 0, 9])
    x = torch.rand(2, 1, 28, 28)
    assert torch.allclose(pack.logits(x), teacher.logits(x)[:, [5, 0, 9]], atol=1e-5)
    assert not init_from_teacher(create_model("mlp", num_classes=3), teacher)


def test_resnet_student_starts_equal_to_the_folded_resnet() -> None:
    torch.manual_seed(0)
    teacher = fold_batch_norm(QuickdrawResNet()).eval()
    for module in teacher.modules():
        if isinstance(module, torch.nn.Conv2d):
            torch.nn.init.normal_(module.bias)  # weights unlike a fresh student's
    student = create_model("resnet", num_classes=3).eval()
    assert init_from_teacher(student, teacher, rows=[7, 1, 300])
    x = torch.rand(2, 1, 28, 28)
    assert torch.allclose(student.logits(x), teacher.logits(x)[:, [7, 1, 300]], atol=1e-5)
    assert not init_from_teacher(student, DoodleNet()), "a DoodleNet cannot seed a ResNet"
    assert not init_from_teacher(create_model("doodlenet"), teacher), "nor a ResNet a DoodleNet"
