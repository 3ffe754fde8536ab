"""The IDX file format of MNIST (gzip or plain): a magic number, big-endian dimensions, then the data."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from inkling.datasets.errors import FormatError

# type code (third magic byte) -> big-endian numpy dtype
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IDX_CODES: dict[np.dtype, int] = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, un-gzipped when it starts with the gzip magic."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise FormatError(f"{path}: broken gzip stream ({error})") from error
    return raw


def parse_idx(data: bytes, origin: object = "<bytes>") -> np.ndarray:
    """Decode IDX bytes into a native-endian array of the declared shape and type."""
    if len(data) < 4:
        raise FormatError(f"{origin}: too short for an IDX header")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0:
        raise FormatError(f"{origin}: bad IDX magic 0x{data[:4].hex()} (must start with two zero bytes)")
    if code not in IDX_DTYPES:
        raise FormatError(f"{origin}: unknown IDX type code 0x{code:02x}")
    if ndim == 0:
        raise FormatError(f"{origin}: IDX file with zero dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise FormatError(f"{origin}: truncated IDX header ({ndim} dimensions declared)")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header != expected:
        raise FormatError(f"{origin}: IDX body is {len(data) - header} bytes, shape {shape} needs {expected}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (``.gz`` or plain) into a numpy array, checking magic and sizes."""
    return parse_idx(_read_bytes(path), path)


def encode_idx(array: np.ndarray) -> bytes:
    """Encode an array as IDX bytes (the inverse of :func:`parse_idx`)."""
    array = np.asarray(array)
    code = IDX_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise FormatError(f"IDX cannot store dtype {array.dtype}")
    header = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    return header + array.astype(IDX_DTYPES[code]).tobytes()


def write_idx(array: np.ndarray, path: Path) -> Path:
    """Write an array as an IDX file, gzipped when ``path`` ends in ``.gz``."""
    path = Path(path)
    data = encode_idx(array)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path
