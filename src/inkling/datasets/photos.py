"""Photo-folder readers: list images by split and load them as RGB uint8 arrays with Pillow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from inkling.datasets.errors import FormatError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm"})


def is_image_file(path: Path) -> bool:
    """True for a visible regular file with an image suffix (so ``Thumbs.db``, ``.DS_Store`` are skipped)."""
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES


def list_splits(root: Path) -> list[str]:
    """The split sub-folders of a photo folder that hold at least one image, sorted."""
    root = Path(root)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(map(is_image_file, p.iterdir())))


def list_images(root: Path, split: str | None = None) -> list[Path]:
    """Image files in ``root/split`` (or directly in ``root``), sorted by name; non-images skipped."""
    folder = Path(root) / split if split else Path(root)
    if not folder.is_dir():
        raise FileNotFoundError(f"no photo folder {folder}")
    return sorted((p for p in folder.iterdir() if is_image_file(p)), key=lambda p: p.name)


def load_image(path: Path) -> np.ndarray:
    """One image as an RGB uint8 array (H, W, 3); grey, palette and RGBA images are converted."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
    except (UnidentifiedImageError, OSError) as error:
        raise FormatError(f"{path}: not a readable image ({error})") from error


def iter_photos(
    root: Path, split: str | None = None, *, limit: int | None = None
) -> Iterator[tuple[Path, np.ndarray]]:
    """(path, RGB array) for the images of a split, in name order, at most ``limit``."""
    for path in list_images(root, split)[:limit]:
        yield path, load_image(path)


def bsds500_dir(*, data_dir: Path | None = None, cache_dir: Path | None = None) -> Path:
    """The BSDS500 photo folder (``train``/``val``/``test``): mirror, cache or the official archive."""
    from inkling.datasets.download import resolve

    return resolve("bsds500", data_dir=data_dir, cache_dir=cache_dir)
