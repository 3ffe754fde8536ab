"""Teacher signals: the ResNet in the data's class order, the weighted ensemble, packs, the trainer option."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from inkling.learn.doodle_data import teacher_classes  # noqa: E402
from inkling.learn.doodlenet_convert import MIRROR_BITMAPS  # noqa: E402
from inkling.learn.onnx_export import run_onnx  # noqa: E402
from inkling.learn.teachers import TeacherSignal, load_signal, output_order  # noqa: E402
from inkling.learn.train_doodle import (  # noqa: E402
    TrainConfig,
    build_student,
    flushing_denormals,
    interpolate_with_start,
    load_teacher,
    train,
)

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models"


@pytest.fixture(scope="module")
def bitmaps(data_dir: Path) -> torch.Tensor:
    with np.load(data_dir / MIRROR_BITMAPS) as data:
        return torch.from_numpy(data["x"][::40, None].astype(np.float32) / 255)


@pytest.fixture(scope="module")
def classes(data_dir: Path) -> list[str]:
    return teacher_classes(data_dir)


def test_resnet_answers_in_the_data_order(data_dir: Path, classes: list[str], bitmaps: torch.Tensor) -> None:
    own = run_onnx(SHIPPED / "quickdraw-resnet.onnx", bitmaps.numpy())  # the ResNet's own output order
    rows = [output_order(data_dir, "resnet").index(c) for c in classes]
    got = load_signal(data_dir, classes, "resnet")(bitmaps).numpy()
    assert np.abs(got - own[:, rows]).max() <= 1e-4
    assert classes[0] != output_order(data_dir, "resnet")[0]  # the orders really differ


@pytest.mark.parametrize("mode", ["prob", "logit"])
def test_ensemble_mixes_its_members(
    data_dir: Path, classes: list[str], bitmaps: torch.Tensor, mode: str
) -> None:
    doodle = load_signal(data_dir, classes, "doodlenet")
    resnet = load_signal(data_dir, classes, "resnet")
    mixed = load_signal(data_dir, classes, "ensemble", resnet_weight=0.6, mode=mode)
    ld, lr = doodle.logits(bitmaps), resnet.logits(bitmaps)
    if mode == "prob":
        want = 0.4 * torch.softmax(ld, -1) + 0.6 * torch.softmax(lr, -1)
    else:
        want = torch.softmax(0.4 * ld + 0.6 * lr, -1)
    assert torch.allclose(mixed(bitmaps), want, atol=1e-5)
    only = load_signal(data_dir, classes, "ensemble", resnet_weight=1.0, mode=mode)
    assert len(only.nets) == 1 and torch.allclose(only(bitmaps), resnet(bitmaps), atol=1e-6)


def test_teacher_judges_the_full_drawing_on_the_bitmap_channel(
    data_dir: Path, classes: list[str], bitmaps: torch.Tensor
) -> None:
    signal = load_signal(data_dir, classes, "ensemble")
    recency = torch.rand(len(bitmaps), 1, 28, 28)
    two = torch.cat([bitmaps, recency], dim=1)
    assert torch.equal(signal.logits(two), signal.logits(bitmaps))


def test_pack_teacher_renormalises_over_its_words(data_dir: Path, bitmaps: torch.Tensor) -> None:
    teacher = load_teacher(data_dir, ["cat", "apple", "fish"], "ensemble")
    probs = torch.softmax(teacher.logits(bitmaps), -1)
    assert probs.shape == (len(bitmaps), 3) and torch.allclose(probs.sum(-1), torch.ones(len(bitmaps)))
    assert teacher.rows.tolist() == [teacher_classes(data_dir).index(w) for w in ["cat", "apple", "fish"]]


def test_bad_ensembles_are_refused(data_dir: Path, classes: list[str]) -> None:
    with pytest.raises(ValueError, match="unknown teacher"):
        load_signal(data_dir, classes, "resnet50")
    with pytest.raises(ValueError, match="mode"):
        load_signal(data_dir, classes, "ensemble", mode="median")
    with pytest.raises(ValueError, match="no class"):
        load_signal(data_dir, ["not a word"], "resnet")
    with pytest.raises(ValueError, match="weights"):
        TeacherSignal([])


def test_trainer_runs_with_the_ensemble_teacher(data_dir: Path) -> None:
    cfg = TrainConfig(arch="doodlenet", words=["apple", "cat"], teacher="ensemble", steps=2, batch_size=8,
                      variants=1, max_records=8, max_bitmaps_per_word=20, max_extra_per_word=10,
                      workers=1)  # fmt: skip
    checkpoint = train(cfg, data_dir, quiet=True)
    assert checkpoint["config"]["teacher"] == "ensemble" and checkpoint["config"]["extra_data"] is True
    assert np.isfinite(checkpoint["train"]["final_loss"])


def test_onnx_rows_are_read_in_the_eval_order(
    data_dir: Path, classes: list[str], bitmaps: torch.Tensor
) -> None:
    from inkling.learn.eval_doodle import onnx_predict

    got = onnx_predict(SHIPPED / "quickdraw-resnet.onnx", classes, threads=1)(bitmaps.numpy())
    want = load_signal(data_dir, classes, "resnet")(bitmaps).numpy()
    assert np.abs(got - want).max() <= 1e-4
    with pytest.raises(ValueError, match="no class"):
        onnx_predict(SHIPPED / "quickdraw-resnet.onnx", ["not a word"])


def test_resnet_student_starts_as_the_shipped_resnet_on_a_pack(data_dir: Path, bitmaps: torch.Tensor) -> None:
    words = ["cat", "bicycle", "zigzag"]
    student = build_student(TrainConfig(arch="resnet", words=words), words, None, data_dir).eval()
    own = run_onnx(SHIPPED / "quickdraw-resnet.onnx", bitmaps.numpy())
    rows = [output_order(data_dir, "resnet").index(w) for w in words]
    want = torch.softmax(torch.log(torch.from_numpy(own[:, rows]).clamp_min(1e-30)), -1)  # renormalised
    assert torch.allclose(student(bitmaps), want, atol=1e-4)


def test_wise_ft_moves_between_the_start_and_the_fine_tuned_weights(
    data_dir: Path, bitmaps: torch.Tensor
) -> None:
    words = ["cat", "bicycle", "zigzag"]
    cfg = TrainConfig(arch="resnet", words=words)
    start = build_student(cfg, words, None, data_dir).eval()
    tuned = {k: v + 0.01 * torch.randn_like(v) for k, v in start.state_dict().items()}
    checkpoint = {"config": asdict(cfg), "arch": "resnet", "classes": words, "state_dict": tuned, "train": {}}
    for alpha, want in ((0.0, start.state_dict()), (1.0, tuned)):
        mixed = interpolate_with_start(checkpoint, data_dir, alpha)
        assert all(torch.allclose(mixed["state_dict"][k], want[k], atol=1e-6) for k in want)
        assert mixed["train"]["wise_ft_alpha"] == alpha
    half = interpolate_with_start(checkpoint, data_dir, 0.5)["state_dict"]
    key = "head.weight"
    assert torch.allclose(half[key], 0.5 * (tuned[key] + start.state_dict()[key]), atol=1e-6)
    with pytest.raises(ValueError, match="alpha"):
        interpolate_with_start(checkpoint, data_dir, 1.5)


def test_denormals_are_flushed_only_while_training() -> None:
    tiny = torch.tensor([1e-39])  # a float32 subnormal
    with flushing_denormals():
        assert (tiny * 1.0).item() == 0.0
    assert (tiny * 1.0).item() != 0.0  # the flag is process-wide: later code needs subnormals back


def test_doodlenet_student_without_a_loaded_teacher_starts_from_doodlenet(
    data_dir: Path, bitmaps: torch.Tensor
) -> None:
    words = ["cat", "bicycle", "zigzag"]
    student = build_student(TrainConfig(arch="doodlenet", words=words), words, None, data_dir).eval()
    want = load_signal(data_dir, words, "doodlenet")(bitmaps)
    assert torch.allclose(student(bitmaps), want, atol=1e-5)
