"""``GET /api/v1/categories`` and ``GET /api/v1/words``."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_categories_with_counts(client: TestClient) -> None:
    categories = client.get("/api/v1/categories").json()
    assert len(categories) >= 10
    animals = next(c for c in categories if c["slug"] == "animals")
    assert animals["name"] == "Animals" and animals["word_count"] > 10 and animals["description"]
    assert sum(c["word_count"] for c in categories) == 345


def test_words_all_and_by_category(client: TestClient) -> None:
    words = client.get("/api/v1/words").json()
    assert len(words) == 345 and {"text", "category", "category_name"} == set(words[0])
    animals = client.get("/api/v1/words", params={"category": "animals"}).json()
    assert animals and all(w["category"] == "animals" for w in animals)
    assert [w["text"] for w in animals] == sorted(w["text"] for w in animals)
    assert "cat" in {w["text"] for w in animals}
    missing = client.get("/api/v1/words", params={"category": "nope"})
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
