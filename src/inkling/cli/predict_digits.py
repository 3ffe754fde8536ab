"""``inkling predict digits``: the digit in each MNIST-style bitmap of a .npz, or in PNG files.

Prints one JSON object per image, in order: ``{"index": i, "digit": d, "probability": p}``. Model
precedence as for ``predict doodle``: ``--model`` or the active digit model from the database, else
the shipped ``digits-cnn``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from PIL import Image, UnidentifiedImageError
from rich.console import Console

from inkling.cli.common import DatabaseUrl, fail
from inkling.inference import InputError
from inkling.ink import InkError
from inkling.ink.mnist import image_to_mnist
from inkling.registry import ModelNotFoundError

err = Console(stderr=True)
DECIMALS = 6  # probabilities are printed rounded to this many decimals


def read_npz(path: Path) -> np.ndarray:
    """``x`` of a .npz as uint8 (N, 28, 28) (MNIST layout; (N, 784) is accepted too)."""
    with np.load(path, allow_pickle=False) as data:
        if "x" not in data.files:
            raise ValueError(f"{path}: no array 'x' (has {', '.join(data.files) or 'nothing'})")
        x = data["x"]
    if x.dtype != np.uint8 or x.ndim not in (2, 3) or x.shape[1:] not in ((784,), (28, 28)):
        raise ValueError(f"{path}: x must be uint8 (N, 28, 28) or (N, 784), got {x.dtype} {x.shape}")
    return x.reshape(len(x), 28, 28)


def read_pngs(paths: list[Path]) -> np.ndarray:
    """PNG pictures of one digit each → (N, 28, 28) uint8 in the MNIST convention."""
    out = np.empty((len(paths), 28, 28), dtype=np.uint8)
    for index, path in enumerate(paths):
        try:
            with Image.open(path, formats=["PNG"]) as image:
                out[index] = image_to_mnist(image)
        except (UnidentifiedImageError, OSError, InkError) as error:
            raise ValueError(f"{path}: not a readable PNG ({error})") from None
    return out


def digits(
    inputs: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="a .npz with x uint8 (N, 28, 28), or one or more PNG files"
    ),
    model: str | None = typer.Option(None, "--model", "-m", help="Registered or shipped model name."),
    version: int | None = typer.Option(None, "--version", min=1, help="Model version (database only)."),
    threads: int = typer.Option(2, "--threads", min=1, help="ONNX Runtime intra-op threads."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Predict the digit of every image in INPUTS; one JSON line each: index, digit, probability."""
    from inkling.services.models import open_predictor

    try:
        if len(inputs) == 1 and inputs[0].suffix.lower() == ".npz":
            images = read_npz(inputs[0])
        elif all(path.suffix.lower() == ".png" for path in inputs):
            images = read_pngs(inputs)
        else:
            raise ValueError("give one .npz, or PNG files only")
        resolved = open_predictor("digit", model, version, database_url=database_url, threads=threads)
    except (ValueError, OSError, ModelNotFoundError, InputError) as error:
        raise fail(str(error)) from error
    for note in resolved.notes:
        err.print(f"note: {note}", highlight=False, soft_wrap=True)
    err.print(f"model: {resolved.source}", highlight=False, soft_wrap=True)
    probabilities = resolved.predictor.probabilities(images)
    best = probabilities.argmax(axis=1)
    lines = [
        json.dumps({"index": i, "digit": int(d), "probability": round(float(probabilities[i, d]), DECIMALS)})
        for i, d in enumerate(best)
    ]
    if lines:
        typer.echo("\n".join(lines))
    err.print(f"{len(lines)} images", highlight=False)
