"""The ResNet in torch and ONNX against a NumPy reading of its TF.js weights; the shipped model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from inkling.learn.doodlenet_convert import MIRROR_BITMAPS, MIRROR_CATEGORIES  # noqa: E402
from inkling.learn.onnx_export import check_parity, torch_reference  # noqa: E402
from inkling.learn.quickdraw_resnet import (  # noqa: E402
    QuickdrawResNet,
    TfjsModelError,
    check_topology,
    quickdraw_resnet,
    tf_same_padding,
    topology_layers,
)
from inkling.learn.quickdraw_resnet_convert import MIRROR_DIR, convert_quickdraw_resnet  # noqa: E402
from inkling.learn.tfjs_reference import tfjs_reference  # noqa: E402
from tests.converted_models import ATOL, assert_shipped_is_current, parity_bitmaps  # noqa: E402


@pytest.fixture(scope="module")
def model_json(data_dir: Path) -> Path:
    return data_dir / MIRROR_DIR / "model.json"


@pytest.fixture(scope="module")
def converted(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return convert_quickdraw_resnet(data_dir / MIRROR_DIR, tmp_path_factory.mktemp("resnet"))


@pytest.fixture(scope="module")
def inputs(data_dir: Path) -> np.ndarray:
    return parity_bitmaps(data_dir)


@pytest.fixture(scope="module")
def reference(model_json: Path, inputs: np.ndarray) -> np.ndarray:
    return tfjs_reference(model_json)(inputs)


def test_tf_same_padding_puts_the_odd_pixel_after() -> None:
    assert tf_same_padding(28, 1) == (1, 1)
    assert tf_same_padding(28, 2) == (0, 1)  # 28 -> 14: TF pads only bottom/right
    assert tf_same_padding(14, 2) == (0, 1)
    assert tf_same_padding(7, 2) == (1, 1)


def test_untrained_shapes_and_size(data_dir: Path) -> None:
    net = QuickdrawResNet().eval()
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 345)
    params = sum(p.numel() for p in net.parameters()) + sum(b.numel() for b in net.buffers() if b.ndim)
    shard = (data_dir / MIRROR_DIR / "group1-shard1of1.bin").stat().st_size
    assert params * 4 == shard  # every float of the TF.js shard has a place, and nothing else


def test_topology_check_refuses_another_network(model_json: Path) -> None:
    layers = topology_layers(model_json)
    check_topology(layers)
    conv = next(layer for layer in layers if layer["config"].get("strides") == [2, 2])
    conv["config"]["strides"] = [1, 1]
    with pytest.raises(TfjsModelError, match="strides"):
        check_topology(layers)


@pytest.mark.parametrize("fold", [False, True])
def test_torch_rebuild_matches_reference(
    model_json: Path, inputs: np.ndarray, reference: np.ndarray, fold: bool
) -> None:
    got = torch_reference(quickdraw_resnet(model_json, fold=fold))(inputs)
    assert np.abs(got - reference).max() <= ATOL
    assert (got.argmax(1) == reference.argmax(1)).all()


def test_official_bitmaps_are_mostly_recognised(
    inputs: np.ndarray, reference: np.ndarray, data_dir: Path
) -> None:
    """A sanity check of the independent reading itself: the six words' bitmaps get their own names."""
    with np.load(data_dir / MIRROR_BITMAPS) as data:
        names = np.array([str(n) for n in data["class_names"]])[data["y"][::15]]
    classes = (data_dir / MIRROR_DIR / "classes_official_names.txt").read_text().splitlines()
    guessed = np.array(classes)[reference[: len(names)].argmax(1)]
    assert (guessed == names).mean() >= 0.8


@pytest.mark.parametrize("batch", [1, 7])
def test_onnx_matches_reference(
    converted: tuple, inputs: np.ndarray, reference: np.ndarray, batch: int
) -> None:
    onnx_path, _ = converted
    assert check_parity(onnx_path, reference[:batch], inputs[:batch], atol=ATOL) <= ATOL


def test_metadata(converted: tuple, data_dir: Path) -> None:
    _, meta = converted
    official = set((data_dir / MIRROR_CATEGORIES).read_text().splitlines())
    class_json = json.loads((data_dir / MIRROR_DIR / "class.json").read_text())
    assert meta["classes"] == class_json and set(meta["classes"]) == official and len(official) == 345
    assert meta["name"] == "quickdraw-resnet" and meta["task"] == "doodle"
    assert meta["activate_if_none"] is False
    assert meta["input"]["polarity"] == "white-on-black" and meta["input"]["size"] == 28
    copyright_line = (data_dir / MIRROR_DIR / "LICENSE").read_text().splitlines()[2]
    assert meta["source"]["copyright"] == copyright_line and copyright_line in meta["licence"]
    assert meta["parity"]["max_abs_diff"] <= ATOL and meta["parity"]["max_abs_diff_torch"] <= ATOL


def test_shipped_model_is_current(converted: tuple, inputs: np.ndarray, reference: np.ndarray) -> None:
    """The packaged ONNX matches the reference, and is byte for byte what the conversion produces today."""
    assert_shipped_is_current(converted, "quickdraw_resnet_convert", inputs, reference)
