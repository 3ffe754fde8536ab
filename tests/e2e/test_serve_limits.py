"""Limits that only a real server shows.

* A restore whose client has gone stops and frees its slot.
* ``X-Forwarded-For`` is ignored unless ``inkling serve --forwarded-allow-ips`` names the proxy: a
  client rotating the header cannot dodge the per-address log-in limit.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from inkling.services.accounts import MAX_FAILURES_PER_IP
from inkling.web.api.restore import MAX_CONCURRENT
from tests.e2e.live import live_server
from tests.picture_files import real_png

BOUNDARY = "inkling-test-boundary"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `inkling serve` with the shipped models registered (default options), and its database."""
    workdir: Path = tmp_path_factory.mktemp("serve")
    with live_server(workdir, setup=(("db", "upgrade"), ("models", "load"))) as base_url:
        yield base_url, workdir / "inkling.db"


@pytest.fixture(scope="module")
def server(served: tuple[str, Path]) -> str:
    """The default server's base URL."""
    return served[0]


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


def _wait_for(server: str, status: int, seconds: float) -> None:
    """Poll with a small restore until it answers ``status``; fail after ``seconds``."""
    small, started = real_png(32, 32), time.monotonic()
    while (answer := _restore(server, small).status_code) != status:
        assert answer in (200, 503), answer
        assert time.monotonic() - started < seconds, f"still {answer} after {seconds} s"
        time.sleep(0.2)


def test_a_restore_stops_when_its_client_disconnects(server: str) -> None:
    assert _restore(server, real_png(32, 32)).status_code == 200  # the model is loaded
    big = real_png(3000, 3000)  # measuring its damage and 25 tiles: seconds of work for each of the two
    sockets = [_send_restore_and_leave_open(server, big) for _ in range(MAX_CONCURRENT)]
    _wait_for(server, 503, seconds=60)  # every slot is taken: the next one is refused at once
    for sock in sockets:
        sock.close()
    # each stops after its current tile (a second or two; all 25 would take half a minute or more)
    _wait_for(server, 200, seconds=15)


@pytest.fixture(scope="module")
def trusting_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `inkling serve --forwarded-allow-ips 127.0.0.1` (a proxy on this host), and its database."""
    workdir: Path = tmp_path_factory.mktemp("proxied")
    options = ("--forwarded-allow-ips", "127.0.0.1")
    with live_server(workdir, setup=(("db", "upgrade"),), serve_args=options) as base_url:
        yield base_url, workdir / "inkling.db"


def _client_key(server: str, database: Path, forwarded_for: str) -> str:
    """The client key the server stored for a captcha challenge asked for with ``X-Forwarded-For``."""
    issued = httpx.post(f"{server}/api/v1/captcha", headers={"X-Forwarded-For": forwarded_for})
    assert issued.status_code == 201, issued.text
    with sqlite3.connect(database) as connection:
        query = "SELECT client_key FROM captcha_challenges ORDER BY id DESC LIMIT 1"
        return connection.execute(query).fetchone()[0]


def _failed_logins_from_rotating_addresses(server: str) -> list[int]:
    """One more wrong log-in than an address may fail, each naming another forwarded address."""
    statuses = []
    for number in range(MAX_FAILURES_PER_IP + 1):
        headers = {"X-Forwarded-For": f"203.0.113.{number + 1}"}
        body = {"username": f"nobody{number}", "password": "not the password"}
        statuses.append(httpx.post(f"{server}/api/v1/auth/login", json=body, headers=headers).status_code)
    return statuses


def test_forwarded_headers_are_ignored_by_default(served: tuple[str, Path]) -> None:
    server, database = served
    assert _client_key(server, database, "203.0.113.7") == "ip:127.0.0.1"
    statuses = _failed_logins_from_rotating_addresses(server)
    assert statuses == [401] * MAX_FAILURES_PER_IP + [429]  # all counted under the peer, 127.0.0.1


def test_a_named_proxy_is_believed(trusting_server: tuple[str, Path]) -> None:
    server, database = trusting_server
    assert _client_key(server, database, "203.0.113.7") == "ip:203.0.113.7"
    statuses = _failed_logins_from_rotating_addresses(server)
    assert statuses == [401] * (MAX_FAILURES_PER_IP + 1)  # each under its own forwarded address
