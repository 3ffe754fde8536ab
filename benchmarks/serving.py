"""A real ``inkling serve`` for benchmarks: a fresh SQLite file or PostgreSQL database, any source tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from inkling.db.engine import normalise_url

INKLING = [sys.executable, "-m", "inkling"]
SETUP = (("db", "upgrade"), ("words", "load"), ("models", "load"))  # what `make run` does before serving
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def source_tree(rev: str | None) -> Iterator[Path | None]:
    """The ``src`` folder of git revision ``rev`` unpacked in a temporary folder (``None``: this tree)."""
    if rev is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", rev, "src"], cwd=REPO, check=True, capture_output=True
        ).stdout
        tar_path = Path(tmp) / "src.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / "src"


@contextmanager
def fresh_database(kind: str, workdir: Path, postgres_url: str) -> Iterator[str]:
    """A new, empty database: a SQLite file in ``workdir``, or a throwaway database on ``postgres_url``."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'inkling.db'}"
        return
    name = f"inkling_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalise_url(postgres_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux ``/proc``)."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for task in tasks for c in (task / "children").read_text().split()]
    except OSError:
        return []


def process_tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants (Linux ``/proc``).

    With ``--workers N`` the request handling happens in the server's child processes: they count.
    """
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        pending.extend(_children(current))
    return total


@dataclass
class Server:
    """A running server: its URL, its process, and how long it took to stop (after ``stop``)."""

    url: str
    process: subprocess.Popen
    stop_seconds: float | None = None
    killed: bool = False

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server's processes (workers included)."""
        return process_tree_cpu_s(self.process.pid)

    def stop(self, grace_s: float = 30.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited within ``grace_s``; records how long it took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.killed = True
        self.stop_seconds = time.monotonic() - started


@contextmanager
def serve(
    database_url: str,
    workdir: Path,
    *,
    workers: int = 1,
    source: Path | None = None,
    env: dict[str, str] | None = None,
    startup_s: float = 60.0,
) -> Iterator[Server]:
    """Set the database up like ``make run`` and serve it (from ``source``, else this tree) on a free port."""
    variables = {**os.environ, "INKLING_DATABASE_URL": database_url, **(env or {})}
    if source is not None:
        variables["PYTHONPATH"] = str(source)
    for args in SETUP:
        subprocess.run([*INKLING, *args], env=variables, check=True, cwd=workdir, capture_output=True)
    port = free_port()
    command = [*INKLING, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    log = (workdir / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(command, env=variables, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            try:
                httpx.get(f"{server.url}/api/v1/health", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        if server.stop_seconds is None:
            server.stop()
        log.close()
