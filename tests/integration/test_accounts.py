"""Account services on a real database: guests, sign-up races, rehash on log-in, sessions, pruning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inkling.db.models import LoginAttempt, User, WebSession
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
