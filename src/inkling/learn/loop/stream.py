"""Training rows streamed from a snapshot file: each rank (and data-loader worker) reads only its shard.

Row ``i`` of the file belongs to reader ``i % readers``; readers = world size x loader workers. A reader
keeps a small shuffle buffer and loops over its shard for ever, so every rank takes the same number of
steps whatever the shard sizes. Nothing is held in memory but the buffer: the same code reads a 50 M
drawing snapshot on many machines.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

from inkling.ink import parse_ink, rasterise

SHUFFLE_BUFFER = 512  # rows a reader shuffles among before yielding


class SnapshotStream(IterableDataset):
    """(bitmap (1, 28, 28) float 0..1, label) pairs of one rank's shard of a snapshot file, for ever."""

    def __init__(self, path: Path, rank: int = 0, world: int = 1, seed: int = 0) -> None:
        super().__init__()
        self.path, self.rank, self.world, self.seed = Path(path), rank, world, seed

    def reader(self) -> tuple[int, int]:
        """(this reader's index, number of readers) across ranks and loader workers."""
        info = get_worker_info()
        workers, worker = (info.num_workers, info.id) if info is not None else (1, 0)
        return self.rank * workers + worker, self.world * workers

    def shard(self) -> Iterator[tuple[int, list]]:
        """(label, ink) of this reader's rows, one pass over the file."""
        me, readers = self.reader()
        with self.path.open(encoding="utf-8") as lines:
            for i, line in enumerate(lines):
                if i % readers == me:
                    row = json.loads(line)
                    yield row["label"], row["ink"]

    def __iter__(self) -> Iterator[tuple[torch.Tensor, int]]:
        me, _ = self.reader()
        rng = np.random.default_rng([self.seed, me])
        buffer: list[tuple[int, list]] = []
        while True:
            count = 0
            for item in self.shard():
                count += 1
                buffer.append(item)
                if len(buffer) >= SHUFFLE_BUFFER:
                    yield self._tensor(buffer.pop(int(rng.integers(len(buffer)))))
            if count == 0:
                raise ValueError(f"{self.path}: reader {me} has no rows (fewer rows than readers)")
            rng.shuffle(buffer)  # type: ignore[arg-type]
            keep = min(len(buffer) // 2, SHUFFLE_BUFFER // 2)  # the rest mixes with the next pass
            while len(buffer) > keep:
                yield self._tensor(buffer.pop())

    @staticmethod
    def _tensor(item: tuple[int, list]) -> tuple[torch.Tensor, int]:
        label, ink = item
        bitmap = rasterise(parse_ink(ink, strict_times=False), 28)
        return torch.from_numpy(bitmap).float().div_(255.0)[None], int(label)


def label_counts(path: Path, classes: int) -> np.ndarray:
    """How many rows of a snapshot file carry each label (one pass, nothing kept but the counts)."""
    counts = np.zeros(classes, dtype=np.int64)
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            counts[json.loads(line)["label"]] += 1
    return counts
