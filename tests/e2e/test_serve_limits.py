"""Limits that only a real server shows: a restore whose client has gone stops and frees its slot."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from inkling.web.api.restore import MAX_CONCURRENT
from tests.e2e.live import live_server
from tests.picture_files import real_png

BOUNDARY = "inkling-test-boundary"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `inkling serve` with the shipped models registered."""
    workdir: Path = tmp_path_factory.mktemp("serve")
    with live_server(workdir, setup=(("db", "upgrade"), ("models", "load"))) as base_url:
        yield base_url


def _restore(server: str, png: bytes) -> httpx.Response:
    return httpx.post(f"{server}/api/v1/restore", files={"image": ("f.png", png, "image/png")}, timeout=60)


def _send_restore_and_leave_open(server: str, png: bytes) -> socket.socket:
    """Send a whole restore request over a raw socket and return it without reading the answer."""
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="f.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + png
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    head = (
        "POST /api/v1/restore HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    address = urlsplit(server)
    sock = socket.create_connection((address.hostname, address.port))
    sock.sendall(head.encode() + body)
    return sock


def _wait_for(server: str, status: int, seconds: float) -> float:
    """Poll a small restore until it answers ``status``; returns how long that took."""
    small, started = real_png(32, 32), time.monotonic()
    while (answer := _restore(server, small).status_code) != status:
        assert answer in (200, 503), answer
        assert time.monotonic() - started < seconds, f"still {answer} after {seconds} s"
        time.sleep(0.2)
    return time.monotonic() - started


def test_a_restore_stops_when_its_client_disconnects(server: str) -> None:
    assert _restore(server, real_png(32, 32)).status_code == 200  # the model is loaded
    big = real_png(3000, 3000)  # 25 tiles: tens of seconds of work for each of the two
    sockets = [_send_restore_and_leave_open(server, big) for _ in range(MAX_CONCURRENT)]
    _wait_for(server, 503, seconds=30)  # every slot is taken: the next one is refused at once
    for sock in sockets:
        sock.close()
    freed = _wait_for(server, 200, seconds=8)  # each stops after its current tile
    assert freed < 8
