"""Export a torch module to ONNX (dynamic batch) and check an ONNX model against reference outputs."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

DEFAULT_OPSET = 17  # the oldest opset we ship; onnxruntime >= 1.17 runs it everywhere
DEFAULT_ATOL = 1e-4  # max abs difference allowed between ONNX and reference outputs
BATCH_AXIS = "batch"  # name of the dynamic first dimension of the input and the output

OnnxSource = bytes | str | Path
Reference = Callable[[np.ndarray], np.ndarray] | np.ndarray


class ParityError(AssertionError):
    """ONNX outputs differ from the reference by more than the tolerance."""


def export_onnx(
    module: nn.Module,
    example_input: torch.Tensor,
    path: str | Path,
    *,
    input_name: str = "input",
    output_name: str = "output",
    opset: int = DEFAULT_OPSET,
    dynamic_batch: bool = True,
    extra_axes: dict[int, str] | None = None,
    more_outputs: tuple[str, ...] = (),
) -> Path:
    """Export ``module`` (in eval mode) to ``path`` with one input and one output; batch axis dynamic.

    ``extra_axes`` names more dynamic axes shared by input and output (e.g. ``{2: "height", 3: "width"}``).
    ``more_outputs`` names further outputs of a module returning a tuple (batch axis dynamic, no extra axes).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    was_training = module.training
    module.eval()
    dims = ({0: BATCH_AXIS} if dynamic_batch else {}) | (extra_axes or {})
    axes = {input_name: dims, output_name: dict(dims)} if dims else None
    if axes is not None and dynamic_batch:
        axes |= {name: {0: BATCH_AXIS} for name in more_outputs}
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings():
            # the TorchScript exporter is deprecated in favour of dynamo, but gives the smaller, plainer graph
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.onnx.export(
                module,
                (example_input,),
                buffer,
                dynamo=False,
                opset_version=opset,
                input_names=[input_name],
                output_names=[output_name, *more_outputs],
                dynamic_axes=axes,
                do_constant_folding=True,
            )
    finally:
        module.train(was_training)
    model = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(model, full_check=True)
    path.write_bytes(buffer.getvalue())
    return path


def _load_bytes(model: OnnxSource) -> bytes:
    """ONNX bytes from bytes or a file path."""
    return model if isinstance(model, bytes) else Path(model).read_bytes()


def run_onnx(model: OnnxSource, inputs: np.ndarray) -> np.ndarray:
    """Run a one-input, one-output ONNX model on CPU with onnxruntime."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # be gentle on shared machines; results do not depend on it
    session = ort.InferenceSession(_load_bytes(model), options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: np.ascontiguousarray(inputs, dtype=np.float32)}
    return session.run(None, feed)[0]


def check_parity(
    model: OnnxSource, reference: Reference, inputs: np.ndarray, *, atol: float = DEFAULT_ATOL
) -> float:
    """Max abs difference between the ONNX outputs and ``reference`` (outputs, or a function of inputs).

    Raises :class:`ParityError` when the shapes differ or the difference exceeds ``atol``.
    """
    got = run_onnx(model, inputs)
    want = np.asarray(reference(inputs) if callable(reference) else reference)
    if got.shape != want.shape:
        raise ParityError(f"ONNX output shape {got.shape} != reference shape {want.shape}")
    diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if got.size else 0.0
    if not diff <= atol:  # also catches NaN
        raise ParityError(f"ONNX output differs from the reference by {diff:.3g} > atol {atol:g}")
    return diff


def torch_reference(module: nn.Module) -> Callable[[np.ndarray], np.ndarray]:
    """A NumPy-in, NumPy-out function running ``module`` in eval mode (a ready ``reference`` for parity)."""

    def run(inputs: np.ndarray) -> np.ndarray:
        was_training = module.training
        module.eval()
        try:
            with torch.no_grad():
                return module(torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32))).numpy()
        finally:
            module.train(was_training)

    return run
