"""``MicroBatcher``: concurrent callers' rows go through one model call together.

Each request thread prepares its own input (parsing, rasterising: Python work) and hands the rows to
the batcher; one call of the model runs on the rows of every caller waiting at that moment, and each
caller gets back its own rows of the output. There is no background thread: the first caller to find
no batch under way leads one. It waits at most ``max_wait`` seconds for more rows, and only while
another caller is still preparing an input it announced (``incoming``), so a lone request never
waits; then it runs the model (ONNX Runtime releases the GIL, so the others keep preparing), hands each
caller its rows, and passes the lead to the first caller queued meanwhile. Nothing to start or stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

DEFAULT_MAX_BATCH = 64  # rows per model call at most
DEFAULT_MAX_WAIT = 0.003  # seconds a batch waits for rows that callers are still preparing


class _Request:
    """One caller's rows, its output once the model has run, and whether it must lead the next batch."""

    __slots__ = ("done", "error", "lead", "output", "rows")

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.done = threading.Event()
        self.lead = False
        self.output: np.ndarray | None = None
        self.error: BaseException | None = None


class Slot:
    """A caller announced to a ``MicroBatcher``: ``run`` its rows once they are ready."""

    def __init__(self, batcher: MicroBatcher) -> None:
        self._batcher = batcher
        self.announced = True

    def run(self, rows: np.ndarray) -> np.ndarray:
        """The model's output rows for ``rows`` (run with other callers' rows when they are ready)."""
        return self._batcher.run(rows, self)


class MicroBatcher:
    """Thread-safe batching of model calls: ``run(rows)`` from many threads, one ``model`` call per batch.

    ``model`` maps an (n, ...) array to an (n, ...) output; it must be safe to call from any thread.
    Inputs of ``max_batch`` rows or more skip the batching and run at once.
    """

    def __init__(
        self,
        model: Callable[[np.ndarray], np.ndarray],
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be >= 1, got {max_batch}")
        if max_wait < 0:
            raise ValueError(f"max_wait must be >= 0 seconds, got {max_wait}")
        self.model = model
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._queue: list[_Request] = []
        self._leading = False  # a batch is being gathered or run
        self._preparing = 0  # announced callers whose rows are not queued yet
        self.calls = 0  # model calls made through the batcher
        self.rows = 0  # rows they carried

    @contextmanager
    def incoming(self) -> Iterator[Slot]:
        """Announce rows being prepared: a batch being gathered waits for them (at most ``max_wait``)."""
        slot = Slot(self)
        with self._lock:
            self._preparing += 1
        try:
            yield slot
        finally:
            self._arrive(slot)

    def _arrive(self, slot: Slot | None) -> None:
        """``slot``'s caller is no longer preparing (its rows are queued, or it gave up)."""
        if slot is None or not slot.announced:
            return
        with self._lock:
            slot.announced = False
            self._preparing -= 1
            self._arrived.notify()

    def run(self, rows: np.ndarray, slot: Slot | None = None) -> np.ndarray:
        """The model's output for ``rows``, computed in one call with the rows of concurrent callers."""
        if len(rows) >= self.max_batch:
            self._arrive(slot)
            return self.model(rows)
        request = _Request(rows)
        with self._lock:
            self._queue.append(request)
            if slot is not None and slot.announced:
                slot.announced = False
                self._preparing -= 1
            self._arrived.notify()
            lead = not self._leading
            self._leading = True
        if not lead:
            request.done.wait()
        if request.lead or lead:
            self._lead()
        if request.error is not None:
            raise request.error
        assert request.output is not None
        return request.output

    def _gather(self) -> list[_Request]:
        """Wait (lock held) while announced rows may still come, then take up to ``max_batch`` rows."""
        deadline = time.monotonic() + self.max_wait
        while self._preparing > 0 and sum(len(r.rows) for r in self._queue) < self.max_batch:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._arrived.wait(left)
        batch, total = [], 0
        while self._queue and (not batch or total + len(self._queue[0].rows) <= self.max_batch):
            request = self._queue.pop(0)
            batch.append(request)
            total += len(request.rows)
        return batch

    def _lead(self) -> None:
        """Run one batch (the leader's own request is in it), then pass the lead on or end it."""
        with self._lock:
            batch = self._gather()
        try:
            outputs = self.model(np.concatenate([r.rows for r in batch]))
            start = 0
            for request in batch:
                request.output = outputs[start : start + len(request.rows)]
                start += len(request.rows)
        except Exception as error:  # every caller of the batch gets the model's error
            for request in batch:
                request.error = error
        finally:  # whatever happened, the next batch gets a leader and every caller wakes up
            with self._lock:
                self.calls += 1
                self.rows += sum(len(r.rows) for r in batch)
                if self._queue:
                    self._queue[0].lead = True
                    self._queue[0].done.set()
                else:
                    self._leading = False
            for request in batch:
                if request.output is None and request.error is None:
                    request.error = RuntimeError("the batch was interrupted")
                request.done.set()
