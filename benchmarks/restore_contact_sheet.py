"""INKLING_DATA_DIR=../shared/data .venv/bin/python benchmarks/restore_contact_sheet.py

Writes ``docs/restore/artifacts.png`` (``--out`` elsewhere).

A contact sheet of the VHS/PAL degradation simulator: a BSDS500 test photo, each artifact alone at
strength 0.8 (seeded), the PAL raster round trip, and three random degradations as training sees them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from inkling.datasets.photos import bsds500_dir, list_images, load_image
from inkling.restore.artifacts import ARTIFACTS, LowResolution
from inkling.restore.degrade import Degradation, random_degradation, single
from inkling.restore.imageops import to_float, to_uint8

TILE = 240  # side of each square tile (px)
LABEL = 18  # label strip height (px)
COLUMNS = 5


def tiles(photo: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(label, image) pairs: original, each artifact, PAL round trip, random degradations."""
    clean = to_float(photo)
    out = [("original", clean)]
    out += [(name, single(name, 0.8, seed=3)(clean, seed=3)) for name in ARTIFACTS]
    pal = Degradation((LowResolution(h_scale=0.45, v_scale=0.5, pal=True),))
    out.append(("PAL 720x576 raster, low res", pal(clean, seed=0)))
    for seed in (11, 12, 13):
        d = random_degradation(np.random.default_rng(seed), clean_prob=0.0)
        out.append((f"random #{seed}: {len(d.steps)} steps", d(clean, seed=seed)))
    return out


def contact_sheet(items: list[tuple[str, np.ndarray]], crop: tuple[int, int]) -> Image.Image:
    """A grid of labelled crops (the crop's top-left corner is ``crop``; tears are shown by a bottom band)."""
    rows = -(-len(items) // COLUMNS)
    sheet = Image.new("RGB", (COLUMNS * TILE, rows * (TILE + LABEL)), "white")
    draw = ImageDraw.Draw(sheet)
    y0, x0 = crop
    for i, (label, image) in enumerate(items):
        r, c = divmod(i, COLUMNS)
        region = image[y0 : y0 + TILE, x0 : x0 + TILE]
        if label == "tearing":  # the tear is at the frame's bottom: show the bottom rows
            region = image[-TILE:, x0 : x0 + TILE]
        sheet.paste(Image.fromarray(to_uint8(region)), (c * TILE, r * (TILE + LABEL) + LABEL))
        draw.text((c * TILE + 4, r * (TILE + LABEL) + 3), label, fill="black")
    return sheet


def main() -> None:
    """Write the contact sheet PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/restore/artifacts.png"))
    parser.add_argument("--image", default="100007.jpg", help="BSDS500 test image name")
    args = parser.parse_args()
    data_dir = os.environ.get("INKLING_DATA_DIR")
    root = bsds500_dir(data_dir=Path(data_dir) if data_dir else None)
    path = next((p for p in list_images(root, "test") if p.name == args.image), list_images(root, "test")[0])
    photo = load_image(path)
    sheet = contact_sheet(tiles(photo), crop=(max(0, (photo.shape[0] - TILE) // 2), 0))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) from {path.name}")


if __name__ == "__main__":
    main()
