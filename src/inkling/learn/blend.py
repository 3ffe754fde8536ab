"""A blend of doodle networks in one graph: the weighted sum of their log-probabilities.

The shipped doodle model is the Quick, Draw! ResNet (strong on whole drawings) blended with our
DoodleNet-sized student (distilled on our pool with stroke prefixes, so it names drawings earlier) and,
optionally, DoodleNet itself. One ONNX graph runs every member on the same 28x28 bitmap; a member may
average its probabilities over small shifts first (test-time augmentation, as the student was shipped).
The weights are chosen on the validation split (``benchmarks/blend_grid.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from inkling.learn.tta import TTA_SHIFTS, mean_probabilities

MEMBER_ARCHS = ("resnet", "doodlenet")  # architectures a blend may hold (each has ``logits`` and ``embed``)


class Blend(nn.Module):
    """``members`` (nets with ``logits``/``embed``) mixed as ``sum(w * log p)``; the first one embeds."""

    def __init__(
        self,
        members: Sequence[nn.Module],
        weights: Sequence[float],
        shifts: Sequence[str | None] | None = None,
    ) -> None:
        super().__init__()
        shifts = list(shifts) if shifts is not None else [None] * len(members)
        if not members or len(weights) != len(members) or len(shifts) != len(members):
            raise ValueError("a blend needs one weight and one shift mode per member")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("blend weights must be non-negative and sum above 0")
        unknown = [s for s in shifts if s is not None and s not in TTA_SHIFTS]
        if unknown:
            raise ValueError(f"unknown test-time augmentation {unknown[0]!r}; known: {', '.join(TTA_SHIFTS)}")
        self.members = nn.ModuleList(members)
        self.weights = [float(w) / sum(weights) for w in weights]
        self.shifts = [TTA_SHIFTS[s] if s else ((0, 0),) for s in shifts]

    @staticmethod
    def _log_probabilities(
        net: nn.Module, x: torch.Tensor, shifts: tuple[tuple[int, int], ...]
    ) -> torch.Tensor:
        """log of ``net``'s probabilities, averaged over ``shifts`` of ``x`` (one batched pass)."""
        if len(shifts) == 1:
            return torch.log_softmax(net.logits(x), dim=-1)
        return torch.log(mean_probabilities(net, x, shifts))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """The weighted sum of the members' log-probabilities (its softmax is the blend's probability)."""
        parts = [
            w * self._log_probabilities(net, x, s)
            for net, w, s in zip(self.members, self.weights, self.shifts, strict=True)
        ]
        return torch.stack(parts).sum(dim=0)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The first member's penultimate layer (what the loop's outlier filter scores)."""
        return self.members[0].embed(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities."""
        return torch.softmax(self.logits(x), dim=-1)
