"""Assemble a blend checkpoint: the ResNet, our student and DoodleNet, in one class order, evaluated.

    inkling train blend --student src/inkling/models/inkling-doodle-lite.onnx --weights 0.8,0.1,0.1 \
        --out runs/blend.pt

The ResNet and DoodleNet come from the data mirror (their heads sliced to the words), the student from its
shipped ONNX file (rebuilt, parity-checked, head sliced); the checkpoint exports with ``inkling train
export`` like any trained one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from torch import nn

from inkling.learn.architectures import IN_CHANNELS, create_model, init_from_teacher
from inkling.learn.loop.champion import rebuild
from inkling.learn.train_doodle import TrainConfig, build_student, load_checkpoint

MEMBERS = ("resnet", "student", "doodlenet")  # the order of ``--weights``
MEMBER_ARCH = {"resnet": "resnet", "student": "doodlenet", "doodlenet": "doodlenet"}


def sliced(net: nn.Module, own: list[str], classes: list[str], arch: str, source: Path) -> nn.Module:
    """A new ``arch`` member with ``net``'s weights, its head rows (in order ``own``) cut to ``classes``."""
    missing = sorted(set(classes) - set(own))
    if missing:
        raise ValueError(f"{source} has no class for {missing[:5]}")
    member = create_model(arch, num_classes=len(classes))
    init_from_teacher(member, net, [own.index(c) for c in classes])
    return member.eval()


def student_member(student_onnx: Path, classes: list[str]) -> nn.Module:
    """The student rebuilt from its ONNX file (and sidecar), its head sliced to ``classes``."""
    meta = json.loads(Path(student_onnx).with_suffix(".json").read_text())
    net = rebuild(Path(student_onnx).read_bytes(), meta)
    return sliced(net, list(meta["classes"]), classes, MEMBER_ARCH["student"], student_onnx)


def resnet_member(checkpoint_path: Path, classes: list[str]) -> nn.Module:
    """A fine-tuned ResNet (a checkpoint of arch ``resnet``, e.g. from ``inkling train wise``), sliced."""
    net, checkpoint = load_checkpoint(checkpoint_path)
    if checkpoint["arch"] != "resnet" or checkpoint["config"].get("tta"):
        raise ValueError(f"{checkpoint_path} is not a plain checkpoint of arch resnet")
    return sliced(net, list(checkpoint["classes"]), classes, "resnet", checkpoint_path)


def blend_checkpoint(
    data_dir: Path,
    classes: list[str],
    student_onnx: Path,
    weights: tuple[float, float, float],
    words: list[str] | None = None,
    resnet: Path | None = None,
) -> dict[str, Any]:
    """A checkpoint of arch ``blend``, ``weights`` for (ResNet, student, DoodleNet); a zero drops a member.

    The ResNet is the pretrained one from the mirror, or the fine-tuned checkpoint ``resnet``.
    """
    if len(weights) != len(MEMBERS):
        raise ValueError(f"give one weight per member: {', '.join(MEMBERS)}")
    kept = [(name, w) for name, w in zip(MEMBERS, weights, strict=True) if w > 0]
    members: list[nn.Module] = []
    for name, _ in kept:
        if name == "student":
            members.append(student_member(student_onnx, classes))
        elif name == "resnet" and resnet is not None:
            members.append(resnet_member(resnet, classes))
        else:
            cfg = TrainConfig(arch=MEMBER_ARCH[name], init_teacher=True)
            members.append(build_student(cfg, classes, None, data_dir).eval())
    options = {"members": [MEMBER_ARCH[n] for n, _ in kept], "weights": [w for _, w in kept]}
    model = create_model("blend", num_classes=len(classes), **options)
    model.load_state_dict(
        {f"members.{i}.{k}": v for i, m in enumerate(members) for k, v in m.state_dict().items()}
    )
    student_sha = hashlib.sha256(Path(student_onnx).read_bytes()).hexdigest()
    blend = {
        "members": [n for n, _ in kept],
        "weights": [w for _, w in kept],
        "student": Path(student_onnx).name,
        "student_sha256": student_sha,
        "resnet": Path(resnet).name if resnet else "pretrained",
    }
    cfg = TrainConfig(arch="blend", steps=0, teacher="ensemble", words=words, extra={"blend": blend})
    return {
        "config": asdict(cfg),
        "arch": "blend",
        "arch_options": options,
        "in_channels": IN_CHANNELS["blend"],
        "classes": list(classes),
        "state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "metrics": {},
        "train": {"blend": blend},
        "dedupe": {},
    }
