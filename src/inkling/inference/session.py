"""ONNX Runtime sessions built from model bytes with explicit, predictable thread settings."""

from __future__ import annotations

import onnxruntime as ort

DEFAULT_THREADS = 2  # intra-op threads per session (the serving machine has few cores)


def session_options(threads: int = DEFAULT_THREADS, *, spin: bool = True) -> ort.SessionOptions:
    """Sequential execution, all graph optimisations, ``threads`` intra-op threads, one inter-op thread."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # spinning threads answer faster but burn CPU while idle; turn off on crowded machines
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return options


def make_session(onnx: bytes, threads: int = DEFAULT_THREADS, *, spin: bool = True) -> ort.InferenceSession:
    """A CPU ``InferenceSession`` for the serialised model ``onnx``."""
    if not onnx:
        raise ValueError("empty ONNX model bytes")
    return ort.InferenceSession(
        onnx, sess_options=session_options(threads, spin=spin), providers=["CPUExecutionProvider"]
    )
