"""The captcha's alternative that needs no drawing: a self-hosted proof of work, solved by the page.

For keyboard and screen-reader users (and anyone who cannot draw a digit): the server issues a random
token and a difficulty; the browser searches a ``nonce`` such that SHA-256(``token:nonce``) starts
with ``WORK_BITS`` zero bits (about 2^17 hashes: a second or two of a phone's time) and sends it back.
No third party is involved. It shares the digit captcha's table (``digit`` = ``WORK_DIGIT``), its
per-client limits, its expiry and its single-use pass, so sign-up takes either pass.

Threat model: it costs a script CPU time per account and obeys the same rate limits; it proves
nothing about being human (nor does the digit, see README "Captcha").
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from inkling.db.base import utcnow
from inkling.db.models import CaptchaChallenge
from inkling.services.captcha import (
    CHALLENGE_TTL,
    MAX_ATTEMPTS,
    CaptchaError,
    Solved,
    check_client_limits,
    fail_attempt,
    issue_pass,
    open_challenge,
    token_hash,
)

WORK_BITS = 17  # leading zero bits the hash needs: 2^17 tries on average
WORK_DIGIT = -1  # captcha_challenges.digit of a proof-of-work challenge (digits are 0..9)
MAX_NONCE_LENGTH = 32  # a nonce is a short decimal or hex string


@dataclass(frozen=True)
class IssuedWork:
    """A proof-of-work challenge: the token (also the puzzle), the difficulty, its expiry."""

    token: str
    bits: int
    expires_at: datetime


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits ``digest`` starts with."""
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def work_digest(token: str, nonce: str) -> bytes:
    """SHA-256 of ``token:nonce`` (UTF-8): what the page computes."""
    return hashlib.sha256(f"{token}:{nonce}".encode()).digest()


def issue_work(session: Session, client_key: str, *, now: datetime | None = None) -> IssuedWork:
    """A new proof-of-work challenge for ``client_key`` (429 under the captcha's per-client limits)."""
    now = now or utcnow()
    check_client_limits(session, client_key, now)
    token = secrets.token_urlsafe(24)
    challenge = CaptchaChallenge(
        id=token_hash(token), digit=WORK_DIGIT, client_key=client_key[:128], created_at=now,
        expires_at=now + CHALLENGE_TTL, attempts=0,
    )  # fmt: skip
    session.add(challenge)
    session.flush()
    return IssuedWork(token, WORK_BITS, challenge.expires_at)


def solve_work(session: Session, token: str, nonce: str, *, now: datetime | None = None) -> Solved:
    """Check the page's nonce for challenge ``token``; a one-time sign-up pass on success.

    A wrong nonce counts as a failed attempt (``MAX_ATTEMPTS`` per challenge); the caller commits the
    session even when this raises. A digit challenge cannot be solved this way, nor this one by drawing.
    """
    now = now or utcnow()
    challenge = open_challenge(session, token, now)
    if challenge.digit != WORK_DIGIT:
        raise CaptchaError(409, "wrong_kind", "this challenge asks for a drawn digit, not a proof of work")
    if not nonce or len(nonce) > MAX_NONCE_LENGTH:
        raise fail_attempt(session, challenge, "no_work", f"a nonce is 1 to {MAX_NONCE_LENGTH} characters")
    if leading_zero_bits(work_digest(token, nonce)) < WORK_BITS:
        left = MAX_ATTEMPTS - challenge.attempts - 1
        message = f"that nonce does not solve the puzzle ({left} attempts left)"
        raise fail_attempt(session, challenge, "no_work", message)
    return issue_pass(session, challenge, now)
