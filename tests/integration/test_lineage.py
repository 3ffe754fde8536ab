"""The registry's lineage: promote hot-swaps what serving uses, rollback returns to the previous champion."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inkling.cli import app as cli
from inkling.db.engine import session_scope
from inkling.db.models import RegisteredModel, User
from inkling.db.moderation_models import AdminAudit
from inkling.registry import find_model, get_active, register_model
from inkling.services import lineage
from inkling.services.models import PredictorProvider, load_shipped_models
from tests import play_factories as make
from tests.integration.test_models_services import DEFAULT, SQUARE


def _challenger(session: Session) -> RegisteredModel:
    """The shipped default's bytes with its classes reversed (same net, other words), trained "from" it."""
    champion = find_model(session, DEFAULT.name)
    meta = {**champion.meta, "classes": list(reversed(champion.meta["classes"]))}
    model = register_model(session, name="challenger", task="doodle", onnx=champion.onnx, meta=meta)
    metrics = {"benchmark": {"top1": 0.74}, "play": {"top1": 0.66}}
    return lineage.record_lineage(session, model, parent=champion, data_hash="ab" * 32, metrics=metrics)


def _serving(provider: PredictorProvider) -> tuple[str, str]:
    predictor = provider.get("doodle")
    return predictor.model_name, predictor.predict(SQUARE, top=1)[0].word


def test_promote_and_rollback_change_what_serving_uses(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_shipped_models(session)
        challenger_id = _challenger(session).id
    provider = PredictorProvider(engine, check_interval=0.0)  # as a worker does after its interval
    other_worker = PredictorProvider(engine, check_interval=0.0)
    champion_name, champion_word = _serving(provider)
    assert champion_name == DEFAULT.name and _serving(other_worker)[0] == DEFAULT.name

    with session_scope(engine) as session:
        lineage.promote(session, session.get(RegisteredModel, challenger_id), reason="wins both")
    name, word = _serving(provider)
    assert name == "challenger" and word != champion_word  # reversed classes: another word for the square
    assert _serving(other_worker)[0] == "challenger"  # every process sees the swap

    with session_scope(engine) as session:
        current, previous = lineage.rollback(session, "doodle", reason="players complained")
        assert (current.id, previous.name) == (challenger_id, DEFAULT.name)
    assert _serving(provider) == (champion_name, champion_word)
    assert _serving(other_worker)[0] == DEFAULT.name

    with session_scope(engine) as session:
        challenger = session.get(RegisteredModel, challenger_id)
        assert challenger is not None and challenger.parent_id == find_model(session, DEFAULT.name).id
        assert (challenger.decision, challenger.decision_reason) == ("rolled_back", "players complained")
        assert challenger.data_hash == "ab" * 32 and challenger.metrics["benchmark"] == {"top1": 0.74}
        assert get_active(session, "doodle").decision == "champion"
        actions = session.execute(select(AdminAudit.actor, AdminAudit.action, AdminAudit.details)).all()
        assert [(a, b) for a, b, _ in actions] == [("cli", "promote_model"), ("cli", "rollback_model")]
        assert actions[1][2]["to"] == f"{DEFAULT.name} v1"
        with pytest.raises(lineage.NoPreviousChampionError):  # the only champion left is serving
            lineage.rollback(session, "doodle")


def test_rollback_walks_back_through_champions_and_reject_keeps_a_candidate(session: Session) -> None:
    first = make.model(session, "m", 1)
    second, third, loser = (
        make.model(session, "m", 2),
        make.model(session, "m", 3),
        make.model(session, "m", 4),
    )
    for model in (first, second, third):
        lineage.promote(session, model)
    lineage.reject(session, loser, "no better on the benchmark (McNemar p=0.4)")
    assert (loser.decision, loser.is_active) == ("rejected", False)
    with pytest.raises(ValueError, match="serving"):
        lineage.reject(session, third, "too late")
    assert lineage.rollback(session)[1].id == second.id
    assert lineage.rollback(session)[1].id == first.id
    assert [m.decision for m in (first, second, third)] == ["promoted", "rolled_back", "rolled_back"]
    lineage.promote(session, third)  # promoted again after its rollback: a champion like any other
    assert lineage.rollback(session)[1].id == first.id


def test_the_cli_promotes_users_and_models_and_rolls_back(database_url: str, engine: Engine) -> None:
    with session_scope(engine) as session:
        load_shipped_models(session)
        _challenger(session)
        make.user(session, "Alice")
    runner = CliRunner()
    url = ["--database-url", database_url]
    result = runner.invoke(cli, ["users", "promote", "alice", *url])
    assert result.exit_code == 0 and "Alice is now admin" in result.output, result.output
    result = runner.invoke(cli, ["models", "promote", "challenger", "--reason", "better", *url])
    assert result.exit_code == 0 and "challenger v1 is now the doodle champion" in result.output, (
        result.output
    )
    result = runner.invoke(cli, ["learn", "rollback", *url])
    assert result.exit_code == 0, result.output
    assert f"{DEFAULT.name} v1 is the champion again" in result.output
    assert runner.invoke(cli, ["learn", "rollback", *url]).exit_code == 1
    assert runner.invoke(cli, ["users", "promote", "nobody", *url]).exit_code == 1
    assert runner.invoke(cli, ["users", "demote", "alice", *url]).exit_code == 0
    with session_scope(engine) as session:
        assert session.scalar(select(User.role).where(User.username == "Alice")) == "player"
        actions = session.scalars(select(AdminAudit.action).order_by(AdminAudit.id)).all()
        assert actions == ["promote_user", "promote_model", "rollback_model", "demote_user"]
