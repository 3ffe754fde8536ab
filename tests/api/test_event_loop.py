"""No blocking work on the event loop, and a database outage answers 503 with Retry-After."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from inkling.db.engine import BlockingDatabaseCall, PoolSize, SqliteWriteGate, make_engine
from inkling.web.app import create_app
from inkling.web.deps import get_session
from tests.api.conftest import seeded_client
from tests.conftest import app_settings


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every ``APIRoute`` of an app, also inside included routers (FastAPI keeps those apart)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        original = getattr(route, "original_router", None)
        if original is not None:
            yield from _api_routes(original.routes)


def test_no_async_dependency_or_route_receives_a_database_session(tmp_path: Path) -> None:
    """An ``async def`` runs on the event loop: none of them may be handed the synchronous DB session.

    (A plain-def dependency that uses the session runs in the thread pool and may feed an async one;
    anything that still reaches the database from the loop is caught by the serving engine's guard,
    ``test_a_statement_on_the_event_loop_raises``, in every API test.)
    """
    app = create_app(app_settings(f"sqlite:///{tmp_path / 'x.db'}"))
    routes = list(_api_routes(app.routes))
    assert len(routes) > 40  # the walk reaches the routers' routes
    assert any(inspect.iscoroutinefunction(d.call) for r in routes for d in _dependants(r.dependant))
    offenders = []
    for route in routes:
        for dependant in _dependants(route.dependant):
            call: Callable | None = dependant.call
            if call is None or not inspect.iscoroutinefunction(call):
                continue
            direct = [d for d in dependant.dependencies if d.call is get_session]
            if direct:
                offenders.append(f"{route.path}: {call.__qualname__}")
    assert offenders == []


def test_a_statement_on_the_event_loop_raises(tmp_path: Path) -> None:
    """The serving engine refuses any statement run on a thread with a running event loop."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", PoolSize(size=2, overflow=1, timeout_s=1))

    async def on_the_loop() -> None:
        with engine.connect() as connection:
            connection.execute(text("select 1"))

    with pytest.raises(BlockingDatabaseCall):
        asyncio.run(on_the_loop())
    with engine.connect() as connection:  # off the loop it works
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_an_unreachable_database_answers_503_with_retry_after_fast() -> None:
    """Nothing listens on the database's port: 503 + Retry-After within the connect timeout, JSON and HTML."""
    app = create_app(app_settings("postgresql://postgres@127.0.0.1:9/nowhere"))
    with TestClient(app, raise_server_exceptions=False) as client:
        started = time.monotonic()
        response = client.get("/api/v1/health")
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert "try again" in response.json()["detail"]
        page = client.get("/play")
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert time.monotonic() - started < 15


def test_a_busy_pool_answers_503_instead_of_waiting_forever(database_url: str, engine: Engine) -> None:
    """Every pooled connection held elsewhere: the request gives up after the pool timeout with 503."""
    overrides = {"threads": 1, "db_pool_timeout": 0.5}
    with seeded_client(database_url, engine, **overrides) as client:
        sessions = client.app.state.sessions
        held: list[Session] = []
        for _ in range(2):  # the pool's one connection and its one overflow
            session = sessions()
            session.execute(text("select 1"))
            held.append(session)
        try:
            response = client.get("/api/v1/health")
            assert response.status_code == 503
            assert response.headers["retry-after"].isdigit()
        finally:
            for session in held:
                session.close()
        assert client.get("/api/v1/health").status_code == 200


def test_a_statement_past_the_lock_timeout_answers_503_and_stores_nothing(
    database_url: str, engine: Engine
) -> None:
    """A round's row is locked by another transaction for longer than the lock timeout: 503, not a hang."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks with lock_timeout are PostgreSQL's")
    with seeded_client(database_url, engine) as client:
        csrf = client.post("/api/v1/auth/guest").json()["csrf_token"]
        headers = {"X-CSRF-Token": csrf}
        game = client.post("/api/v1/games", json={"category": None}, headers=headers).json()
        with engine.connect() as blocker:
            blocker.execute(text("select id from games where id = :id for update"), {"id": game["id"]})
            started = time.monotonic()
            response = client.post(f"/api/v1/games/{game['id']}/rounds", headers=headers)
            waited = time.monotonic() - started
            blocker.rollback()
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert waited < 14
        with engine.connect() as connection:
            rounds = connection.execute(text("select count(*) from rounds")).scalar()
        assert rounds == 0
        assert client.post(f"/api/v1/games/{game['id']}/rounds", headers=headers).status_code == 201


def test_requests_keep_flowing_while_a_slow_request_holds_a_thread(database_url: str, engine: Engine) -> None:
    """A request stuck on a lock does not block the event loop: health answers meanwhile."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    with seeded_client(database_url, engine) as client:
        csrf = client.post("/api/v1/auth/guest").json()["csrf_token"]
        headers = {"X-CSRF-Token": csrf}
        game = client.post("/api/v1/games", json={"category": None}, headers=headers).json()
        results: dict[str, int] = {}
        with engine.connect() as blocker:
            blocker.execute(text("select id from games where id = :id for update"), {"id": game["id"]})

            def start_round() -> None:
                results["round"] = client.post(
                    f"/api/v1/games/{game['id']}/rounds", headers=headers
                ).status_code

            worker = threading.Thread(target=start_round)
            worker.start()
            time.sleep(0.5)
            started = time.monotonic()
            assert client.get("/api/v1/health").status_code == 200
            assert time.monotonic() - started < 2
            blocker.rollback()
        worker.join(timeout=30)
        assert results["round"] == 201


def test_sqlite_writers_of_one_process_take_turns(tmp_path: Path) -> None:
    """A second writer waits for the first one's commit instead of failing; past the wait: the 503 error."""
    gate = SqliteWriteGate(timeout_s=0.3)
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    gate.install(engine)
    with engine.begin() as connection:
        connection.execute(text("create table t (n integer)"))
    order: list[str] = []
    first = engine.connect()
    first.execute(text("insert into t values (1)"))

    def second_writer() -> None:
        with engine.begin() as connection:
            connection.execute(text("insert into t values (2)"))
        order.append("second committed")

    worker = threading.Thread(target=second_writer)
    worker.start()
    time.sleep(0.1)
    order.append("first commits")
    first.commit()
    worker.join(timeout=10)
    assert order == ["first commits", "second committed"]
    first.execute(text("insert into t values (3)"))  # holds the gate again
    with pytest.raises(PoolTimeoutError), engine.begin() as connection:
        connection.execute(text("insert into t values (4)"))
    first.rollback()
    first.close()
    with engine.connect() as connection:
        assert sorted(connection.execute(text("select n from t")).scalars()) == [1, 2]
    engine.dispose()
