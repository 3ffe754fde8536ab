"""Test-time augmentation baked into a model, so the exported ONNX graph carries it."""

from __future__ import annotations

import torch
from torch import nn

# (dx, dy) pixel shifts averaged by each mode; (0, 0) is the input itself
TTA_SHIFTS: dict[str, tuple[tuple[int, int], ...]] = {
    "shift1": ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)),
}


def mean_probabilities(net: nn.Module, x: torch.Tensor, shifts: tuple[tuple[int, int], ...]) -> torch.Tensor:
    """``net``'s probabilities averaged over the ``shifts`` of ``x`` (N, C, H, W), in one batched pass."""
    copies = torch.cat([torch.roll(x, shifts=(dy, dx), dims=(2, 3)) for dx, dy in shifts])
    probabilities = torch.softmax(net.logits(copies), dim=-1)
    return probabilities.reshape(len(shifts), x.shape[0], -1).mean(dim=0)


class ShiftAveraged(nn.Module):
    """A classifier whose probabilities are averaged over small shifts of its input (one batched pass)."""

    def __init__(self, net: nn.Module, shifts: tuple[tuple[int, int], ...]) -> None:
        super().__init__()
        self.net = net
        self.shifts = shifts

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Mean probabilities over the shifted copies of ``x`` (N, C, H, W) -> (N, classes)."""
        return mean_probabilities(self.net, x, self.shifts)


def with_tta(net: nn.Module, mode: str | None) -> nn.Module:
    """``net`` wrapped for test-time augmentation ``mode`` (unchanged when ``mode`` is None)."""
    if mode is None:
        return net
    if mode not in TTA_SHIFTS:
        raise ValueError(f"unknown test-time augmentation {mode!r}; known: {', '.join(TTA_SHIFTS)}")
    return ShiftAveraged(net, TTA_SHIFTS[mode]).eval()
