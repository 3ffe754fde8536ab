"""pix2pix shapes, and a tiny training run: checkpoint -> resume -> ONNX export with parity -> registry."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from inkling.restore.export import export_checkpoint, generator_weights, register, write_meta
from inkling.restore.pix2pix import (
    DiscriminatorConfig,
    GeneratorConfig,
    PatchDiscriminator,
    UNetGenerator,
    ssim_torch,
)
from inkling.restore.train import TrainConfig, load_checkpoint, train

TINY = {"base": 4, "levels": 3, "max_channels": 8, "d_base": 4, "d_layers": 2}


def test_generator_keeps_shape_and_starts_as_identity() -> None:
    gen = UNetGenerator(GeneratorConfig(base=4, levels=3, max_channels=16))
    x = torch.rand(2, 3, 40, 24)  # multiples of 2**3
    assert gen(x).shape == x.shape
    assert torch.equal(gen(x), x)  # zero-initialised head: delta = 0


def test_patch_discriminator_shape() -> None:
    disc = PatchDiscriminator(DiscriminatorConfig(base=4, layers=3))
    logits = disc(torch.rand(2, 3, 64, 64), torch.rand(2, 3, 64, 64))
    assert logits.shape == (2, 1, 6, 6)  # 70x70 receptive field patches over a 64x64 input


def test_ssim_torch_identical_is_one() -> None:
    x = torch.rand(1, 3, 20, 20)
    assert float(ssim_torch(x, x)) == pytest.approx(1.0, abs=1e-5)


@pytest.fixture(scope="module")
def photo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BSDS500-like folder (train/val/test) of synthetic photos."""
    root = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for split, count in (("train", 3), ("val", 1), ("test", 2)):
        (root / split).mkdir()
        for i in range(count):
            y, x = np.mgrid[0:40, 0:56] / 40.0
            image = (
                np.stack([x, y, np.sin(5 * x * (i + 1))], -1) * 0.5 + 0.25 + 0.05 * rng.random((40, 56, 3))
            )
            Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8)).save(root / split / f"{i}.jpg")
    return root


@pytest.fixture(scope="module")
def tiny_run(photo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Train 2 steps, check the checkpoint, resume to step 3, export to ONNX (once for the module)."""
    out = tmp_path_factory.mktemp("run")
    cfg = TrainConfig(steps=2, batch_size=2, crop_min=16, crop_max=32, eval_images=1, adv_start=0.5, **TINY)
    ckpt = out / "run.pt"
    first = train(cfg, photo_root, ckpt, quiet=True)
    resumed, cfg2, raw = load_checkpoint(ckpt)
    same = all(
        torch.equal(a, b)
        for a, b in zip(resumed["generator"].parameters(), first["generator"].parameters(), strict=True)
    )
    cfg2.steps = 3
    final = train(cfg2, photo_root, ckpt, state=resumed, quiet=True)
    onnx_path = out / "tiny.onnx"
    meta = export_checkpoint(ckpt, onnx_path)
    write_meta(meta, onnx_path.with_suffix(".json"))
    return {
        "first": first,
        "raw": raw,
        "same": same,
        "final": final,
        "ckpt": ckpt,
        "onnx": onnx_path,
        "meta": meta,
    }


def test_checkpoint_is_self_describing_and_resumable(tiny_run: dict) -> None:
    assert tiny_run["first"]["step"] == 2
    raw = tiny_run["raw"]
    assert raw["step"] == 2 and raw["config"]["base"] == 4 and raw["history"][0]["step"] == 2
    assert raw["generator_config"] == {
        "base": 4, "levels": 3, "max_channels": 8, "out_channels": 8, "stem": "unshuffle"
    }  # fmt: skip
    assert tiny_run["same"]  # weights come back exactly
    assert tiny_run["final"]["step"] == 3 and load_checkpoint(tiny_run["ckpt"])[0]["step"] == 3
    assert "d" in tiny_run["final"]["history"][-1]  # the adversarial phase ran after the resume


def test_export_has_dynamic_size_and_parity(tiny_run: dict) -> None:
    meta = tiny_run["meta"]
    assert meta["task"] == "restore" and meta["input"]["multiple"] == 8
    assert meta["parity"]["max_abs_diff"] <= 1e-4
    sidecar = json.loads(tiny_run["onnx"].with_suffix(".json").read_text())
    assert sidecar["onnx_sha256"] == meta["onnx_sha256"]
    from inkling.learn.onnx_export import run_onnx

    for shape in ((1, 3, 24, 40), (1, 3, 64, 16)):
        assert run_onnx(tiny_run["onnx"], np.zeros(shape, np.float32)).shape == shape


def test_a_model_trained_behind_the_time_base_corrector_is_served_behind_it(tiny_run: dict) -> None:
    from inkling.inference.restore import RestorePredictor
    from inkling.inference.timebase import TimebaseConfig

    assert tiny_run["raw"]["config"]["timebase"] is True
    assert tiny_run["meta"]["inference"]["timebase"] == asdict(TimebaseConfig())
    served = RestorePredictor.from_files(tiny_run["onnx"])
    assert served.timebase == TimebaseConfig()
    assert RestorePredictor.from_files(tiny_run["onnx"], timebase=False).timebase is None


def test_exported_model_registers(tiny_run: dict, session) -> None:
    row = register(session, tiny_run["onnx"], tiny_run["meta"])
    assert row.task == "restore" and row.is_active and row.version == 1


def test_an_exported_model_gives_back_its_generator(tiny_run: dict, tmp_path: Path) -> None:
    shape, weights = generator_weights(tiny_run["onnx"])
    checkpoint = load_checkpoint(tiny_run["ckpt"])[0]["generator"].state_dict()
    assert shape == tiny_run["raw"]["generator_config"]
    assert weights.keys() == checkpoint.keys()
    assert all(torch.equal(weights[name], checkpoint[name]) for name in checkpoint)
    stranger = tmp_path / "stranger.onnx"
    stranger.write_bytes(tiny_run["onnx"].read_bytes())
    stranger.with_suffix(".json").write_text(json.dumps({"task": "doodle"}))
    with pytest.raises(ValueError, match="not a restore generator"):
        generator_weights(stranger)
