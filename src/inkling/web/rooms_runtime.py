"""What a server process needs to run rooms: the broadcaster, the rooms' clock, the ink writer, and a way
to call services.

The process keeps no room state: :class:`RoomRuntime` fans out messages (``inkling.db.broadcast``)
and, once the process serves a room connection, runs two tasks: the rooms' clock — every :data:`TICK_S`
it claims the rooms whose clock is due (any room: processes share the work through the database) and
advances them — and the ink writer, which stores the drawers' operations that came in while it was
storing the previous ones in one transaction (in order: a busy process commits far less often than
it receives strokes). Both work in the thread pool, never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio.from_thread
import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker

from inkling.db.broadcast import LocalBroadcaster
from inkling.services.doodles import doodle_predictor, guess_doodle
from inkling.services.models import PredictorProvider
from inkling.services.room_clock import Ranked, advance_room, claim_due_rooms
from inkling.services.room_ink import PendingInk, add_ink

TICK_S = 0.2  # how often a process looks for rooms whose clock is due
MODEL_TOP = 5  # ranked guesses the model gives per look
ROOMS_AT_ONCE = 4  # rooms a process advances side by side (the model's looks batch together)
INK_BACKLOG = (
    4_096  # drawing operations queued in a process before connections stop reading (TCP pushes back)
)
INK_BATCH = 256  # operations stored in one transaction at most
T = TypeVar("T")

log = logging.getLogger(__name__)


class RoomRuntime:
    """The broadcaster, the clock and the thread-pool bridge of one server process."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        predictors: PredictorProvider,
        broadcaster: LocalBroadcaster,
        state: Any,
    ) -> None:
        """``state`` is the app's state: tests set its ``clock`` (and ``rng``) to control time."""
        self.sessions = sessions
        self.predictors = predictors
        self.broadcaster = broadcaster
        self.state = state
        self._tasks: list[asyncio.Task[None]] = []
        self._ink: tuple[Any, Any] | None = None  # the ink queue's two ends, made on the event loop

    def now(self) -> datetime:
        """The server's time (``app.state.clock`` when a test set one)."""
        clock = getattr(self.state, "clock", None)
        return clock() if clock is not None else datetime.now(UTC)

    def rng(self) -> random.Random:
        """The word picker (``app.state.rng`` when a test set one)."""
        return getattr(self.state, "rng", None) or random.Random()

    def predict(self, ink: list[Any]) -> Ranked:
        """The model's ranked guesses for raw ink (thread pool only)."""
        found = guess_doodle(doodle_predictor(self.predictors), ink, top=MODEL_TOP)
        return [(guess.word, guess.probability) for guess in found.guesses]

    async def in_thread(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in the thread pool with a new session, committed when it returns."""

        def run() -> T:
            with self.sessions() as session:
                result = work(session)
                session.commit()
                return result

        return await anyio.to_thread.run_sync(run)

    async def publish(self, room_id: int, messages: list[dict[str, Any]]) -> None:
        """Send ``messages`` to the room's connections, in every process."""
        await self.broadcaster.publish(room_id, messages)

    def publish_from_thread(self, room_id: int, messages: list[dict[str, Any]]) -> None:
        """:meth:`publish` from a request's worker thread (after its commit)."""
        if messages:
            anyio.from_thread.run(self.publish, room_id, messages)

    def start(self) -> None:
        """Run the rooms' clock and the ink writer in this process from now on (the first connection does)."""
        if not self._tasks or any(task.done() for task in self._tasks):
            for task in self._tasks:
                task.cancel()
            self._ink = anyio.create_memory_object_stream[PendingInk | anyio.Event](INK_BACKLOG)
            self._tasks = [
                asyncio.create_task(self._run_clock(), name="inkling-rooms-clock"),
                asyncio.create_task(self._write_ink(self._ink[1]), name="inkling-rooms-ink"),
            ]

    async def store_ink(self, pending: PendingInk) -> None:
        """Queue a drawing operation for the ink writer (waits while the queue is full)."""
        assert self._ink is not None, "start() first"
        await self._ink[0].send(pending)

    async def ink_stored(self) -> None:
        """Wait until every operation queued so far is stored and published."""
        assert self._ink is not None, "start() first"
        stored = anyio.Event()
        await self._ink[0].send(stored)
        await stored.wait()

    def _store(self, pending: list[PendingInk]) -> dict[int, list[dict[str, Any]]]:
        """Store the operations in one transaction (thread pool); their messages by room."""
        try:
            with self.sessions() as session:
                stored = add_ink(session, pending, self.now())
                session.commit()
                return stored
        except Exception:  # an outage loses these strokes, not the writer
            log.exception("%s drawing operations could not be stored", len(pending))
            return {}

    async def _write_ink(self, queue: Any) -> None:
        async for first in queue:
            batch = [first]
            while len(batch) < INK_BATCH:
                try:
                    batch.append(queue.receive_nowait())
                except anyio.WouldBlock:
                    break
            pending = [item for item in batch if isinstance(item, PendingInk)]
            if pending:
                stored = await anyio.to_thread.run_sync(lambda pending=pending: self._store(pending))
                for room_id, messages in stored.items():
                    await self.publish(room_id, messages)
            for item in batch:
                if isinstance(item, anyio.Event):
                    item.set()

    async def tick(self) -> None:
        """Advance every room whose clock is due now, and publish what changed."""
        now = self.now()
        claimed = await self.in_thread(lambda session: claim_due_rooms(session, now))
        rng, side_by_side = self.rng(), anyio.Semaphore(ROOMS_AT_ONCE)

        async def advance(room_id: int) -> None:
            try:
                async with side_by_side:  # in the request threads: never more connections than the pool has
                    messages = await anyio.to_thread.run_sync(
                        lambda: advance_room(self.sessions, room_id, now, self.predict, rng)
                    )
                await self.publish(room_id, messages)
            except Exception:  # this room is tried again when its claim runs out; the others go on
                log.exception("room %s: its clock failed", room_id)

        async with anyio.create_task_group() as tasks:
            for room_id in claimed:
                tasks.start_soon(advance, room_id)

    async def _run_clock(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # an outage must not stop the clock for good
                log.exception("the rooms' clock failed; trying again")
            await asyncio.sleep(TICK_S)

    async def close(self) -> None:
        """Stop the clock, the ink writer and the broadcaster."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.broadcaster.close()
