"""Styles on a word's gallery page: "N ways people draw a <word>", each with its most typical drawings."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.services.models import load_shipped_models
from tests import play_factories as make
from tests.loop_world import future_drawings


def test_gallery_shows_the_ways_people_draw_a_word(
    client: TestClient, engine: Engine, data_dir: Path
) -> None:
    with session_scope(engine) as session:
        load_shipped_models(session)
        apple = make.word(session, "apple")
        ids = {}
        for word, ink in future_drawings(data_dir, ["apple", "star"], 12):  # stars drawn for "apple"
            drawing = make.drawing(session, apple, source="collect")
            drawing.ink = ink
            session.flush()
            ids[drawing.id] = word
    page = client.get("/words/apple")
    assert page.status_code == 200 and "3 ways people draw an apple" in page.text
    styles = page.text.split('<ol class="styles">')[1].split("</ol>")[0].split('<li class="style">')[1:]
    sizes = [int(re.search(r"(\d+) drawings?<", s).group(1)) for s in styles]  # type: ignore[union-attr]
    assert sum(sizes) == 24 and sizes == sorted(sizes, reverse=True)
    shown = [[ids[int(i)] for i in re.findall(r"drawing (\d+)</title>", s)] for s in styles]
    assert all(1 <= len(words) <= 3 for words in shown)
    assert any(set(words) == {"star"} for words in shown)  # the stars form a way of their own
    assert "ways people draw" not in client.get("/words/apple?page=2").text
