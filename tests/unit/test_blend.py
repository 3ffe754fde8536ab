"""The blend: members' log-probabilities weighted in one graph; the shipped default is the blend it says."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from inkling.learn.architectures import create_model
from inkling.learn.blend import Blend
from inkling.learn.loop.champion import rebuild
from inkling.learn.onnx_export import export_onnx, run_onnx

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models"


def small_members(classes: int = 4) -> list[torch.nn.Module]:
    torch.manual_seed(0)
    return [
        create_model("resnet", num_classes=classes).eval(),
        create_model("doodlenet", num_classes=classes).eval(),
    ]


def test_blend_is_the_weighted_sum_of_member_log_probabilities() -> None:
    members = small_members()
    blend = Blend(members, [3.0, 1.0]).eval()  # weights are normalised: 0.75 and 0.25
    x = torch.rand(5, 1, 28, 28)
    with torch.no_grad():
        expected = 0.75 * torch.log_softmax(members[0].logits(x), -1) + 0.25 * torch.log_softmax(
            members[1].logits(x), -1
        )
        assert torch.allclose(blend.logits(x), expected, atol=1e-6)
        assert torch.allclose(blend(x), torch.softmax(expected, -1), atol=1e-6)
        assert torch.equal(blend.embed(x), members[0].embed(x))


def test_a_member_may_average_over_shifts_first() -> None:
    members = small_members()
    blend = Blend(members, [0.5, 0.5], shifts=[None, "shift1"]).eval()
    x = torch.rand(2, 1, 28, 28)
    shifts = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))
    with torch.no_grad():
        shifted = [torch.softmax(members[1].logits(torch.roll(x, (dy, dx), (2, 3))), -1) for dx, dy in shifts]
        second = torch.log(torch.stack(shifted).mean(0))
        expected = 0.5 * torch.log_softmax(members[0].logits(x), -1) + 0.5 * second
        assert torch.allclose(blend.logits(x), expected, atol=1e-5)


@pytest.mark.parametrize(
    ("weights", "shifts", "message"),
    [([1.0], None, "one weight"), ([1.0, -1.0], None, "non-negative"), ([0.0, 0.0], None, "non-negative"),
     ([1.0, 1.0], [None, "spin"], "unknown test-time")],
)  # fmt: skip
def test_a_malformed_blend_is_refused(weights: list[float], shifts: list | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Blend(small_members(), weights, shifts)


def test_only_known_members_are_blended() -> None:
    with pytest.raises(ValueError, match="a blend holds"):
        create_model("blend", num_classes=3, members=["mlp"], weights=[1.0])


def test_the_blend_exports_and_rebuilds_from_its_onnx_bytes(tmp_path: Path) -> None:
    options = {"members": ["resnet", "doodlenet", "doodlenet"], "weights": [0.8, 0.1, 0.1]}
    torch.manual_seed(2)
    net = create_model("blend", num_classes=5, **options).eval()
    path = export_onnx(net, torch.zeros(1, 1, 28, 28), tmp_path / "b.onnx", output_name="probabilities")
    rebuilt = rebuild(path.read_bytes(), {"arch": "blend", "arch_options": options, "classes": list("abcde")})
    x = np.random.default_rng(3).random((6, 1, 28, 28), dtype=np.float32)
    with torch.no_grad():
        mine = rebuilt(torch.from_numpy(x)).numpy()
    assert np.abs(mine - run_onnx(path.read_bytes(), x)).max() <= 1e-5


def test_the_shipped_default_is_the_blend_its_metadata_describes() -> None:
    meta = json.loads((SHIPPED / "inkling-doodle.json").read_text())
    onnx_bytes = (SHIPPED / "inkling-doodle.onnx").read_bytes()
    assert meta["default"] is True and meta["arch"] == "blend"
    assert meta["onnx_sha256"] == hashlib.sha256(onnx_bytes).hexdigest()
    blend = meta["training"]["run"]["blend"]
    assert blend["weights"] == meta["arch_options"]["weights"]
    assert "MIT" in meta["licence"] and "안서진" in meta["licence"] and "DoodleNet" in meta["licence"]
    net = rebuild(onnx_bytes, meta)  # parity-checked against the ONNX graph
    # its student member is the shipped lite model, weight for weight (rows in the blend's class order)
    lite_meta = json.loads((SHIPPED / "inkling-doodle-lite.json").read_text())
    assert (
        blend["student_sha256"]
        == hashlib.sha256((SHIPPED / "inkling-doodle-lite.onnx").read_bytes()).hexdigest()
    )
    lite = rebuild((SHIPPED / "inkling-doodle-lite.onnx").read_bytes(), lite_meta)
    rows = [lite_meta["classes"].index(c) for c in meta["classes"]]
    student = net.members[blend["members"].index("student")]
    assert torch.equal(student.head.weight, lite.head.weight[rows])
    assert torch.equal(student.features[0].weight, lite.features[0].weight)


def test_a_blend_for_a_few_words_mixes_each_member_read_on_those_words(data_dir: Path) -> None:
    from inkling.learn.blend_build import blend_checkpoint
    from inkling.learn.doodlenet import doodlenet
    from inkling.learn.quickdraw_resnet import quickdraw_resnet
    from inkling.learn.teachers import DOODLENET_H5, RESNET_JSON, output_order
    from inkling.learn.train_doodle import model_from_checkpoint

    words = ["cat", "apple", "bicycle"]
    lite_path = SHIPPED / "inkling-doodle-lite.onnx"
    checkpoint = blend_checkpoint(data_dir, words, lite_path, (0.5, 0.3, 0.2), words)
    assert checkpoint["arch_options"] == {
        "members": ["resnet", "doodlenet", "doodlenet"],
        "weights": [0.5, 0.3, 0.2],
    }
    blend = model_from_checkpoint(checkpoint)
    lite_meta = json.loads(lite_path.with_suffix(".json").read_text())
    readers = [
        (quickdraw_resnet(data_dir / RESNET_JSON, fold=True), output_order(data_dir, "resnet"), 0.5),
        (rebuild(lite_path.read_bytes(), lite_meta), lite_meta["classes"], 0.3),
        (doodlenet(data_dir / DOODLENET_H5), output_order(data_dir, "doodlenet"), 0.2),
    ]
    x = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        expected = sum(
            w * torch.log_softmax(net.eval().logits(x)[:, [order.index(c) for c in words]], -1)
            for net, order, w in readers
        )
        assert torch.allclose(blend.logits(x), expected, atol=1e-5)
    # a zero weight drops its member
    two = blend_checkpoint(data_dir, words, lite_path, (1.0, 0.0, 1.0), words)
    assert two["arch_options"]["members"] == ["resnet", "doodlenet"]
