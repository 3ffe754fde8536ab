"""Confusion-matrix images with Pillow only (training needs no plotting library)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CELL = 44  # pixels per matrix cell
MARGIN = 56  # room for the axis labels and title


def confusion_image(confusion: np.ndarray, title: str = "") -> Image.Image:
    """A 10x10 heat map: rows true digit, columns predicted; counts written in the cells."""
    confusion = np.asarray(confusion)
    n = confusion.shape[0]
    size = MARGIN + n * CELL + 8
    image = Image.new("RGB", (size, size + 18), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    rows = confusion.sum(axis=1, keepdims=True).clip(min=1)
    share = confusion / rows
    for i in range(n):
        for j in range(n):
            x0, y0 = MARGIN + j * CELL, MARGIN + i * CELL
            if i == j:
                level = int(255 - 155 * share[i, j])
                colour = (level, 255, level)
            else:
                level = int(255 - 255 * min(1.0, share[i, j] * 20))  # 5 % of a row is full red
                colour = (255, level, level)
            draw.rectangle((x0, y0, x0 + CELL - 1, y0 + CELL - 1), fill=colour, outline=(210, 210, 210))
            text = str(int(confusion[i, j]))
            width = draw.textlength(text, font=font)
            draw.text((x0 + (CELL - width) / 2, y0 + CELL / 2 - 6), text, fill="black", font=font)
        draw.text((MARGIN - 14, MARGIN + i * CELL + CELL / 2 - 6), str(i), fill="black", font=font)
        draw.text((MARGIN + i * CELL + CELL / 2 - 3, MARGIN - 16), str(i), fill="black", font=font)
    draw.text((4, MARGIN - 16), "true \\ pred", fill="black", font=font)
    draw.text((4, 8), title, fill="black", font=font)
    return image


def save_confusion_png(confusion: np.ndarray, path: Path, title: str = "") -> Path:
    """Write the confusion image of ``confusion`` to ``path`` (PNG)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    confusion_image(confusion, title).save(path, format="PNG")
    return path
