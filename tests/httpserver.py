"""A local HTTP file server for tests: serves a directory on 127.0.0.1, honours Range, injects faults.

Usage::

    with serve_directory(tmp_path) as server:
        server.cut("big.bin", after_bytes=1000)      # the next GET of big.bin stops after 1000 body bytes
        server.fail("words.txt", status=503)         # the next GET of words.txt answers 503
        download(server.url("big.bin"), ...)
        assert server.requests_for("big.bin")[1].range == "bytes=1000-"

Files are read at request time, so tests may create or change them while the server runs.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]

    @property
    def range(self) -> str | None:
        """The Range header, if any."""
        return self.headers.get("range")


@dataclass
class _Fault:
    status: int | None = None
    cut_after: int | None = None
    times: int = 1


@dataclass
class LocalServer:
    """The running server: its base URL, the requests it saw, and switches for faults."""

    root: Path
    base_url: str = ""
    # when True, Range headers are ignored and every GET answers 200 with the whole file
    ignore_range: bool = False
    requests: list[RecordedRequest] = field(default_factory=list)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, relative: str) -> str:
        """The URL of a file relative to the served directory (URL-quoted)."""
        return f"{self.base_url}/{quote(relative.lstrip('/'))}"

    def fail(self, relative: str, status: int = 500, *, times: int = 1) -> None:
        """Answer the next ``times`` requests for ``relative`` with ``status`` and a short text body."""
        self._add(relative, _Fault(status=status, times=times))

    def cut(self, relative: str, after_bytes: int, *, times: int = 1) -> None:
        """Send full headers but close the next ``times`` responses for ``relative`` after ``after_bytes``."""
        self._add(relative, _Fault(cut_after=after_bytes, times=times))

    def requests_for(self, relative: str) -> list[RecordedRequest]:
        """The requests received for one file, oldest first."""
        wanted = "/" + relative.lstrip("/")
        with self._lock:
            return [request for request in self.requests if request.path == wanted]

    def _add(self, relative: str, fault: _Fault) -> None:
        with self._lock:
            self._faults.setdefault("/" + relative.lstrip("/"), []).append(fault)

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return fault

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _Handler(BaseHTTPRequestHandler):
    server_version = "InklingTestServer/1.0"
    state: LocalServer  # set on a per-server subclass

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests read ``LocalServer.requests`` instead."""

    def do_HEAD(self) -> None:
        """Serve headers only."""
        self._serve(body=False)

    def do_GET(self) -> None:
        """Serve a file, or part of it."""
        self._serve(body=True)

    def _serve(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        headers = {key.lower(): value for key, value in self.headers.items()}
        self.state._record(RecordedRequest(self.command, path, headers))
        fault = self.state._take_fault(path)
        if fault is not None and fault.status is not None:
            self._plain(fault.status, f"injected failure {fault.status}\n", body)
            return
        file = self._file(path)
        if file is None:
            self._plain(HTTPStatus.NOT_FOUND, f"not found: {path}\n", body)
            return
        data = file.read_bytes()
        start, status, data_part = 0, HTTPStatus.OK, data
        requested = None if self.state.ignore_range else headers.get("range")
        if requested:
            match = _RANGE.fullmatch(requested.strip())
            if match and (match.group(1) or match.group(2)):
                if match.group(1):
                    start = int(match.group(1))
                    end = min(int(match.group(2)), len(data) - 1) if match.group(2) else len(data) - 1
                else:
                    start, end = max(len(data) - int(match.group(2)), 0), len(data) - 1
                if start >= len(data) or end < start:
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = HTTPStatus.PARTIAL_CONTENT
                data_part = data[start : end + 1]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data_part)))
        if not self.state.ignore_range:
            self.send_header("Accept-Ranges", "bytes")
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{start + len(data_part) - 1}/{len(data)}")
        self.end_headers()
        if not body:
            return
        if fault is not None and fault.cut_after is not None:
            self.wfile.write(data_part[: fault.cut_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data_part)

    def _file(self, path: str) -> Path | None:
        root = self.state.root.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

    def _plain(self, status: int, text: str, body: bool) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)


@contextmanager
def serve_directory(root: Path, *, ignore_range: bool = False) -> Iterator[LocalServer]:
    """Serve ``root`` on 127.0.0.1 at a free port in a background thread; yields the :class:`LocalServer`."""
    state = LocalServer(root=Path(root), ignore_range=ignore_range)
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    host, port = httpd.server_address[:2]
    state.base_url = f"http://{host}:{port}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="test-http-server", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
