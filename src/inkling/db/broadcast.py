"""Fan-out of room messages to every open connection, in whichever server process it lives.

* :class:`LocalBroadcaster` — one process: a message published is put on the queue of each
  subscription to its room. Enough for SQLite (one server process).
* :class:`PostgresBroadcaster` — any number of processes on one PostgreSQL: a message is published
  with ``NOTIFY inkling_rooms`` and every process ``LISTEN`` s on one connection of its own and hands
  what arrives to its local subscriptions. Payloads stay under PostgreSQL's 8000-byte limit: messages
  are packed several to a notification, and one too big alone travels as ``{"type": "sync"}`` (the
  receivers reload the room from the database, which always holds the truth).

A subscription that falls behind (its queue is full), or that may have missed messages (the listening
connection was lost), gets ``{"type": "sync"}`` instead. Both are asyncio-only: call them from the
event loop (from a worker thread, through ``anyio.from_thread.run``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from inkling.db.engine import normalise_url

CHANNEL = "inkling_rooms"
MAX_PAYLOAD = 7_900  # bytes of one NOTIFY payload (PostgreSQL refuses 8000 and more)
QUEUE_SIZE = 1_000  # messages a subscription may fall behind before it is told to resync
LISTEN_READY_S = 10.0  # how long a new subscription waits for the listening connection
RECONNECT_S = 1.0  # pause before the listening connection is opened again after a failure
SYNC: dict[str, Any] = {"type": "sync"}

log = logging.getLogger(__name__)


class Message(dict):
    """A room message as published (a ``dict``), with its JSON for the browsers encoded once per process."""

    __slots__ = ("_wire",)
    PRIVATE = ("to", "by")  # routing fields: who may see it, whose ink it is; never sent

    def wire(self) -> str:
        """The message as sent to a browser: compact JSON without the routing fields (cached)."""
        try:
            return self._wire
        except AttributeError:
            public = {k: v for k, v in self.items() if k not in self.PRIVATE}
            self._wire = json.dumps(public, separators=(",", ":"), ensure_ascii=False)
            return self._wire


class Subscription:
    """The messages of one room for one connection, in order."""

    def __init__(self, room_id: int) -> None:
        self.room_id = room_id
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._loop = asyncio.get_running_loop()

    def put(self, messages: Sequence[dict[str, Any]]) -> None:
        """Queue ``messages`` (from any thread); a full queue is emptied and told to resync."""
        try:
            same_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            self._put(messages)
        else:
            self._loop.call_soon_threadsafe(self._put, list(messages))

    def _put(self, messages: Sequence[dict[str, Any]]) -> None:
        for message in messages:
            try:
                self.queue.put_nowait(message)
            except asyncio.QueueFull:
                while not self.queue.empty():
                    self.queue.get_nowait()
                self.queue.put_nowait(SYNC)

    async def get(self) -> dict[str, Any]:
        """The next message (waits for one)."""
        return await self.queue.get()

    def drain(self) -> list[dict[str, Any]]:
        """Every message queued now, without waiting."""
        found = []
        while not self.queue.empty():
            found.append(self.queue.get_nowait())
        return found


class LocalBroadcaster:
    """Fan-out within this process."""

    def __init__(self) -> None:
        self._rooms: dict[int, set[Subscription]] = {}

    async def publish(self, room_id: int, messages: Sequence[dict[str, Any]]) -> None:
        """Deliver ``messages`` to every subscription of ``room_id``."""
        if messages:
            self.deliver(room_id, messages)

    def deliver(self, room_id: int, messages: Sequence[dict[str, Any]]) -> None:
        """Hand messages to this process's subscriptions of ``room_id`` (as :class:`Message` s)."""
        subscribers = tuple(self._rooms.get(room_id, ()))
        if subscribers:
            shared = [m if isinstance(m, Message) else Message(m) for m in messages]
            for subscription in subscribers:
                subscription.put(shared)

    def resync_all(self) -> None:
        """Tell every subscription here to reload its room."""
        for room_id in tuple(self._rooms):
            self.deliver(room_id, [SYNC])

    async def ready(self) -> None:
        """Wait until published messages reach this process's subscriptions (at once here)."""

    @contextlib.asynccontextmanager
    async def subscribe(self, room_id: int) -> AsyncIterator[Subscription]:
        """A subscription to ``room_id``'s messages while the block runs."""
        await self.ready()
        subscription = Subscription(room_id)
        self._rooms.setdefault(room_id, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._rooms.get(room_id, set())
            subscribers.discard(subscription)
            if not subscribers:
                self._rooms.pop(room_id, None)

    async def close(self) -> None:
        """Release what the broadcaster holds."""


def pack(room_id: int, messages: Sequence[dict[str, Any]], limit: int = MAX_PAYLOAD) -> list[str]:
    """NOTIFY payloads ``{"r": room, "m": [...]}`` of at most ``limit`` bytes, in order."""
    payloads: list[str] = []
    batch: list[str] = []

    def flush() -> None:
        if batch:
            payloads.append(f'{{"r":{room_id},"m":[{",".join(batch)}]}}')
            batch.clear()

    overhead = len(f'{{"r":{room_id},"m":[]}}')
    for message in messages:
        encoded = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
        if len(encoded.encode()) + overhead > limit:
            encoded = json.dumps(SYNC)
        size = overhead + sum(len(b.encode()) + 1 for b in batch)
        if batch and size + len(encoded.encode()) > limit:
            flush()
        batch.append(encoded)
    flush()
    return payloads


class PostgresBroadcaster(LocalBroadcaster):
    """Fan-out across processes through PostgreSQL ``LISTEN``/``NOTIFY`` (one listening connection each)."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        url = make_url(normalise_url(database_url)).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._publisher: psycopg.AsyncConnection[Any] | None = None
        self._publish_lock = asyncio.Lock()

    async def ready(self) -> None:
        """Start listening (once) and wait until the LISTEN is in place."""
        if self._listener is None or self._listener.done():
            self._listening = asyncio.Event()
            self._listener = asyncio.create_task(self._listen(), name="inkling-rooms-listen")
        await asyncio.wait_for(self._listening.wait(), LISTEN_READY_S)

    async def publish(self, room_id: int, messages: Sequence[dict[str, Any]]) -> None:
        """NOTIFY every process (this one too) of ``messages``."""
        payloads = pack(room_id, messages)
        if not payloads:
            return
        async with self._publish_lock:
            for attempt in (1, 2):
                try:
                    if self._publisher is None or self._publisher.closed:
                        self._publisher = await psycopg.AsyncConnection.connect(
                            self._conninfo, autocommit=True
                        )
                    async with self._publisher.cursor() as cursor:
                        for payload in payloads:
                            await cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
                    return
                except psycopg.Error as error:
                    self._publisher = None
                    if attempt == 2:
                        log.warning("room messages were not published: %s", error)

    async def _listen(self) -> None:
        """Keep one connection listening; hand every notification to the local subscriptions."""
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self.resync_all()  # whatever was published while no one listened is in the database
                    async for notification in connection.notifies():
                        self._receive(notification.payload)
            except psycopg.Error as error:
                log.warning("room messages: the listening connection failed (%s); reconnecting", error)
            self._listening.clear()
            self.resync_all()
            await asyncio.sleep(RECONNECT_S)

    def _receive(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            self.deliver(int(data["r"]), data["m"])
        except (ValueError, KeyError, TypeError):
            log.warning("room messages: an unreadable notification was ignored")

    async def close(self) -> None:
        """Stop listening and close both connections."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        if self._publisher is not None:
            await self._publisher.close()


def broadcaster_for(database_url: str) -> LocalBroadcaster:
    """PostgreSQL's LISTEN/NOTIFY for a PostgreSQL database, else in-process fan-out."""
    if make_url(normalise_url(database_url)).get_backend_name() == "postgresql":
        return PostgresBroadcaster(database_url)
    return LocalBroadcaster()
