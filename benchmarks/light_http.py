"""A light HTTP/1.1 client for load generators: one keep-alive connection, cookies, JSON, ~0.1 ms CPU a call.

httpx costs a few ms of CPU per request; on a 2-core machine a crowd of 200 players driven through it
would eat a core that the server under test needs. This client does only what a load test needs:
``GET``/``POST`` with a JSON body, a cookie jar for the server's ``Set-Cookie`` headers, answers with
``Content-Length`` or chunked bodies, and a time-out per request.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class NoAnswer(Exception):
    """The server closed the connection, refused it, or did not answer in time."""


@dataclass(frozen=True)
class Answer:
    """A response: status, headers (lower-case names) and body."""

    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.content)


class LightClient:
    """One keep-alive connection to ``base_url`` with its own cookie jar (one per simulated person)."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout_s = timeout_s
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """Send one request and read its answer; :class:`NoAnswer` when none came in time."""
        try:
            return await asyncio.wait_for(self._exchange(method, path, json, headers or {}), self.timeout_s)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            await self.aclose()
            raise NoAnswer(f"{type(error).__name__}: {error}") from error

    async def _exchange(self, method: str, path: str, body_json: Any, headers: dict[str, str]) -> Answer:
        reused = self._writer is not None and not self._writer.is_closing()
        try:
            return await self._send(method, path, body_json, headers)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            if not reused or (isinstance(error, asyncio.IncompleteReadError) and error.partial):
                raise
            await self.aclose()  # the server closed the idle keep-alive connection: once more, anew
            return await self._send(method, path, body_json, headers)

    async def _send(self, method: str, path: str, body_json: Any, headers: dict[str, str]) -> Answer:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        body = b"" if body_json is None else json.dumps(body_json, separators=(",", ":")).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
        ]
        if body_json is not None:
            lines.append("Content-Type: application/json")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        answer_headers: dict[str, str] = {}
        for line in head[1:]:
            if ":" not in line:
                continue
            name, value = line.split(":", 1)
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._remember(value)
            answer_headers[name] = value
        content = await self._read_body(answer_headers)
        if answer_headers.get("connection", "").lower() == "close":
            await self.aclose()
        return Answer(status, answer_headers, content)

    async def _read_body(self, headers: dict[str, str]) -> bytes:
        assert self._reader is not None
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self._reader.readexactly(size + 2)
                if size == 0:
                    return b"".join(chunks)
                chunks.append(chunk[:-2])
        return await self._reader.readexactly(int(headers.get("content-length", "0")))

    def _remember(self, set_cookie: str) -> None:
        """Keep (or, when it expires now, drop) the cookie of a ``Set-Cookie`` header."""
        pair, *attributes = set_cookie.split(";")
        name, _, value = pair.strip().partition("=")
        expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if expired or value in ("", '""'):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    async def aclose(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
