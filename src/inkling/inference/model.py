"""``OnnxModel``: what every predictor holds: its metadata, identity (name, version, hash) and session."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

from inkling.inference.session import DEFAULT_THREADS, make_session


class OnnxModel:
    """An ONNX model with its metadata sidecar; predictors subclass it and add their task."""

    default_name: ClassVar[str] = "model"  # the name when neither the caller nor the metadata gives one

    def __init__(
        self,
        onnx: bytes,
        meta: Mapping[str, Any],
        *,
        name: str | None = None,
        version: int | None = None,
        registry_id: int | None = None,
        threads: int = DEFAULT_THREADS,
        **_: Any,  # options of other predictors (one loader builds every kind): ignored
    ) -> None:
        self.meta = dict(meta)
        self.model_name: str = name or str(meta.get("name", self.default_name))
        self.version = version
        self.registry_id = registry_id  # the model's row id in the registry (None outside it)
        self.sha256 = hashlib.sha256(onnx).hexdigest()
        self.session = make_session(onnx, threads)
        self.input_name: str = meta.get("input_name") or self.session.get_inputs()[0].name

    @classmethod
    def from_files(cls, onnx_path: Path, meta_path: Path | None = None, **kwargs: Any) -> Self:
        """A model from ``model.onnx`` and its metadata sidecar (``model.json`` by default)."""
        onnx_path = Path(onnx_path)
        meta_path = Path(meta_path) if meta_path else onnx_path.with_suffix(".json")
        return cls(onnx_path.read_bytes(), json.loads(meta_path.read_text(encoding="utf-8")), **kwargs)

    @property
    def label(self) -> str:
        """``name@version`` (just the name when the model is not from the registry)."""
        return self.model_name if self.version is None else f"{self.model_name}@{self.version}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}>"
