"""Champion weights from the registry's ONNX bytes, and the loop's export with an embeddings output.

A doodle model's ONNX initializers carry its torch state-dict names (``features.0.weight``, or
``net.features.0.weight`` under test-time augmentation), so a champion (DoodleNet family, the folded
ResNet, arch ``resnet``, or a ``blend`` of them, its members in the metadata's ``arch_options``) is
rebuilt from its ONNX bytes alone, checked against the ONNX outputs. No checkpoint has to travel with a
model; the shipped ``inkling-doodle`` and every model the loop makes rebuild the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from inkling.learn.architectures import IN_CHANNELS, create_model
from inkling.learn.blend import Blend
from inkling.learn.doodlenet import DoodleNet
from inkling.learn.onnx_export import DEFAULT_ATOL, ParityError, export_onnx, run_onnx
from inkling.learn.quickdraw_resnet import QuickdrawResNet
from inkling.learn.tta import TTA_SHIFTS, mean_probabilities

EMBEDDINGS = "embeddings"  # name of the second ONNX output: the penultimate layer (what the head sees)


Champion = DoodleNet | QuickdrawResNet | Blend  # architectures with ``embed`` (the penultimate layer)


class RebuildError(ValueError):
    """The ONNX model's weights do not fit a registered architecture the loop can fine-tune."""


class ServingNet(nn.Module):
    """A champion ``net`` as served: (probabilities, averaged over ``shifts``; embeddings)."""

    def __init__(self, net: Champion, shifts: tuple[tuple[int, int], ...] = ((0, 0),)) -> None:
        super().__init__()
        self.net, self.shifts = net, shifts

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, classes) probabilities and (N, hidden) embeddings of the unshifted input."""
        return mean_probabilities(self.net, x, self.shifts), self.net.embed(x)


def shifts_of(meta: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    """The test-time shifts a model's metadata names (none: the input itself)."""
    tta = (meta.get("training") or {}).get("tta")
    return TTA_SHIFTS[tta] if tta else ((0, 0),)


def rebuild(onnx_bytes: bytes, meta: dict[str, Any]) -> Champion:
    """The torch network inside a doodle ONNX model (``meta``: its registry metadata), parity-checked."""
    arch = meta.get("arch") or "doodlenet"
    if arch not in IN_CHANNELS:
        raise RebuildError(f"architecture {arch!r} is not registered")
    net = create_model(arch, num_classes=len(meta["classes"]), **meta.get("arch_options", {}))
    if not isinstance(net, Champion):
        raise RebuildError(f"architecture {arch!r} has no embeddings to fine-tune from")
    weights = {
        init.name.removeprefix("net."): torch.from_numpy(numpy_helper.to_array(init).copy())
        for init in onnx.load_from_string(onnx_bytes).graph.initializer
    }
    missing = set(net.state_dict()) - set(weights)
    if missing:
        raise RebuildError(f"ONNX initializers lack {sorted(missing)[:3]}: not exported from {arch}")
    net.load_state_dict({name: weights[name] for name in net.state_dict()})
    net.eval()
    inputs = np.random.default_rng(0).random((8, IN_CHANNELS[arch], 28, 28), dtype=np.float32)
    with torch.no_grad():
        mine = ServingNet(net, shifts_of(meta))(torch.from_numpy(inputs))[0].numpy()
    diff = float(np.abs(run_onnx(onnx_bytes, inputs) - mine).max())
    if not diff <= DEFAULT_ATOL:
        raise ParityError(f"rebuilt network differs from its ONNX model by {diff:.3g}")
    return net


def export_serving(net: Champion, meta: dict[str, Any], path: Path) -> bytes:
    """Export ``net`` as served (probabilities first, embeddings second); returns the ONNX bytes."""
    module = ServingNet(net, shifts_of(meta)).eval()
    channels = IN_CHANNELS[meta.get("arch") or "doodlenet"]
    export_onnx(
        module,
        torch.zeros(1, channels, 28, 28),
        path,
        output_name="probabilities",
        more_outputs=(EMBEDDINGS,),
    )
    return Path(path).read_bytes()
