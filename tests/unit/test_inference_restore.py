"""Tiled restoration: same size out for any size, equal to whole-image inference away from seams."""

from __future__ import annotations

import itertools

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from inkling.inference.restore import RestoreCancelled, RestorePredictor, feather, tile_starts


def conv_model(seed: int = 0) -> bytes:
    """A 3x3 convolution plus the input (receptive radius 1), dynamic N/H/W."""
    rng = np.random.default_rng(seed)
    weight = numpy_helper.from_array((0.05 * rng.standard_normal((3, 3, 3, 3))).astype(np.float32), "w")
    nodes = [
        helper.make_node("Conv", ["input", "w"], ["delta"], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["input", "delta"], ["output"]),
    ]
    shape = ["n", 3, "h", "w"]
    graph = helper.make_graph(
        nodes, "conv", [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, shape)], [weight],
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


META = {"name": "conv", "task": "restore", "input": {"multiple": 8}}


def test_tile_starts_cover_with_overlap() -> None:
    assert tile_starts(100, 128, 16) == [0]
    starts = tile_starts(300, 128, 16)
    assert starts[0] == 0 and starts[-1] == 300 - 128
    assert all(b - a <= 128 - 16 for a, b in itertools.pairwise(starts))


def test_feather_is_flat_at_image_edges_and_ramps_inside() -> None:
    assert np.all(feather(10, 4, True, True) == 1)
    w = feather(10, 4, False, False)
    assert 0 < w[0] < w[1] < w[3] < 1 and w[5] == 1 and w[-1] < 1


@pytest.mark.parametrize("size", [(333, 517), (1, 1), (7, 300), (64, 64)])
def test_output_size_equals_input_size(size: tuple[int, int]) -> None:
    predictor = RestorePredictor(conv_model(), META, tile=96, overlap=16, threads=1, guard=False)
    image = np.random.default_rng(0).integers(0, 256, (*size, 3), dtype=np.uint8)
    out = predictor.restore(image)
    assert out.shape == image.shape and out.dtype == np.uint8


def test_tiled_equals_whole_away_from_seams() -> None:
    image = np.random.default_rng(1).integers(0, 256, (333, 517, 3), dtype=np.uint8)
    whole = RestorePredictor(conv_model(), META, tile=1024, threads=1, guard=False).restore(image).astype(int)
    tiled_predictor = RestorePredictor(conv_model(), META, tile=96, overlap=16, threads=1, guard=False)
    tiled = tiled_predictor.restore(image).astype(int)
    m = tiled_predictor.margin
    padded_h, padded_w = (-(-(n + 2 * m) // 8) * 8 for n in image.shape[:2])  # as restore_float pads
    seams = np.zeros((padded_h, padded_w), bool)
    for y, x, th, tw in tiled_predictor._tiles(padded_h, padded_w):
        for edge in (y, y + th - 1):
            seams[max(edge - 1, 0) : edge + 2, x : x + tw] = True
        for edge in (x, x + tw - 1):
            seams[y : y + th, max(edge - 1, 0) : edge + 2] = True
    away = ~seams[m : m + image.shape[0], m : m + image.shape[1]]
    assert away.mean() > 0.75
    assert np.abs(tiled - whole)[away].max() <= 1  # uint8 rounding only
    assert np.abs(tiled - whole).mean() < 0.5  # and the seams are feathered, not visible


def test_unet_tiles_blend_without_seams(tmp_path) -> None:
    torch = pytest.importorskip("torch")
    from inkling.learn.onnx_export import export_onnx
    from inkling.restore.pix2pix import GeneratorConfig, UNetGenerator

    torch.manual_seed(0)
    gen = UNetGenerator(GeneratorConfig(base=4, levels=3, max_channels=8))
    torch.nn.init.normal_(gen.head.weight, std=0.05)
    path = export_onnx(gen, torch.zeros(1, 3, 32, 32), tmp_path / "g.onnx", extra_axes={2: "h", 3: "w"})
    onnx.checker.check_model(onnx.load(path))
    image = np.random.default_rng(2).integers(0, 256, (150, 203, 3), dtype=np.uint8)
    data = path.read_bytes()
    whole = RestorePredictor(data, META, tile=1024, threads=1, guard=False).restore(image).astype(int)
    tiled = (
        RestorePredictor(data, META, tile=96, overlap=32, threads=1, guard=False).restore(image).astype(int)
    )
    assert tiled.shape == image.shape
    assert np.abs(tiled - whole).mean() < 1.0


def test_rejects_non_rgb() -> None:
    predictor = RestorePredictor(conv_model(), META, threads=1, guard=False)
    with pytest.raises(ValueError):
        predictor.restore(np.zeros((4, 4), np.uint8))


def test_should_stop_ends_the_work_between_tiles() -> None:
    predictor = RestorePredictor(conv_model(), META, tile=96, overlap=16, threads=1, guard=False)
    image = np.zeros((333, 517, 3), dtype=np.uint8)  # 4 x 7 tiles
    asked = []

    def stop_after_three() -> bool:
        asked.append(True)
        return len(asked) > 3

    with pytest.raises(RestoreCancelled):
        predictor.restore(image, should_stop=stop_after_three)
    assert len(asked) == 4  # three tiles ran, the fourth was never started
    assert predictor.restore(image, should_stop=lambda: False).shape == image.shape
