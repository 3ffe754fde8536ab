"""``POST /api/v1/restore`` and the ``/restore`` page: PNG/JPEG in, same-size PNG out; bad uploads get 4xx."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine

from inkling.web.api import restore as restore_api
from tests.api.tables import row_counts


def _image_bytes(fmt: str, size: tuple[int, int] = (37, 29), mode: str = "RGB") -> bytes:
    rng = np.random.default_rng(0)
    array = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).convert(mode).save(buffer, format=fmt)
    return buffer.getvalue()


def _post(client: TestClient, data: bytes, name: str = "frame.png", field: str = "image"):
    return client.post("/api/v1/restore", files={field: (name, data, "application/octet-stream")})


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGB"), ("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "L")])
def test_restores_png_and_jpeg_to_same_size_png(client: TestClient, fmt: str, mode: str) -> None:
    response = _post(client, _image_bytes(fmt, mode=mode))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-inkling-model"].startswith("restore-unet@")
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG" and image.size == (37, 29) and image.mode == "RGB"


def test_bad_uploads_get_4xx_and_nothing_is_stored(client: TestClient, engine: Engine, monkeypatch) -> None:
    assert _post(client, _image_bytes("PNG")).status_code == 200  # registers the shipped model once
    before = row_counts(engine)
    assert _post(client, b"hello, I am text", "notes.txt").status_code == 415
    corrupt = _image_bytes("PNG")[:60]  # a PNG cut short
    response = _post(client, corrupt)
    assert response.status_code == 400 and "decoded" in response.json()["detail"]
    assert _post(client, _image_bytes("JPEG")[:200], "cut.jpg").status_code == 400
    assert _post(client, b"").status_code == 400
    assert _post(client, _image_bytes("PNG"), field="other").status_code == 400
    assert (
        client.post("/api/v1/restore", content=b"raw", headers={"content-type": "image/png"}).status_code
        == 415
    )
    monkeypatch.setattr(restore_api, "MAX_UPLOAD_BYTES", 1000)
    assert _post(client, _image_bytes("PNG", size=(200, 200))).status_code == 413
    assert row_counts(engine) == before


def test_over_10_mb_is_refused(client: TestClient) -> None:
    response = _post(client, b"\0" * (10 * 1024 * 1024 + 100 * 1024))
    assert response.status_code == 413


def test_a_chunked_upload_over_the_limit_is_refused_while_streaming(client: TestClient) -> None:
    def chunks():  # no Content-Length: the server must count what it reads
        for _ in range(400):
            yield b"\0" * 65536  # 25 MB in all

    headers = {"content-type": "multipart/form-data; boundary=x"}
    response = client.post("/api/v1/restore", content=chunks(), headers=headers)
    assert response.status_code == 413 and "large" in response.json()["detail"]


def test_restore_page(client: TestClient) -> None:
    response = client.get("/restore")
    assert response.status_code == 200
    assert 'id="restore-slider"' in response.text and "js/restore.js" in response.text
    assert 'href="/restore"' in response.text
    assert client.get("/static/js/restore.js").status_code == 200


def test_a_clean_frame_comes_back_unchanged(client: TestClient) -> None:
    y, x = np.mgrid[0:96, 0:128].astype(np.float32)
    picture = (np.stack([x / 128, y / 96, 0.5 + 0.3 * np.sin(x / 9)], axis=-1) * 255 + 0.5).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    response = _post(client, buffer.getvalue())
    assert response.status_code == 200, response.text
    with Image.open(io.BytesIO(response.content)) as image:
        assert np.array_equal(np.asarray(image), picture)  # nothing wrong: not a pixel changed
