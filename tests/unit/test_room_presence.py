"""Who counts as present in a room: connected and seen lately, or lost moments ago (a reload)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inkling.db.room_models import RoomPlayer
from inkling.game.room_settings import ONLINE_GRACE_MS
from inkling.services.room_store import STALE_CONNECTION_MS, is_online

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def _seen(ms_ago: int, connections: int) -> RoomPlayer:
    return RoomPlayer(connections=connections, seen_at=NOW - timedelta(milliseconds=ms_ago))


def test_presence_follows_the_connections_and_their_heartbeats() -> None:
    assert is_online(_seen(STALE_CONNECTION_MS, connections=1), NOW)  # an open connection beats on time
    assert not is_online(_seen(STALE_CONNECTION_MS + 1, connections=1), NOW)  # its process died
    assert is_online(_seen(ONLINE_GRACE_MS, connections=0), NOW)  # a reload in progress
    assert not is_online(_seen(ONLINE_GRACE_MS + 1, connections=0), NOW)  # gone
    assert not is_online(RoomPlayer(connections=0, seen_at=None), NOW)  # never connected
    naive = RoomPlayer(connections=1, seen_at=(NOW - timedelta(seconds=1)).replace(tzinfo=None))  # SQLite
    assert is_online(naive, NOW)
