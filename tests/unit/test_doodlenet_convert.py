"""DoodleNet in torch and ONNX against the NumPy Keras reference; the shipped model and its metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from inkling.learn.doodlenet import DoodleNet, doodlenet, keras_flatten_rows_to_torch  # noqa: E402
from inkling.learn.doodlenet_convert import MIRROR_CATEGORIES, convert_doodlenet  # noqa: E402
from inkling.learn.keras_h5 import read_keras_h5  # noqa: E402
from inkling.learn.keras_reference import keras_reference  # noqa: E402
from inkling.learn.onnx_export import check_parity, torch_reference  # noqa: E402
from tests.converted_models import ATOL, assert_shipped_is_current, parity_bitmaps  # noqa: E402

H5 = Path("pretrained/doodlenet_keras/doodleNet-model.h5")


@pytest.fixture(scope="module")
def converted(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return convert_doodlenet(data_dir / H5, tmp_path_factory.mktemp("doodlenet"))


@pytest.fixture(scope="module")
def inputs(data_dir: Path) -> np.ndarray:
    return parity_bitmaps(data_dir)


@pytest.fixture(scope="module")
def reference(data_dir: Path, inputs: np.ndarray) -> np.ndarray:
    return keras_reference(read_keras_h5(data_dir / H5))(inputs)


def test_flatten_reorder_matches_channels_last_flatten() -> None:
    rng = np.random.default_rng(0)
    features = rng.standard_normal((2, 4, 3, 3))  # NCHW
    kernel = rng.standard_normal((3 * 3 * 4, 5))  # rows in Keras (h, w, c) order
    keras_out = features.transpose(0, 2, 3, 1).reshape(2, -1) @ kernel
    torch_out = features.reshape(2, -1) @ keras_flatten_rows_to_torch(kernel, 3, 3, 4)
    np.testing.assert_allclose(torch_out, keras_out)


def test_untrained_shapes() -> None:
    net = DoodleNet().eval()
    probs = net(torch.zeros(2, 1, 28, 28))
    assert probs.shape == (2, 345)
    assert sum(p.numel() for p in net.parameters()) == 544_201  # = 2,176,804 B TF.js shard / 4


def test_torch_rebuild_matches_reference(data_dir: Path, inputs: np.ndarray, reference: np.ndarray) -> None:
    net = doodlenet(data_dir / H5)
    got = torch_reference(net)(inputs)
    assert np.abs(got - reference).max() <= ATOL
    assert (got.argmax(1) == reference.argmax(1)).all()


@pytest.mark.parametrize("batch", [1, 7])
def test_onnx_matches_reference_and_torch(
    converted: tuple, data_dir: Path, inputs: np.ndarray, reference: np.ndarray, batch: int
) -> None:
    onnx_path, _ = converted
    x = inputs[-batch - 20 : -20]  # bitmaps; the random ones are covered by the conversion itself
    assert check_parity(onnx_path, reference[-batch - 20 : -20], x, atol=ATOL) <= ATOL
    assert check_parity(onnx_path, torch_reference(doodlenet(data_dir / H5)), x, atol=ATOL) <= ATOL


def test_metadata(converted: tuple, data_dir: Path) -> None:
    _, meta = converted
    official = set((data_dir / MIRROR_CATEGORIES).read_text().splitlines())
    assert len(meta["classes"]) == len(set(meta["classes"])) == 345
    assert set(meta["classes"]) == official
    assert meta["classes"][:3] == [
        "flashlight",
        "belt",
        "mushroom",
    ]  # the model's order, not the official one
    assert "The Eiffel Tower" in meta["classes"]
    assert meta["name"] == "doodlenet" and meta["task"] == "doodle"
    assert meta["input"]["polarity"] == "white-on-black" and meta["input"]["layout"] == "NCHW"
    assert meta["source"]["licence"] == "MIT" and meta["source"]["tfjs_weights_equal"] is True
    assert meta["parity"]["max_abs_diff"] <= ATOL and meta["opset"] >= 17


def test_shipped_model_is_current(converted: tuple, inputs: np.ndarray, reference: np.ndarray) -> None:
    """The packaged ONNX matches the reference, and is byte for byte what the conversion produces today."""
    shipped_meta = assert_shipped_is_current(converted, "doodlenet_convert", inputs, reference)
    for parity in (shipped_meta["parity"], converted[1]["parity"]):
        assert parity["max_abs_diff"] <= ATOL and parity["max_abs_diff_torch"] <= ATOL
