"""``GET /api/v1/analytics/{words,categories}`` and the ``/analytics`` and ``/words/{word}`` pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.stats_world import played_world


def test_word_stats_rates_medians_and_sorting(client: TestClient, engine: Engine) -> None:
    played_world(engine)
    body = client.get("/api/v1/analytics/words").json()
    assert body["sort"] == "hardest" and body["min_rounds"] == 1
    rows = {r["label"]: r for r in body["words"]}
    assert [r["label"] for r in body["words"]] == ["apple", "cat", "dog"]
    cat = rows["cat"]
    assert (cat["rounds"], cat["recognized"], cat["recognition_rate"]) == (3, 2, 0.6667)
    assert (cat["median_ms"], cat["median_attempts"], cat["category"]) == (6000, 0.5, "Animals")
    assert rows["apple"]["median_ms"] is None
    easiest = client.get("/api/v1/analytics/words", params={"sort": "easiest"}).json()["words"]
    assert [r["label"] for r in easiest] == ["dog", "cat", "apple"]


def test_word_stats_filters(client: TestClient, engine: Engine) -> None:
    world = played_world(engine)
    get = client.get
    by_model = get("/api/v1/analytics/words", params={"model": world.m2}).json()["words"]
    assert {(r["label"], r["rounds"]) for r in by_model} == {("cat", 1), ("apple", 1)}
    animals = get("/api/v1/analytics/words", params={"category": "animals"}).json()["words"]
    assert {r["label"] for r in animals} == {"cat", "dog"}
    busy = get("/api/v1/analytics/words", params={"min_rounds": 2}).json()["words"]
    assert [r["label"] for r in busy] == ["cat"]
    assert get("/api/v1/analytics/words", params={"sort": "sideways"}).status_code == 422
    assert get("/api/v1/analytics/words", params={"min_rounds": 0}).status_code == 422
    assert get("/api/v1/analytics/words", params={"category": "nope"}).status_code == 404
    assert get("/api/v1/analytics/words", params={"model": 12345}).status_code == 404


def test_category_stats(client: TestClient, engine: Engine) -> None:
    world = played_world(engine)
    rows = client.get("/api/v1/analytics/categories").json()["categories"]
    assert [(r["key"], r["rounds"], r["recognized"]) for r in rows] == [
        ("fruit-vegetables", 1, 0),
        ("animals", 4, 3),
    ]
    assert rows[1]["median_ms"] == 4000
    second = client.get("/api/v1/analytics/categories", params={"model": world.m2}).json()["categories"]
    assert [(r["key"], r["rounds"]) for r in second] == [("fruit-vegetables", 1), ("animals", 1)]


def test_the_analytics_page_has_both_charts_and_the_filters(client: TestClient, engine: Engine) -> None:
    world = played_world(engine)
    page = client.get("/analytics")
    assert page.status_code == 200
    assert page.text.count('<svg class="chart"') == 2
    assert "Recognition rate per word, hardest first" in page.text
    assert "Median time to recognition per category" in page.text
    assert 'href="/words/cat"' in page.text and "67 %" in page.text
    assert f'<option value="{world.m2}"' in page.text and 'value="animals"' in page.text
    filtered = client.get("/analytics", params={"model": world.m2, "category": "animals", "sort": "word"})
    assert (
        filtered.status_code == 200 and "dog" not in filtered.text.split("<h2>Words</h2>")[1].split("<h2>")[0]
    )
    assert client.get("/analytics", params={"sort": "bogus"}).status_code == 422


def test_an_empty_analytics_page_says_so(client: TestClient) -> None:
    page = client.get("/analytics")
    assert page.status_code == 200 and "No data yet" in page.text and "No finished rounds" in page.text
    assert "<line" not in page.text and "50 %" not in page.text  # no axis or ticks for no data


def test_the_word_gallery_shows_drawings_and_verdicts(client: TestClient, engine: Engine) -> None:
    played_world(engine)
    page = client.get("/words/cat")
    assert page.status_code == 200
    assert page.text.count('<svg class="ink-svg"') == 3 + 6  # the players' three, then Quick, Draw!'s six
    assert page.text.count('<span class="verdict">Quick, Draw!</span>') == 6 and "CC BY 4.0" in page.text
    assert "recognised in 4.0 s" in page.text and "not recognised" in page.text
    assert client.get("/words/CAT").status_code == 200
    assert client.get("/words/cat", params={"page": 5}).status_code == 200
    missing = client.get("/words/unicorn")
    assert missing.status_code == 404 and "No word" in missing.text
