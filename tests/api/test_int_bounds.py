"""Integer parameters are bounded to the id columns (``web.params``): out of range is 422, never 500.

On PostgreSQL ``model=2147483648`` used to reach a 32-bit ``INTEGER`` comparison and answer 500.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.web.params import MAX_DB_ID
from tests.api.tables import row_counts

HUGE = 2058366673972236910592
QUERY_IDS = [
    "/api/v1/analytics/categories?model=",
    "/api/v1/analytics/words?model=",
    "/api/v1/leaderboard?model=",
]
PAGE_QUERY_IDS = ["/leaderboard?model=", "/analytics?model="]
PATH_IDS = ["/api/v1/games/", "/games/", "/play/"]
POST_PATH_IDS = ["/api/v1/games/{}/rounds", "/api/v1/rounds/{}/ink", "/api/v1/rounds/{}/finish"]


@pytest.mark.parametrize("prefix", QUERY_IDS + PAGE_QUERY_IDS + PATH_IDS)
def test_ids_out_of_range_are_422(client: TestClient, engine: Engine, prefix: str) -> None:
    before = row_counts(engine)
    for value in (MAX_DB_ID + 1, HUGE, 0, -1):
        response = client.get(f"{prefix}{value}")
        assert response.status_code == 422, (prefix, value, response.text)
    assert row_counts(engine) == before


@pytest.mark.parametrize("prefix", QUERY_IDS)
def test_the_largest_id_is_a_plain_404(client: TestClient, prefix: str) -> None:
    response = client.get(f"{prefix}{MAX_DB_ID}")
    assert response.status_code == 404 and "no model" in response.json()["detail"]


@pytest.mark.parametrize("path", POST_PATH_IDS)
def test_posts_to_ids_out_of_range_are_422(client: TestClient, engine: Engine, path: str) -> None:
    before = row_counts(engine)
    for value in (MAX_DB_ID + 1, HUGE):
        response = client.post(path.format(value), json={"ink": []})
        assert response.status_code == 422, (path, value, response.text)
    assert row_counts(engine) == before


def test_counts_and_pages_out_of_range_are_422(client: TestClient, engine: Engine) -> None:
    before = row_counts(engine)
    for url in (
        f"/api/v1/analytics/words?min_rounds={HUGE}",
        f"/api/v1/leaderboard?limit={HUGE}",
        f"/words/cat?page={HUGE}",
        f"/analytics?min_rounds={HUGE}",
    ):
        assert client.get(url).status_code == 422, url
    guess = client.post("/api/v1/doodles/guess", json={"ink": [], "top": HUGE})
    assert guess.status_code == 422
    assert row_counts(engine) == before
