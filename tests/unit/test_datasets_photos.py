"""Photo folders: listing by split, skipping non-images, loading RGB uint8."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inkling.datasets.errors import FormatError
from inkling.datasets.photos import bsds500_dir, iter_photos, list_images, list_splits, load_image


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    """train/ with a JPEG, a grey PNG, an RGBA PNG, Thumbs.db and a hidden file; val/ with one JPEG."""
    root = tmp_path / "photos"
    (root / "train").mkdir(parents=True)
    (root / "val").mkdir()
    (root / "empty").mkdir()
    Image.new("RGB", (6, 4), (200, 10, 10)).save(root / "train" / "b.jpg")
    Image.new("L", (3, 5), 128).save(root / "train" / "a.png")
    Image.new("RGBA", (2, 2), (0, 255, 0, 100)).save(root / "train" / "c.PNG")
    (root / "train" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0 not an image")
    (root / "train" / ".DS_Store").write_bytes(b"junk")
    (root / "train" / "notes.txt").write_text("hello")
    Image.new("RGB", (4, 4), (0, 0, 255)).save(root / "val" / "x.jpeg")
    (root / "empty" / "Thumbs.db").write_bytes(b"junk")
    return root


def test_lists_images_by_split_and_skips_the_rest(photo_folder: Path) -> None:
    assert list_splits(photo_folder) == ["train", "val"]
    assert [p.name for p in list_images(photo_folder, "train")] == ["a.png", "b.jpg", "c.PNG"]
    assert [p.name for p in list_images(photo_folder / "val")] == ["x.jpeg"]
    with pytest.raises(FileNotFoundError):
        list_images(photo_folder, "test")


def test_loads_rgb_uint8(photo_folder: Path) -> None:
    photos = dict(iter_photos(photo_folder, "train"))
    shapes = {path.name: image.shape for path, image in photos.items()}
    assert shapes == {"a.png": (5, 3, 3), "b.jpg": (4, 6, 3), "c.PNG": (2, 2, 3)}
    for image in photos.values():
        assert image.dtype == np.uint8
    grey = load_image(photo_folder / "train" / "a.png")
    assert (grey == 128).all()
    assert len(list(iter_photos(photo_folder, "train", limit=1))) == 1


def test_a_broken_image_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"not a jpeg")
    with pytest.raises(FormatError, match="not a readable image"):
        load_image(path)


def test_real_bsds500(data_dir: Path, tmp_path: Path) -> None:
    root = bsds500_dir(data_dir=data_dir, cache_dir=tmp_path)
    assert root == data_dir / "photos" / "bsds500"
    assert list_splits(root) == ["test", "train", "val"]
    counts = {split: len(list_images(root, split)) for split in ("train", "val", "test")}
    assert counts == {"train": 200, "val": 100, "test": 200}
    for _, image in iter_photos(root, "val", limit=3):
        assert image.dtype == np.uint8 and image.shape in {(321, 481, 3), (481, 321, 3)}
