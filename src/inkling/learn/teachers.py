"""Teacher signals for distillation: DoodleNet, the Quick, Draw! ResNet, or a weighted ensemble of both.

Every teacher answers in one class order (the data's: DoodleNet's, or a pack's words) whatever its own
output order is. The ensemble mixes the members' probabilities (``prob``: log of the weighted mean, a
valid logit) or their logits (``logit``: weighted sum); the weight of the ResNet was chosen on the
validation split with ``benchmarks/teacher_grid.py`` (docs/BENCHMARKS.md, "Teacher signal").
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from inkling.learn.doodlenet import doodlenet
from inkling.learn.quickdraw_resnet import quickdraw_resnet

TEACHERS = ("doodlenet", "resnet", "ensemble")  # what `inkling train doodle --teacher` accepts
MODES = ("prob", "logit")  # how an ensemble mixes its members
ENSEMBLE_RESNET_WEIGHT = 0.7  # ResNet's share in the ensemble (DoodleNet: the rest); chosen on validation
ENSEMBLE_MODE = "logit"  # chosen on validation with the weight
DOODLENET_H5 = "pretrained/doodlenet_keras/doodleNet-model.h5"
DOODLENET_CLASSES = "pretrained/doodlenet_keras/class_names.txt"  # output order, `_` for spaces
RESNET_JSON = "pretrained/quickdraw_resnet_tfjs/model.json"
RESNET_CLASSES = "pretrained/quickdraw_resnet_tfjs/classes_official_names.txt"  # output order


def output_order(data_dir: Path, kind: str) -> list[str]:
    """A pretrained teacher's class names in its output order, as official names."""
    path = Path(data_dir) / (DOODLENET_CLASSES if kind == "doodlenet" else RESNET_CLASSES)
    return [line.strip().replace("_", " ") for line in path.read_text().splitlines() if line.strip()]


class TeacherSignal(nn.Module):
    """Weighted members (nets with ``logits``), each read in the rows of ``classes``; NCHW, bitmap channel."""

    def __init__(self, members: list[tuple[nn.Module, list[int], float]], mode: str = ENSEMBLE_MODE) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"unknown ensemble mode {mode!r}; expected one of {', '.join(MODES)}")
        if not members or any(w < 0 for _, _, w in members) or sum(w for _, _, w in members) <= 0:
            raise ValueError("an ensemble needs members with non-negative weights that sum above 0")
        total = sum(w for _, _, w in members)
        self.nets = nn.ModuleList(net.eval() for net, _, _ in members)
        for i, (_, rows, _) in enumerate(members):
            self.register_buffer(f"rows{i}", torch.as_tensor(rows, dtype=torch.long), persistent=False)
        self.weights = [w / total for _, _, w in members]
        self.mode = mode

    def member_logits(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Each member's logits in the common class order."""
        rows = [getattr(self, f"rows{i}") for i in range(len(self.nets))]
        return [net.logits(x[:, :1])[:, r] for net, r in zip(self.nets, rows, strict=True)]

    @torch.no_grad()
    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """The mixed teacher logits (softmax of them is the ensemble's probability)."""
        parts = self.member_logits(x)
        if len(parts) == 1:
            return parts[0]
        if self.mode == "logit":
            return sum(w * p for w, p in zip(self.weights, parts, strict=True))  # type: ignore[return-value]
        probs = sum(w * torch.softmax(p, dim=-1) for w, p in zip(self.weights, parts, strict=True))
        return torch.log(probs.clamp_min(1e-12))  # type: ignore[union-attr]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities in the common order."""
        return torch.softmax(self.logits(x), dim=-1)


def load_signal(
    data_dir: Path,
    classes: list[str],
    kind: str = "doodlenet",
    *,
    resnet_weight: float = ENSEMBLE_RESNET_WEIGHT,
    mode: str = ENSEMBLE_MODE,
) -> TeacherSignal:
    """The teacher ``kind`` (doodlenet, resnet, ensemble) answering in the order of ``classes``."""
    if kind not in TEACHERS:
        raise ValueError(f"unknown teacher {kind!r}; expected one of {', '.join(TEACHERS)}")
    data_dir = Path(data_dir)
    members = []
    weights = {"doodlenet": 1 - resnet_weight, "resnet": resnet_weight} if kind == "ensemble" else {kind: 1.0}
    for name, weight in weights.items():
        if weight <= 0 and kind == "ensemble":
            continue
        order = output_order(data_dir, name)
        missing = sorted(set(classes) - set(order))
        if missing:
            raise ValueError(f"{name} has no class for {missing[:5]}")
        net = (
            doodlenet(data_dir / DOODLENET_H5)
            if name == "doodlenet"
            else quickdraw_resnet(data_dir / RESNET_JSON, fold=True)
        )
        members.append((net, [order.index(c) for c in classes], weight))
    return TeacherSignal(members, mode)
