"""Heavy work of a request (a model run of seconds): off the event loop, a few at a time, stopped if unwanted.

* :func:`slots` — at most ``capacity`` runs at once per server process; one more gets **503 with
  ``Retry-After``** at once (a non-blocking semaphore: a queue of waiting uploads would only hold
  memory and time out). The slot is held until the worker thread is done, even if the client left.
* :func:`run_while_connected` — runs the work in the thread pool with a ``should_stop`` flag that
  turns true once the client has disconnected; the work asks it between steps (tiles) and gives up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import anyio.from_thread
from fastapi import FastAPI, HTTPException, Request
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
CLIENT_CLOSED_REQUEST = 499  # nginx's status for "the client went away first": only the logs see it


class Slots:
    """A non-blocking cap on concurrent runs of one kind of work."""

    def __init__(self, capacity: int, retry_after_s: int, what: str) -> None:
        self.capacity = capacity
        self.retry_after_s = retry_after_s
        self.what = what
        self._semaphore = threading.BoundedSemaphore(capacity)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold a slot for the ``with`` block; 503 with ``Retry-After`` when all are taken."""
        if not self._semaphore.acquire(blocking=False):
            raise HTTPException(
                503,
                f"The server is busy with {self.capacity} other {self.what}; "
                f"try again in {self.retry_after_s} seconds.",
                headers={"Retry-After": str(self.retry_after_s)},
            )
        try:
            yield
        finally:
            self._semaphore.release()


def slots(app: FastAPI, name: str, capacity: int, retry_after_s: int, what: str) -> Slots:
    """The app's :class:`Slots` called ``name``, made on first use (one per app, hence per process)."""
    key = f"slots_{name}"
    found = getattr(app.state, key, None)
    if found is None:  # no await in between: two requests on the one event loop cannot both get here
        found = Slots(capacity, retry_after_s, what)
        setattr(app.state, key, found)
    return found


async def run_while_connected(request: Request, work: Callable[[Callable[[], bool]], T]) -> T:
    """``work(should_stop)`` in the thread pool; ``should_stop()`` is true once the client has gone.

    ``should_stop`` asks the event loop (``request.is_disconnected()``) from the worker thread, so
    the work should call it between steps, not in a tight loop. The await is not cancelled while the
    thread runs (AnyIO waits for it), so a slot held around this call is freed only when work stops.
    """

    def should_stop() -> bool:
        return anyio.from_thread.run(request.is_disconnected)

    return await run_in_threadpool(work, should_stop)
