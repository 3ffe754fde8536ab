"""Read the weights of a TF.js layers-model (``model.json`` weightsManifest + binary shards) with NumPy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# TF.js manifest dtypes we read, as little-endian NumPy dtypes (quantised weights are not supported)
DTYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4")}


class TfjsWeightsError(ValueError):
    """The manifest and the shard bytes do not agree, or a dtype is not supported."""


def read_tfjs_weights(model_json: str | Path) -> dict[str, np.ndarray]:
    """Every weight of a TF.js model as ``{manifest name: array}``, in manifest order."""
    model_json = Path(model_json)
    manifest = json.loads(model_json.read_text())["weightsManifest"]
    out: dict[str, np.ndarray] = {}
    for group in manifest:
        data = b"".join((model_json.parent / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] not in DTYPES or "quantization" in spec:
                raise TfjsWeightsError(f"{spec['name']}: unsupported dtype or quantisation")
            dtype = DTYPES[spec["dtype"]]
            count = int(np.prod(spec["shape"], dtype=np.int64))
            size = count * dtype.itemsize
            if offset + size > len(data):
                raise TfjsWeightsError(f"{spec['name']}: shard too short ({len(data)} bytes)")
            array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
            out[spec["name"]] = array.reshape(spec["shape"]).astype(dtype.newbyteorder("="))
            offset += size
        if offset != len(data):
            raise TfjsWeightsError(
                f"{group['paths']}: {len(data) - offset} bytes left over after the weights"
            )
    return out
