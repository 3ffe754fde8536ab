"""Collected drawings: storing, the per-word gallery, and the ndjson export (service and CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inkling.cli import app as cli
from inkling.datasets.quickdraw import drawing_format, read_drawings
from inkling.db.models import Drawing
from inkling.ink import InkError, parse_ink
from inkling.services.collect import UnknownWordError, store_collected, word_gallery
from inkling.services.examples import export_ndjson, labelled_records
from tests import play_factories as make


def test_store_collected_validates_and_counts(session: Session) -> None:
    make.word(session, "cat", "animals")
    player = make.user(session, "alice")
    stored = store_collected(session, word="  CAT ", raw_ink=make.INK, user=player)
    assert (stored.source, stored.word.text, stored.user_id) == ("collect", "cat", player.id)
    assert (stored.stroke_count, stored.point_count) == (2, 5)
    assert stored.ink == make.INK
    with pytest.raises(UnknownWordError):
        store_collected(session, word="unicorn", raw_ink=make.INK, user=player)
    for bad in ([], [[[1, 2], [1, 2], [5, 4]]], [[[1, 2], [1, 2]]]):  # empty, time going back, no times
        with pytest.raises(InkError):
            store_collected(session, word="cat", raw_ink=bad, user=player)
    assert session.scalar(select(func.count(Drawing.id))) == 1


def test_gallery_pages_game_and_collected_drawings_with_verdicts(session: Session) -> None:
    cat, dog = make.word(session, "cat", "animals"), make.word(session, "dog", "animals")
    game = make.game(session, make.user(session))
    hit = make.round_(session, game, cat, recognized_ms=2500, with_drawing=True)
    miss = make.round_(session, game, cat, with_drawing=True)
    collected = make.drawing(session, cat, source="collect")
    make.drawing(session, dog, source="collect")
    make.drawing(session, cat, source="digit")  # never shown
    session.commit()
    first = word_gallery(session, "cat", per_page=2)
    assert (first.total, first.pages, first.word.text) == (3, 2, "cat")
    assert [i.drawing_id for i in first.items] == [collected.id, miss.drawing_id]
    assert [i.recognized for i in first.items] == [None, False]
    second = word_gallery(session, "cat", page=2, per_page=2)
    assert [(i.drawing_id, i.recognized, i.recognized_ms) for i in second.items] == [
        (hit.drawing_id, True, 2500)
    ]
    assert word_gallery(session, "cat", page=9, per_page=2).items == []


def _labelled(session: Session) -> dict[str, int]:
    """A collected drawing, a corrected and a confirmed game drawing, and an unlabelled one."""
    cat, dog = make.word(session, "cat", "animals"), make.word(session, "dog", "animals")
    game = make.game(session, make.user(session))
    collected = make.drawing(session, cat, source="collect")
    corrected = make.round_(session, game, cat, with_drawing=True)  # the model missed; it was a dog
    confirmed = make.round_(session, game, dog, recognized_ms=1000, with_drawing=True)
    make.round_(session, game, dog, with_drawing=True)  # nobody labelled it: not exported
    make.feedback(session, session.get(Drawing, corrected.drawing_id), cat)  # a first, wrong label
    make.feedback(session, session.get(Drawing, corrected.drawing_id), dog)  # the latest wins
    make.feedback(session, session.get(Drawing, confirmed.drawing_id), dog, confirmed=True)
    session.commit()
    return {"collected": collected.id, "corrected": corrected.drawing_id, "confirmed": confirmed.drawing_id}


def test_labelled_records_are_quickdraw_raw_records(session: Session) -> None:
    ids = _labelled(session)
    records = list(labelled_records(session))
    assert [(r["key_id"], r["word"], r["source"], r["recognized"]) for r in records] == [
        (f"inkling-{ids['collected']}", "cat", "collect", False),
        (f"inkling-{ids['corrected']}", "dog", "feedback", False),
        (f"inkling-{ids['confirmed']}", "dog", "feedback", True),
    ]
    assert all(r["timestamp"].endswith(" UTC") and r["countrycode"] == "" for r in records)


@pytest.mark.parametrize("name", ["out.ndjson", "out.ndjson.gz"])
def test_export_round_trips_through_the_quickdraw_reader(session: Session, tmp_path: Path, name: str) -> None:
    _labelled(session)
    path = tmp_path / name
    assert export_ndjson(session, path) == {"collect": 1, "feedback": 2}
    records = read_drawings(path)
    assert [r["word"] for r in records] == ["cat", "dog", "dog"]
    for record in records:
        assert drawing_format(record) == "raw"
        assert parse_ink(record["drawing"], strict_times=True).to_lists() == make.INK
    assert [r["word"] for r in read_drawings(path, words="dog")] == ["dog", "dog"]


def test_the_cli_exports(database_url: str, session: Session, tmp_path: Path) -> None:
    _labelled(session)
    out = tmp_path / "labelled.ndjson.gz"
    result = CliRunner().invoke(
        cli, ["data", "export-drawings", "--out", str(out), "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "3 drawings (1 collect, 2 feedback)" in result.output
    assert len(read_drawings(out)) == 3
    plain = tmp_path / "plain.ndjson"
    CliRunner().invoke(cli, ["data", "export-drawings", "-o", str(plain), "--database-url", database_url])
    assert [json.loads(line)["source"] for line in plain.read_text().splitlines()] == [
        "collect",
        "feedback",
        "feedback",
    ]
