"""Account services on a real database: guests, sign-up races, rehash on log-in, sessions, pruning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inkling.db.models import DigitDrawing, Drawing, Game, LoginAttempt, User, WebSession
from inkling.services import accounts, captcha
from tests.digit_strokes import human_ink
from tests.integration.test_captcha_service import FakeDigitPredictor

NOW = datetime(2030, 1, 1, tzinfo=UTC)
FAST = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
PASSWORD = "a fine password"
NO_CAPTCHA = {"captcha_required": False}  # these tests are about accounts, not the captcha


def test_usernames_are_unique_in_any_case_in_the_database(session: Session) -> None:
    session.add(User(username="Zoe"))
    session.commit()
    session.add(User(username="zOE"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    with pytest.raises(accounts.AlreadyTaken):
        accounts.signup(session, FAST, username="ZOE", password=PASSWORD, now=NOW, **NO_CAPTCHA)


def test_log_in_rehashes_when_the_parameters_change(session: Session) -> None:
    user = accounts.signup(session, FAST, username="uma", password=PASSWORD, now=NOW, **NO_CAPTCHA)
    session.commit()
    old_hash = user.password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    again = accounts.authenticate(
        session, stronger, username="UMA", password=PASSWORD, client_ip="10.0.0.1", now=NOW
    )
    session.commit()
    assert again.id == user.id and again.password_hash != old_hash
    assert not stronger.check_needs_rehash(again.password_hash)
    assert again.last_login_at is not None
    attempts = session.scalars(select(LoginAttempt)).all()
    assert [(a.key, a.success) for a in attempts] == [("user:uma", True)]


def test_guests_cannot_log_in_and_convert_in_place(session: Session) -> None:
    guest = accounts.create_guest(session, now=NOW)
    session.commit()
    assert guest.username.startswith("guest-") and len(guest.username) == 12 and guest.is_guest
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate(session, FAST, username=guest.username, password="", client_ip="x", now=NOW)
    account = accounts.signup(
        session, FAST, username="vic", password=PASSWORD, guest=guest, now=NOW, **NO_CAPTCHA
    )
    session.commit()
    assert account is guest and session.scalars(select(User)).one().username == "vic"


def test_session_tokens_are_hashed_expire_and_are_pruned(session: Session) -> None:
    user = accounts.signup(session, FAST, username="wendy", password=PASSWORD, now=NOW, **NO_CAPTCHA)
    issued = accounts.issue_session(session, user, now=NOW, user_agent="x" * 1000)
    session.commit()
    assert issued.record.id == accounts.hash_token(issued.token) != issued.token
    assert len(issued.record.user_agent) == accounts.USER_AGENT_MAX_LENGTH
    assert accounts.load_session(session, issued.token, now=NOW + timedelta(minutes=1)) == (
        issued.record,
        False,
    )
    assert accounts.load_session(session, "forged", now=NOW) == (None, False)
    later = accounts.issue_session(session, user, now=NOW)
    session.commit()
    assert accounts.prune_sessions(session, now=NOW + timedelta(days=15)) == 2
    session.commit()
    assert accounts.load_session(session, later.token, now=NOW) == (None, False)
    assert session.scalars(select(WebSession)).all() == []


def test_signup_consumes_a_captcha_pass_when_it_is_required(session: Session) -> None:
    with pytest.raises(accounts.CaptchaRefused):
        accounts.signup(session, FAST, username="xena", password=PASSWORD, now=NOW)
    session.rollback()
    issued = captcha.issue_challenge(session, "ip:9.9.9.9", now=NOW, digit=1)
    solved = captcha.solve_challenge(session, issued.token, human_ink(1), FakeDigitPredictor(1), now=NOW)
    answer = {"captcha_pass": solved.pass_token}
    user = accounts.signup(session, FAST, username="xena", password=PASSWORD, captcha=answer, now=NOW)
    assert user.id is not None and not user.is_guest
    with pytest.raises(accounts.CaptchaRefused, match="already used"):
        accounts.signup(session, FAST, username="yara", password=PASSWORD, captcha=answer, now=NOW)


def test_a_merged_guest_hands_over_everything_it_owns(session: Session) -> None:
    account = accounts.signup(session, FAST, username="xena", password=PASSWORD, now=NOW, **NO_CAPTCHA)
    guest = accounts.create_guest(session, now=NOW)
    session.flush()
    session.add_all([
        Game(user_id=guest.id, rounds_total=3, score=5),
        Drawing(ink=[], user_id=guest.id, source="game", stroke_count=0, point_count=0),
        DigitDrawing(ink=[], prediction=3, probabilities=[1.0], user_id=guest.id),
    ])  # fmt: skip
    accounts.issue_session(session, guest, now=NOW)
    session.commit()
    guest_id = guest.id
    assert accounts.merge_guest(session, account, guest) == 0  # only a guest merges into an account
    assert accounts.merge_guest(session, guest, account) == 3
    session.commit()
    assert session.get(User, guest_id) is None and session.scalars(select(WebSession)).all() == []
    for model in (Game, Drawing, DigitDrawing):
        assert session.scalars(select(model.user_id)).all() == [account.id]


def test_only_old_idle_guests_that_never_played_are_pruned(session: Session) -> None:
    old, player, active, young = (accounts.create_guest(session, now=NOW) for _ in range(4))
    young.created_at = NOW + timedelta(days=29)
    session.flush()
    session.add(Game(user_id=player.id, rounds_total=3, score=0))
    accounts.issue_session(session, active, now=NOW + timedelta(days=25))
    accounts.issue_session(session, old, now=NOW)  # long expired by then
    account = accounts.signup(session, FAST, username="yuri", password=PASSWORD, now=NOW, **NO_CAPTCHA)
    session.commit()
    later = NOW + timedelta(days=31)
    assert accounts.prune_guests(session, now=later, older_than=timedelta(days=30)) == 1
    session.commit()
    left = {user.id for user in session.scalars(select(User))}
    assert left == {player.id, active.id, young.id, account.id}


def test_db_prune_command_deletes_expired_sessions_and_idle_guests(database_url: str, engine: Engine) -> None:
    from typer.testing import CliRunner

    from inkling.cli import app
    from inkling.db.engine import session_scope

    long_ago = datetime.now(UTC) - timedelta(days=60)
    with session_scope(engine) as session:
        accounts.issue_session(session, accounts.create_guest(session, now=long_ago), now=long_ago)
        accounts.create_guest(session, now=datetime.now(UTC))
    result = CliRunner().invoke(app, ["db", "prune", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "deleted 1 expired sessions and 1 guests" in result.output
    with session_scope(engine) as session:
        assert len(session.scalars(select(User)).all()) == 1
