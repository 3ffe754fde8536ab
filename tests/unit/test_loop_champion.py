"""The learning loop's champion: every architecture it can fine-tune rebuilds from its ONNX bytes alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from inkling.learn.architectures import create_model
from inkling.learn.loop.champion import EMBEDDINGS, RebuildError, export_serving, rebuild
from inkling.learn.onnx_export import export_onnx, run_onnx

BLEND = {"members": ["resnet", "doodlenet"], "weights": [0.7, 0.3]}


@pytest.mark.parametrize(
    ("arch", "options", "width"), [("doodlenet", {}, 512), ("resnet", {}, 256), ("blend", BLEND, 256)]
)
def test_champion_rebuilds_and_serves_embeddings(
    arch: str, options: dict, width: int, tmp_path: Path
) -> None:
    torch.manual_seed(0)
    net = create_model(arch, num_classes=6, **options).eval()
    path = export_onnx(net, torch.zeros(1, 1, 28, 28), tmp_path / "m.onnx", output_name="probabilities")
    meta = {"arch": arch, "arch_options": options, "classes": [f"w{i}" for i in range(6)]}
    rebuilt = rebuild(path.read_bytes(), meta)
    x = np.random.default_rng(1).random((5, 1, 28, 28), dtype=np.float32)
    served = export_serving(rebuilt, meta, tmp_path / "served.onnx")
    probabilities, embeddings = ort.InferenceSession(served).run(None, {"input": x})
    assert np.abs(probabilities - run_onnx(path.read_bytes(), x)).max() <= 1e-5
    assert embeddings.shape == (5, width)
    assert [o.name for o in ort.InferenceSession(served).get_outputs()] == ["probabilities", EMBEDDINGS]


def test_an_architecture_without_embeddings_is_refused(tmp_path: Path) -> None:
    net = create_model("mlp", num_classes=3).eval()
    path = export_onnx(net, torch.zeros(1, 1, 28, 28), tmp_path / "m.onnx", output_name="probabilities")
    with pytest.raises(RebuildError, match="no embeddings"):
        rebuild(path.read_bytes(), {"arch": "mlp", "classes": ["a", "b", "c"]})
