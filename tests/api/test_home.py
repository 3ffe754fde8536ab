"""The home page and the health endpoint read the real database."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_reports_the_loaded_words(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["words"] == 345


def test_home_page_lists_the_categories(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "345 words in 16 categories" in response.text
    assert "Animals" in response.text


def test_static_assets_are_served(client: TestClient) -> None:
    response = client.get("/static/inkling.css")
    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/v1/health" in client.get("/openapi.json").json()["paths"]
