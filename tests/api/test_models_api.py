"""``GET /api/v1/models``: metadata of registered models, never their bytes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from tests import play_factories as make


def test_models_list_metadata_only(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        make.model(session, "doodlenet", 1, active=True, metrics={"top1": 0.71, "notes": "text"})
        make.model(session, "pack-fashion", 1, pack="fashion", classes=["hat", "shoe"])
        make.model(session, "mnist-cnn", 1, task="digit")
    body = client.get("/api/v1/models", params={"task": "doodle"})
    assert body.status_code == 200
    models = body.json()
    assert [(m["label"], m["active"], m["classes"], m["pack"]) for m in models] == [
        ("doodlenet v1", True, 3, None),
        ("pack-fashion v1", False, 2, "fashion"),
    ]
    assert models[0]["metrics"] == {"top1": 0.71}
    assert "onnx" not in body.text and "sha256" not in body.text
    assert len(client.get("/api/v1/models").json()) == 3
    assert client.get("/api/v1/models", params={"task": "poetry"}).status_code == 422


def test_the_playground_offers_packs_and_the_active_model(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        make.model(session, "doodlenet", 1, active=True)
        make.model(session, "pack-fashion", 1, pack="fashion", classes=["hat", "shoe"])
        make.model(session, "pack-fashion", 2, pack="fashion", classes=["hat", "shoe", "sock"])
    page = client.get("/playground")
    assert page.status_code == 200
    assert "All 3 words (doodlenet v1)" in page.text
    assert page.text.count('<option value="pack-fashion">') == 1 and "3 words" in page.text
    assert 'id="pg-canvas"' in page.text and "js/playground.js" in page.text
    assert page.text.count('<li data-word="">') == 10
