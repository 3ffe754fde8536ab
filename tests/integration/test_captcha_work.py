"""The captcha without drawing: a self-hosted proof of work, on a real database (SQLite, PostgreSQL)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from inkling.db.models import CaptchaChallenge
from inkling.services.captcha import (
    CaptchaError,
    issue_challenge,
    solve_challenge,
    token_hash,
    verify_captcha_pass,
)
from inkling.services.captcha_work import (
    WORK_BITS,
    issue_work,
    leading_zero_bits,
    solve_work,
    work_digest,
)

CLIENT = "ip:192.0.2.7"


def _nonce(token: str, *, solves: bool = True) -> str:
    """The first nonce that solves (or, with ``solves=False``, fails) the puzzle of ``token``."""
    for n in itertools.count():
        if (leading_zero_bits(work_digest(token, str(n))) >= WORK_BITS) == solves:
            return str(n)
    raise AssertionError("unreachable")


def test_a_solved_puzzle_gives_a_one_time_sign_up_pass(session: Session) -> None:
    issued = issue_work(session, CLIENT)
    assert issued.bits == WORK_BITS and len(issued.token) >= 32
    solved = solve_work(session, issued.token, _nonce(issued.token))
    with pytest.raises(CaptchaError) as again:
        solve_work(session, issued.token, _nonce(issued.token))
    assert again.value.status == 409
    assert verify_captcha_pass(session, solved.pass_token)
    assert not verify_captcha_pass(session, solved.pass_token)


def test_wrong_nonces_count_and_kinds_do_not_mix(session: Session) -> None:
    issued = issue_work(session, CLIENT)
    for _ in range(3):
        with pytest.raises(CaptchaError) as wrong:
            solve_work(session, issued.token, _nonce(issued.token, solves=False))
        assert wrong.value.status == 422 and wrong.value.reason == "no_work"
    with pytest.raises(CaptchaError) as spent:
        solve_work(session, issued.token, _nonce(issued.token))
    assert spent.value.status == 429  # three wrong answers use the challenge up
    drawn = issue_challenge(session, CLIENT, digit=7)
    with pytest.raises(CaptchaError) as kind:
        solve_work(session, drawn.token, "0")
    assert kind.value.status == 409 and kind.value.reason == "wrong_kind"
    work = issue_work(session, CLIENT)
    with pytest.raises(CaptchaError) as drawing:  # a puzzle cannot be solved by drawing a 9 (digit -1)
        solve_challenge(session, work.token, [[[0, 9], [0, 9], [0, 300]]], None)  # type: ignore[arg-type]
    assert drawing.value.status == 409 and drawing.value.reason == "wrong_kind"
    stored = session.get(CaptchaChallenge, token_hash(issued.token))
    assert stored is not None and stored.digit == -1 and stored.pass_hash is None


def test_leading_zero_bits() -> None:
    assert leading_zero_bits(bytes([0, 0, 0x80]) + bytes(29)) == 16
    assert leading_zero_bits(bytes([0x0F]) + bytes(31)) == 4
