"""MNIST in the database: bulk, idempotent loading of the two splits and reading them back as arrays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from inkling.datasets.mnist import Mnist
from inkling.db.models import MnistTest, MnistTrain

SPLITS: dict[str, type[MnistTrain] | type[MnistTest]] = {"train": MnistTrain, "test": MnistTest}
DEFAULT_CHUNK = 5000  # rows per INSERT batch: large enough to be fast, small enough for PostgreSQL params
PIXELS = 28 * 28

Progress = Callable[[str, int], None]  # (split, rows just written)


@dataclass(frozen=True)
class LoadReport:
    """Rows inserted and rows already present, per split."""

    inserted: dict[str, int]
    present: dict[str, int]


def _table(split: str) -> type[MnistTrain] | type[MnistTest]:
    if split not in SPLITS:
        raise ValueError(f"unknown MNIST split {split!r}; expected one of {', '.join(SPLITS)}")
    return SPLITS[split]


def count_split(session: Session, split: str) -> int:
    """How many images of ``split`` the database holds."""
    table = _table(split)
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def load_split(
    session: Session,
    split: str,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Insert the images of one split whose index is not stored yet; (inserted, already present)."""
    table = _table(split)
    if images.shape[1:] not in ((28, 28), (PIXELS,)) or len(images) != len(labels):
        raise ValueError(f"MNIST {split}: expected (N, 28, 28) images and N labels, got {images.shape}")
    flat = np.ascontiguousarray(images.reshape(len(images), PIXELS), dtype=np.uint8)
    existing = set(session.scalars(select(table.id)).all())
    missing = [i for i in range(len(flat)) if i not in existing]
    for start in range(0, len(missing), chunk_size):
        ids = missing[start : start + chunk_size]
        rows = [{"id": i, "label": int(labels[i]), "pixels": flat[i].tobytes()} for i in ids]
        session.execute(insert(table), rows)
        session.flush()
        if progress is not None:
            progress(split, len(ids))
    return len(missing), len(flat) - len(missing)


def load_mnist_into_db(
    session: Session,
    mnist: Mnist,
    *,
    limit: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> LoadReport:
    """Store both splits (the first ``limit`` images of each when given); safe to run again."""
    inserted: dict[str, int] = {}
    present: dict[str, int] = {}
    for split, images, labels in (
        ("train", mnist.x_train, mnist.y_train),
        ("test", mnist.x_test, mnist.y_test),
    ):
        stop = len(images) if limit is None else min(limit, len(images))
        inserted[split], present[split] = load_split(
            session, split, images[:stop], labels[:stop], chunk_size=chunk_size, progress=progress
        )
    return LoadReport(inserted, present)


def read_split(session: Session, split: str, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Images uint8 (N, 28, 28) and labels int64 (N,) of ``split``, in original index order."""
    table = _table(split)
    query = select(table.label, table.pixels).order_by(table.id)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    if not rows:
        raise LookupError(f"the database has no MNIST {split} images; run `inkling data load mnist`")
    labels = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    pixels = np.frombuffer(b"".join(bytes(row[1]) for row in rows), dtype=np.uint8)
    return pixels.reshape(len(rows), 28, 28).copy(), labels
