"""Play becomes data: each example's evidence, reports that hide drawings, moderation and its audit."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inkling.cli import app as cli
from inkling.db.models import Drawing
from inkling.db.moderation_models import AdminAudit, DrawingReport
from inkling.services import moderation
from inkling.services.collect import UnknownWordError, word_gallery
from inkling.services.examples import Evidence, example_counts, labelled_records, training_examples
from inkling.services.roles import Role, set_role
from tests import play_factories as make

NOW = make.T0 + timedelta(days=1)


def _world(session: Session) -> dict[str, int]:
    """One drawing for every kind of evidence, plus an open round's drawing and a digit."""
    cat, dog = make.word(session, "cat", "animals"), make.word(session, "dog", "animals")
    game = make.game(session, make.user(session, "ann"))
    ids = {
        "contributed": make.drawing(session, cat, source="collect").id,
        "recognised": make.round_(session, game, cat, recognized_ms=1500, with_drawing=True).drawing_id,
        "none": make.round_(session, game, dog, with_drawing=True).drawing_id,
        "confirmed": make.round_(session, game, dog, recognized_ms=900, with_drawing=True).drawing_id,
        "corrected": make.round_(session, game, cat, with_drawing=True).drawing_id,
        "open": make.round_(session, game, cat, with_drawing=True, closed=False).drawing_id,
    }
    make.feedback(session, session.get(Drawing, ids["confirmed"]), dog, confirmed=True)
    make.feedback(session, session.get(Drawing, ids["corrected"]), dog)  # asked cat, it shows a dog
    make.drawing(session, cat, source="digit")
    session.commit()
    return {k: v for k, v in ids.items() if v is not None}


def test_every_closed_round_is_an_example_with_its_evidence(session: Session) -> None:
    ids = _world(session)
    examples = {e.drawing_id: e for e in training_examples(session)}
    expected = {
        ids["contributed"]: ("cat", Evidence.CONTRIBUTED, "collect", None, False),
        ids["recognised"]: ("cat", Evidence.RECOGNISED, "game", "cat", True),
        ids["none"]: ("dog", Evidence.NONE, "game", "dog", False),
        ids["confirmed"]: ("dog", Evidence.CONFIRMED, "game", "dog", True),
        ids["corrected"]: ("dog", Evidence.CORRECTED, "game", "cat", False),
    }
    assert {
        i: (e.word, e.evidence, e.source, e.prompt, e.recognized) for i, e in examples.items()
    } == expected
    assert all(e.ink == make.INK and e.created_at is not None for e in examples.values())
    counts = example_counts(session)
    assert counts.total == 5 and counts.by_word == {"dog": 3, "cat": 2}
    assert counts.by_source[("game", "corrected")] == 1 and counts.by_source[("collect", "contributed")] == 1


def test_the_export_carries_evidence_and_every_round_on_request(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    ids = _world(session)
    labelled = {r["key_id"]: (r["source"], r["evidence"]) for r in labelled_records(session)}
    assert labelled == {
        f"inkling-{ids['contributed']}": ("collect", "contributed"),
        f"inkling-{ids['confirmed']}": ("feedback", "confirmed"),
        f"inkling-{ids['corrected']}": ("feedback", "corrected"),
    }
    out = tmp_path / "all.ndjson"
    args = ["data", "export-drawings", "-o", str(out), "--every-round", "--database-url", database_url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["evidence"] for r in records) == sorted(
        e.value for e in Evidence if e != Evidence.RELABELLED
    )
    assert {r["source"] for r in records} == {"collect", "feedback", "game"}


def test_a_report_hides_a_drawing_from_galleries_and_training(session: Session) -> None:
    ids = _world(session)
    reporter, other = make.user(session, "bob"), make.user(session, guest=True)
    target = ids["recognised"]
    before = [i.drawing_id for i in word_gallery(session, "cat").items]
    assert target in before
    first = moderation.report_drawing(session, target, reporter, "a scribble", NOW)
    again = moderation.report_drawing(session, target, reporter, "still", NOW)
    by_guest = moderation.report_drawing(session, target, other, "", NOW)
    session.commit()
    assert (first.created, again.created, by_guest.created) == (True, False, True)
    assert first.moderation == "reported"
    assert session.scalars(select(DrawingReport.user_id).where(DrawingReport.drawing_id == target)).all() == [
        reporter.id,
        other.id,
    ]
    assert target not in [i.drawing_id for i in word_gallery(session, "cat").items]
    assert word_gallery(session, "cat").total == len(before) - 1
    assert target not in {e.drawing_id for e in training_examples(session)}
    assert target not in {int(r["key_id"].split("-")[1]) for r in labelled_records(session, every_round=True)}
    [queued] = moderation.queue(session)
    assert (queued.drawing_id, queued.word, queued.reports, queued.reasons) == (
        target,
        "cat",
        2,
        ("a scribble",),
    )
    with pytest.raises(moderation.DrawingNotFoundError):
        moderation.report_drawing(session, 10**6, reporter, "", NOW)


def test_reports_are_rate_limited_per_player(session: Session) -> None:
    cat = make.word(session, "cat")
    drawings = [make.drawing(session, cat, source="collect") for _ in range(moderation.REPORTS_PER_HOUR + 1)]
    player = make.user(session, "carol")
    for drawing in drawings[:-1]:
        moderation.report_drawing(session, drawing.id, player, "", NOW)
    with pytest.raises(moderation.TooManyReportsError) as refused:
        moderation.report_drawing(session, drawings[-1].id, player, "", NOW + timedelta(minutes=10))
    assert refused.value.retry_after == 50 * 60
    later = NOW + timedelta(hours=1, seconds=1)  # the first reports are over an hour old
    assert moderation.report_drawing(session, drawings[-1].id, player, "", later).created


def test_hide_keep_relabel_are_audited_and_decide_training(session: Session) -> None:
    ids = _world(session)
    admin = make.user(session, "root")
    set_role(session, "ROOT", Role.ADMIN)
    reporter = make.user(session, "dan")
    for key in ("recognised", "none", "contributed"):
        moderation.report_drawing(session, ids[key], reporter, "", NOW)
    assert moderation.flag_drawings(session, [ids["confirmed"], ids["recognised"]]) == 1  # reported stays
    assert moderation.pending_count(session) == 4
    moderation.hide(session, ids["recognised"], admin)
    moderation.keep(session, ids["none"], admin)
    moderation.relabel(session, ids["contributed"], "dog", admin)
    with pytest.raises(UnknownWordError):
        moderation.relabel(session, ids["confirmed"], "unicorn", admin)
    session.commit()
    examples = {e.drawing_id: (e.word, e.evidence) for e in training_examples(session)}
    assert ids["recognised"] not in examples and ids["confirmed"] not in examples  # hidden; flagged
    assert examples[ids["none"]] == ("dog", Evidence.NONE)
    assert examples[ids["contributed"]] == ("dog", Evidence.RELABELLED)
    assert [i.drawing_id for i in moderation.queue(session)] == [ids["confirmed"]]
    rows = session.scalars(select(AdminAudit).order_by(AdminAudit.id)).all()
    assert [(r.actor, r.action, r.target) for r in rows] == [
        ("cli", "promote_user", "user:root"),
        ("root", "hide_drawing", f"drawing:{ids['recognised']}"),
        ("root", "keep_drawing", f"drawing:{ids['none']}"),
        ("root", "relabel_drawing", f"drawing:{ids['contributed']}"),
    ]
    assert rows[-1].details == {"from": "reported", "word_from": "cat", "word_to": "dog"}
    assert rows[1].actor_id == admin.id and rows[0].details == {"from": "player", "to": "admin"}
