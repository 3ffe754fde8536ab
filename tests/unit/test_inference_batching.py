"""MicroBatcher: concurrent callers share model calls, each gets its own rows, nobody waits for nothing."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from inkling.inference.batching import MicroBatcher


class Model:
    """A stand-in model: doubles its input, remembers the batch sizes, can be slow or fail once."""

    def __init__(self, delay: float = 0.0, fail_first: bool = False) -> None:
        self.delay = delay
        self.fail_first = fail_first
        self.sizes: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with self.lock:
            self.sizes.append(len(x))
            first = len(self.sizes) == 1
        time.sleep(self.delay)
        if self.fail_first and first:
            raise RuntimeError("the model broke")
        return x * 2


def test_a_lone_caller_runs_at_once() -> None:
    model = Model()
    batcher = MicroBatcher(model, max_wait=5.0)
    started = time.perf_counter()
    with batcher.incoming() as slot:
        out = slot.run(np.arange(6.0).reshape(2, 3))
    assert time.perf_counter() - started < 1.0  # nobody else announced: no waiting for company
    assert out.tolist() == [[0, 2, 4], [6, 8, 10]] and model.sizes == [2]
    assert batcher.run(np.ones((1, 3))).tolist() == [[2, 2, 2]]  # without an announcement too


def test_concurrent_callers_share_calls_and_each_gets_its_own_rows() -> None:
    model = Model(delay=0.05)  # slow enough that callers queue up behind a running batch
    batcher = MicroBatcher(model, max_batch=8, max_wait=0.01)

    def call(index: int) -> np.ndarray:
        with batcher.incoming() as slot:
            return slot.run(np.full((1 + index % 2, 4), float(index)))

    with ThreadPoolExecutor(max_workers=24) as pool:
        outputs = list(pool.map(call, range(24)))
    for index, out in enumerate(outputs):
        assert out.shape == (1 + index % 2, 4) and (out == 2 * index).all()
    assert sum(model.sizes) == 36 == batcher.rows
    assert len(model.sizes) < 24 and max(model.sizes) > 2  # calls were shared
    assert max(model.sizes) <= 8  # never more than max_batch rows
    assert batcher.calls == len(model.sizes)


def test_a_batch_waits_for_an_announced_caller() -> None:
    model = Model()
    batcher = MicroBatcher(model, max_wait=2.0)
    ready = threading.Event()
    results: dict[str, np.ndarray] = {}

    def slow_preparer() -> None:
        with batcher.incoming() as slot:
            ready.set()
            time.sleep(0.1)  # still preparing its rows when the other caller's batch starts
            results["slow"] = slot.run(np.ones((1, 2)))

    thread = threading.Thread(target=slow_preparer)
    thread.start()
    ready.wait()
    with batcher.incoming() as slot:
        results["fast"] = slot.run(np.zeros((1, 2)))
    thread.join()
    assert model.sizes == [2]  # one call for both
    assert results["fast"].tolist() == [[0, 0]] and results["slow"].tolist() == [[2, 2]]


def test_a_caller_that_gives_up_does_not_hold_the_batch() -> None:
    model = Model()
    batcher = MicroBatcher(model, max_wait=5.0)
    with pytest.raises(ValueError), batcher.incoming():
        raise ValueError("bad ink")  # announced, then failed before it had rows
    started = time.perf_counter()
    assert batcher.run(np.ones((1, 1))).tolist() == [[2]]
    assert time.perf_counter() - started < 1.0


def test_a_model_error_reaches_every_caller_of_its_batch_and_the_next_batch_runs() -> None:
    model = Model(delay=0.05, fail_first=True)
    batcher = MicroBatcher(model, max_wait=0.01)

    def call(index: int) -> float | str:
        try:
            return float(batcher.run(np.full((1, 1), float(index)))[0, 0])
        except RuntimeError as error:
            return str(error)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(call, range(6)))
    assert answers.count("the model broke") == model.sizes[0] >= 1  # exactly the callers of the first batch
    assert all(answer == 2 * index for index, answer in enumerate(answers) if answer != "the model broke")
    assert batcher.run(np.ones((1, 1))).tolist() == [[2]]  # and the batcher still works


def test_big_inputs_run_directly() -> None:
    model = Model()
    batcher = MicroBatcher(model, max_batch=4)
    assert batcher.run(np.ones((10, 1))).shape == (10, 1)
    assert model.sizes == [10] and batcher.calls == 0


@pytest.mark.parametrize(("max_batch", "max_wait"), [(0, 0.001), (4, -1.0)])
def test_bad_settings_are_refused(max_batch: int, max_wait: float) -> None:
    with pytest.raises(ValueError):
        MicroBatcher(Model(), max_batch=max_batch, max_wait=max_wait)
