"""Styles: the few ways people draw a word, by k-means on the serving model's descriptors of its drawings.

Descriptors are the model's ``embeddings`` output when it has one, else the square roots of its
probabilities (:mod:`inkling.inference.embeddings`). k-means (k-means++ start, seeded, numpy only) runs on
the word's newest visible drawings; each style shows the drawings nearest its centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from inkling.inference.doodle import DoodlePredictor
from inkling.inference.embeddings import descriptors
from inkling.ink import InkError
from inkling.services.collect import MAX_PER_PAGE, GalleryItem, word_gallery

MIN_PER_STYLE = 4  # drawings a style needs on average before k styles are shown
MAX_STYLES = 3  # styles shown at most
SHOWN = 3  # representative drawings per style


@dataclass(frozen=True)
class Style:
    """One way of drawing a word: how many drawings fall in it, and the most typical of them."""

    size: int
    examples: list[GalleryItem]


def kmeans(x: np.ndarray, k: int, *, iterations: int = 25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(labels, centres) of k-means on the rows of ``x`` (k-means++ initialisation)."""
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        d2 = np.min([((x - c) ** 2).sum(axis=1) for c in centres], axis=0)
        centres.append(x[rng.choice(len(x), p=d2 / d2.sum()) if d2.sum() > 0 else rng.integers(len(x))])
    c = np.stack(centres)
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(iterations):
        labels = ((x[:, None, :] - c[None]) ** 2).sum(axis=2).argmin(axis=1)
        moved = np.stack([x[labels == j].mean(axis=0) if (labels == j).any() else c[j] for j in range(k)])
        if np.allclose(moved, c):
            break
        c = moved
    return labels, c


def word_styles(session: Session, predictor: DoodlePredictor, word: str) -> list[Style]:
    """Up to ``MAX_STYLES`` styles of ``word``'s newest drawings, largest first ([] when too few)."""
    items = [i for i in word_gallery(session, word, per_page=MAX_PER_PAGE).items if i.ink]
    k = min(MAX_STYLES, len(items) // MIN_PER_STYLE)
    if k < 2:
        return []
    try:
        x = descriptors(predictor, [item.ink for item in items])
    except (InkError, ValueError):
        return []
    labels, centres = kmeans(x.astype(np.float64), k)
    styles = []
    for j in range(k):
        members = np.flatnonzero(labels == j)
        if len(members):
            nearest = members[np.argsort(((x[members] - centres[j]) ** 2).sum(axis=1))[:SHOWN]]
            styles.append(Style(len(members), [items[i] for i in nearest]))
    return sorted(styles, key=lambda s: -s.size)
