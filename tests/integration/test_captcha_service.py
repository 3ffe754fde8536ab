"""The digit captcha on a real database: timing checks, wrong digits, single use, expiry, rate limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from inkling.db.base import utcnow
from inkling.db.models import CaptchaChallenge
from inkling.inference.digits import DigitGuess, DigitPredictor
from inkling.ink import parse_ink
from inkling.services import captcha
from inkling.services.captcha import (
    CaptchaError,
    issue_challenge,
    solve_challenge,
    timing_problems,
    token_hash,
    verify_captcha_pass,
)
from tests.digit_strokes import human_ink, robot_ink


class FakeDigitPredictor(DigitPredictor):
    """Says ``digit`` with probability 0.97 for any drawing; no ONNX model."""

    def __init__(self, digit: int) -> None:
        self.digit = digit
        self.model_name, self.version = "fake", None

    def predict(self, item: Any) -> DigitGuess:
        probabilities = [0.03 / 9] * 10
        probabilities[self.digit] = 0.97
        return DigitGuess(self.digit, 0.97, probabilities)


def _solve(session: Session, token: str, ink: Any, says: int, **kw: Any) -> captcha.Solved:
    return solve_challenge(session, token, ink, FakeDigitPredictor(says), **kw)


def test_human_timing_passes_and_scripted_timing_does_not() -> None:
    for digit in range(10):
        assert timing_problems(parse_ink(human_ink(digit, seed=digit))) == []
    assert "no timestamps" in timing_problems(parse_ink([[s[0], s[1]] for s in human_ink(1)]))
    assert timing_problems(parse_ink(robot_ink(1, zero_times=True))) == ["all timestamps are zero"]
    regular = timing_problems(parse_ink(robot_ink(7)))
    assert "perfectly uniform sampling intervals" in regular and "constant pen speed" in regular
    fast = human_ink(1)
    fast[0][2] = [t / 100 for t in fast[0][2]]
    assert any("faster than a hand" in p for p in timing_problems(parse_ink(fast)))
    assert any("too few points" in p for p in timing_problems(parse_ink([[[0, 1], [0, 9], [0, 300]]])))


def test_a_solved_challenge_gives_a_one_time_pass(session: Session) -> None:
    issued = issue_challenge(session, "ip:1.2.3.4", digit=1)
    row = session.get(CaptchaChallenge, token_hash(issued.token))
    assert row is not None and row.id != issued.token  # only the hash is stored
    solved = _solve(session, issued.token, human_ink(1), says=1)
    session.commit()
    assert verify_captcha_pass(session, solved.pass_token) is True
    assert verify_captcha_pass(session, solved.pass_token) is False  # consumed
    assert verify_captcha_pass(session, "made-up") is False
    with pytest.raises(CaptchaError) as again:
        _solve(session, issued.token, human_ink(1, seed=5), says=1)
    assert again.value.status == 409


def test_replayed_ink_without_timing_and_wrong_digits_fail_and_count(session: Session) -> None:
    issued = issue_challenge(session, "ip:5.6.7.8", digit=4)
    untimed = [[s[0], s[1]] for s in human_ink(4)]
    with pytest.raises(CaptchaError) as error:
        _solve(session, issued.token, untimed, says=4)
    assert (error.value.status, error.value.reason) == (422, "timing")
    with pytest.raises(CaptchaError) as error:
        _solve(session, issued.token, human_ink(7), says=7)
    assert error.value.reason == "wrong_digit"
    with pytest.raises(CaptchaError) as error:
        _solve(session, issued.token, robot_ink(4), says=4)
    assert error.value.reason == "timing"
    with pytest.raises(CaptchaError) as error:  # the right drawing, but the challenge is used up
        _solve(session, issued.token, human_ink(4), says=4)
    assert (error.value.status, error.value.reason) == (429, "too_many_attempts")


def test_challenges_and_passes_expire(session: Session) -> None:
    issued = issue_challenge(session, "ip:9.9.9.9", digit=1)
    later = utcnow() + captcha.CHALLENGE_TTL + timedelta(seconds=1)
    with pytest.raises(CaptchaError) as error:
        _solve(session, issued.token, human_ink(1), says=1, now=later)
    assert error.value.status == 410
    fresh = issue_challenge(session, "ip:9.9.9.9", digit=1)
    solved = _solve(session, fresh.token, human_ink(1), says=1)
    too_late = utcnow() + captcha.PASS_TTL + timedelta(seconds=1)
    assert verify_captcha_pass(session, solved.pass_token, now=too_late) is False
    assert verify_captcha_pass(session, solved.pass_token) is True


def test_unknown_challenges_are_404(session: Session) -> None:
    with pytest.raises(CaptchaError) as error:
        _solve(session, "nope", human_ink(1), says=1)
    assert error.value.status == 404


def test_failures_are_limited_per_client(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(captcha, "MAX_CLIENT_FAILURES", 4)
    for _ in range(2):
        token = issue_challenge(session, "ip:6.6.6.6", digit=2).token
        for _ in range(2):
            with pytest.raises(CaptchaError):
                _solve(session, token, human_ink(3), says=3)
    token = issue_challenge(session, "ip:7.7.7.7", digit=2).token  # another client is not affected
    assert _solve(session, token, human_ink(2), says=2).pass_token
    with pytest.raises(CaptchaError) as error:
        issue_challenge(session, "ip:6.6.6.6")
    assert error.value.status == 429


def test_challenges_are_limited_per_client(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(captcha, "MAX_CLIENT_CHALLENGES", 3)
    for _ in range(3):
        issue_challenge(session, "ip:8.8.8.8")
    with pytest.raises(CaptchaError) as error:
        issue_challenge(session, "ip:8.8.8.8")
    assert error.value.reason == "rate_limited"
