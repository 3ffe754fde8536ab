"""Room messages fan out within a process and, through PostgreSQL LISTEN/NOTIFY, across processes."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from inkling.db.broadcast import (
    MAX_PAYLOAD,
    SYNC,
    LocalBroadcaster,
    PostgresBroadcaster,
    broadcaster_for,
    pack,
)
from tests.conftest import POSTGRES_URL_ENV, create_postgres_database, drop_postgres_database


def test_payloads_stay_under_the_notify_limit_in_order() -> None:
    messages = [{"type": "ink", "seq": i, "points": [[i, i, i]] * 40} for i in range(60)]
    payloads = pack(7, messages)
    assert len(payloads) > 1 and all(len(p.encode()) <= MAX_PAYLOAD for p in payloads)
    unpacked = [m for p in payloads for m in json.loads(p)["m"]]
    assert unpacked == messages and {json.loads(p)["r"] for p in payloads} == {7}
    huge = {"type": "chat", "text": "é" * MAX_PAYLOAD}
    assert [json.loads(p)["m"] for p in pack(7, [huge])] == [[SYNC]]  # too big alone: resync instead
    assert pack(7, []) == []


def test_the_local_broadcaster_delivers_to_the_rooms_subscribers_only() -> None:
    async def scenario() -> None:
        broadcaster = LocalBroadcaster()
        async with broadcaster.subscribe(1) as one, broadcaster.subscribe(2) as two:
            await broadcaster.publish(1, [{"type": "chat", "id": 1}, {"type": "chat", "id": 2}])
            received = [await one.get(), await one.get()]
            assert received == [{"type": "chat", "id": 1}, {"type": "chat", "id": 2}]
            assert two.drain() == []
            one.put([{"type": "x"}] * 2_000)  # a subscriber that falls behind is told to resync
            assert one.drain() == [SYNC, *[{"type": "x"}] * 999]

    asyncio.run(scenario())
    assert type(broadcaster_for("sqlite:///x.db")) is LocalBroadcaster


@pytest.mark.postgres
def test_postgres_fans_out_across_processes() -> None:
    server = os.environ.get(POSTGRES_URL_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    url = create_postgres_database(server)

    async def scenario() -> None:
        first, second = broadcaster_for(url), PostgresBroadcaster(url)  # two server processes
        assert isinstance(first, PostgresBroadcaster)
        try:
            async with first.subscribe(5) as here, second.subscribe(5) as there, second.subscribe(6) as other:
                messages = [{"type": "ink", "seq": i, "points": [[i, 0, i]] * 50} for i in range(30)]
                await first.publish(5, messages)
                received = [await asyncio.wait_for(there.get(), 5) for _ in messages]
                assert received == messages
                assert [await asyncio.wait_for(here.get(), 5) for _ in messages] == messages
                await second.publish(5, [{"type": "chat", "text": "hi"}])
                assert await asyncio.wait_for(here.get(), 5) == {"type": "chat", "text": "hi"}
                assert other.drain() == []
        finally:
            await first.close()
            await second.close()

    try:
        asyncio.run(scenario())
    finally:
        drop_postgres_database(server, url)
