"""Uploaded pictures are refused from their header's size before decoding (restore and digit APIs).

A 16 KB PNG of 16,777,216x1 pixels held a restore worker 8+ minutes at 13 GB; a 20000x20000 PNG to
the digit API was a 500 and a reset connection. Both APIs share ``services.pictures.open_picture``.
"""

from __future__ import annotations

import inspect
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.web.api import digits as digits_api
from inkling.web.api import restore as restore_api
from inkling.web.heavy import slots
from tests.api.tables import row_counts
from tests.picture_files import png_claiming, real_png

RESTORE = "/api/v1/restore"
DIGITS = "/api/v1/digits/predict"


def _post(client: TestClient, url: str, data: bytes) -> httpx.Response:
    return client.post(url, files={"image": ("frame.png", data, "image/png")})


@pytest.fixture
def warm(client: TestClient) -> TestClient:
    """The client once both shipped models are registered (the first use stores their rows)."""
    assert _post(client, RESTORE, real_png(32, 32)).status_code == 200
    assert _post(client, DIGITS, real_png(28, 28)).status_code == 200
    return client


def test_the_16_mebipixel_strip_is_refused_at_once(warm: TestClient, engine: Engine) -> None:
    strip = real_png(16_777_216, 1)
    assert len(strip) < 100_000  # tiny on the wire
    before = row_counts(engine)
    for url in (RESTORE, DIGITS):
        started = time.monotonic()
        response = _post(warm, url, strip)
        assert response.status_code == 422, response.text
        assert "16777216x1" in response.json()["detail"]
        assert time.monotonic() - started < 2
    assert row_counts(engine) == before


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (5000, 5000), (4097, 4096)])
def test_too_many_pixels_is_413_from_the_header(
    warm: TestClient, engine: Engine, width: int, height: int
) -> None:
    before = row_counts(engine)
    for url in (RESTORE, DIGITS):
        response = _post(warm, url, png_claiming(width, height))
        assert response.status_code == 413, response.text
        assert "pixels" in response.json()["detail"]
    assert row_counts(engine) == before


def test_shape_limits_and_their_edges(warm: TestClient, engine: Engine) -> None:
    before = row_counts(engine)
    refused = {
        RESTORE: [(15, 15), (340, 20), (20, 340), (16_777_216, 1)],  # a side < 16 px, or over 16:1
        DIGITS: [(7, 7), (28, 460), (1, 28)],  # a side < 8 px, or over 16:1
    }
    for url, sizes in refused.items():
        for width, height in sizes:
            answer = _post(warm, url, png_claiming(width, height))
            assert answer.status_code == 422, (url, width, height, answer.text)
    assert row_counts(engine) == before
    assert _post(warm, RESTORE, real_png(320, 20)).status_code == 200  # exactly 16:1
    assert _post(warm, RESTORE, real_png(16, 16)).status_code == 200
    assert _post(warm, DIGITS, real_png(8, 128)).status_code == 200


def test_a_busy_server_answers_503_with_retry_after(warm: TestClient, engine: Engine) -> None:
    busy = slots(warm.app, "restore", restore_api.MAX_CONCURRENT, restore_api.BUSY_RETRY_AFTER_S, "")
    frame = real_png(64, 48)
    with busy.hold(), busy.hold():  # two restores in progress
        response = _post(warm, RESTORE, frame)
        assert response.status_code == 503
        assert response.headers["retry-after"] == str(restore_api.BUSY_RETRY_AFTER_S)
        assert "busy" in response.json()["detail"]
        assert _post(warm, RESTORE, png_claiming(9, 9)).status_code == 422  # bad uploads still say why
    assert _post(warm, RESTORE, frame).status_code == 200


def test_no_database_session_is_handed_to_the_event_loop() -> None:
    """Restore is ``async`` (it asks whether its client is gone) but takes no session; digits is a ``def``."""
    assert "session" not in inspect.signature(restore_api.restore).parameters
    assert not inspect.iscoroutinefunction(digits_api.predict)
