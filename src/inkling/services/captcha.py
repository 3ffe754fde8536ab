"""A "draw this digit" captcha: issue a challenge, check a timed drawing, hand out a one-time pass.

The server keeps only SHA-256 hashes of the challenge token and of the pass. A solve must (1) carry
plausible human timing (``timing_problems``) and (2) be read by the digit model as the asked digit
with enough confidence. Failed solves are limited per challenge and per client; a challenge solves
once, expires, and its pass is consumed by ``verify_captcha_pass`` (sign-up). See README "Captcha".
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inkling.db.base import utcnow
from inkling.db.models import CaptchaChallenge
from inkling.inference.digits import DigitPredictor
from inkling.ink import Ink, InkError, parse_ink

CHALLENGE_TTL = timedelta(minutes=5)  # a challenge must be solved within this
PASS_TTL = timedelta(minutes=10)  # a pass must be used (by sign-up) within this
MAX_ATTEMPTS = 3  # failed solves allowed per challenge
CLIENT_WINDOW = timedelta(minutes=15)  # window of the per-client limits
MAX_CLIENT_FAILURES = 10  # failed solves per client in the window
MAX_CLIENT_CHALLENGES = 30  # challenges issued per client in the window
MIN_CONFIDENCE = 0.6  # the model must give the asked digit at least this probability
MIN_POINTS = 8  # fewer points than this is not a hand-drawn digit
MIN_DURATION_MS = 150.0  # first to last point; faster than this is not a hand
MAX_DURATION_MS = 60_000.0  # a single digit drawn over more than a minute is not plausible either
MIN_INTERVAL_CV = 0.02  # sampling intervals more regular than this (std / mean) look scripted
MIN_SPEED_CV = 0.1  # pen speed more constant than this (std / mean) looks scripted


class CaptchaError(Exception):
    """A solve or issue refused; ``status`` is the HTTP status that fits, ``reason`` a stable code."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Issued:
    """A new challenge: the token the client keeps (the URL id), the digit to draw, its expiry."""

    token: str
    digit: int
    expires_at: datetime


@dataclass(frozen=True)
class Solved:
    """A solved challenge: the one-time pass and its expiry."""

    pass_token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    """Hex SHA-256 of a token (what the database stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def timing_problems(ink: Ink) -> list[str]:
    """Why the timing of ``ink`` does not look like a person drawing (empty when it does)."""
    strokes = list(ink)
    if any(stroke.ts is None for stroke in strokes):
        return ["no timestamps"]
    points = sum(len(stroke) for stroke in strokes)
    if points < MIN_POINTS:
        return [f"too few points ({points} < {MIN_POINTS})"]
    ts = np.concatenate([stroke.ts for stroke in strokes])  # type: ignore[misc]
    if not ts.any():
        return ["all timestamps are zero"]
    problems = []
    if (np.diff(ts) < 0).any():
        problems.append("timestamps go back in time")
    duration = float(ts.max() - ts.min())
    if duration < MIN_DURATION_MS:
        problems.append(f"drawn in {duration:.0f} ms, faster than a hand")
    if duration > MAX_DURATION_MS:
        problems.append(f"drawn over {duration / 1000:.0f} s")
    intervals = np.concatenate([np.diff(stroke.ts) for stroke in strokes])  # type: ignore[arg-type]
    steps = np.concatenate([np.hypot(np.diff(s.xs), np.diff(s.ys)) for s in strokes])
    if len(intervals) >= 5:
        if np.count_nonzero(intervals == 0) > len(intervals) // 2:
            problems.append("most points share a timestamp")
        mean = float(intervals.mean())
        if mean > 0 and float(intervals.std()) / mean < MIN_INTERVAL_CV:
            problems.append("perfectly uniform sampling intervals")
        moving = intervals > 0
        if moving.sum() >= 5:
            speeds = steps[moving] / intervals[moving]
            if speeds.mean() > 0 and float(speeds.std() / speeds.mean()) < MIN_SPEED_CV:
                problems.append("constant pen speed")
    return problems


def _client_counts(session: Session, client_key: str, now: datetime) -> tuple[int, int]:
    """(challenges issued, failed attempts) by ``client_key`` within the window."""
    since = now - CLIENT_WINDOW
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(CaptchaChallenge.attempts), 0)).where(
            CaptchaChallenge.client_key == client_key, CaptchaChallenge.created_at >= since
        )
    ).one()
    return int(row[0]), int(row[1])


def issue_challenge(
    session: Session, client_key: str, *, now: datetime | None = None, digit: int | None = None
) -> Issued:
    """A new challenge for ``client_key`` (``CaptchaError`` 429 when it asked too often)."""
    now = now or utcnow()
    check_client_limits(session, client_key, now)
    token = secrets.token_urlsafe(24)
    digit = secrets.randbelow(10) if digit is None else digit
    challenge = CaptchaChallenge(
        id=token_hash(token), digit=digit, client_key=client_key[:128], created_at=now,
        expires_at=now + CHALLENGE_TTL, attempts=0,
    )  # fmt: skip
    session.add(challenge)
    session.flush()
    return Issued(token, digit, challenge.expires_at)


def check_client_limits(session: Session, client_key: str, now: datetime) -> None:
    """``CaptchaError`` 429 when ``client_key`` asked for too many challenges or failed too often."""
    issued, failures = _client_counts(session, client_key, now)
    if issued >= MAX_CLIENT_CHALLENGES or failures >= MAX_CLIENT_FAILURES:
        raise CaptchaError(429, "rate_limited", "too many captcha challenges or failures; try again later")


def open_challenge(session: Session, token: str, now: datetime) -> CaptchaChallenge:
    """The challenge of ``token`` if it may still be solved (404, 409, 410 or 429 otherwise)."""
    challenge = session.get(CaptchaChallenge, token_hash(token))
    if challenge is None:
        raise CaptchaError(404, "unknown", "no such captcha challenge")
    if challenge.solved_at is not None:
        raise CaptchaError(409, "used", "this captcha challenge was already solved")
    if _aware(challenge.expires_at) <= now:
        raise CaptchaError(410, "expired", "this captcha challenge has expired; ask for a new one")
    if challenge.attempts >= MAX_ATTEMPTS:
        raise CaptchaError(429, "too_many_attempts", "too many failed attempts on this challenge")
    _, failures = _client_counts(session, challenge.client_key, now)
    if failures >= MAX_CLIENT_FAILURES:
        raise CaptchaError(429, "rate_limited", "too many failed captcha attempts; try again later")
    return challenge


def issue_pass(session: Session, challenge: CaptchaChallenge, now: datetime) -> Solved:
    """Mark ``challenge`` solved and hand out its one-time sign-up pass."""
    pass_token = secrets.token_urlsafe(32)
    challenge.solved_at = now
    challenge.pass_hash = token_hash(pass_token)
    challenge.pass_expires_at = now + PASS_TTL
    session.flush()
    return Solved(pass_token, challenge.pass_expires_at)


def fail_attempt(session: Session, challenge: CaptchaChallenge, reason: str, message: str) -> CaptchaError:
    """Count a failed attempt (committed by the caller) and return the error (422) to raise."""
    challenge.attempts += 1
    session.flush()
    return CaptchaError(422, reason, message)


def _fail(session: Session, challenge: CaptchaChallenge, reason: str, message: str) -> CaptchaError:
    """Count a failed drawing (committed by the caller); the error says how many attempts are left."""
    error = fail_attempt(session, challenge, reason, message)
    left = max(0, MAX_ATTEMPTS - challenge.attempts)
    return CaptchaError(422, reason, f"{error} ({left} attempt{'s' if left != 1 else ''} left)")


def solve_challenge(
    session: Session,
    token: str,
    raw_ink: Any,
    predictor: DigitPredictor,
    *,
    now: datetime | None = None,
) -> Solved:
    """Check a drawing for challenge ``token``; a one-time pass on success, ``CaptchaError`` otherwise.

    Failures (bad timing, wrong digit, unreadable ink) count against the challenge and its client;
    the caller must commit the session even when this raises, so that they are remembered.
    """
    now = now or utcnow()
    challenge = open_challenge(session, token, now)
    if not 0 <= challenge.digit <= 9:  # a proof-of-work challenge (services.captcha_work)
        raise CaptchaError(409, "wrong_kind", "this challenge asks for a proof of work, not a drawing")
    try:
        ink = parse_ink(raw_ink, strict_times=True)
    except InkError as error:
        raise _fail(session, challenge, "invalid_ink", f"invalid ink: {error}") from None
    problems = timing_problems(ink)
    if problems:
        raise _fail(
            session, challenge, "timing", "the drawing does not look hand-drawn: " + "; ".join(problems)
        )
    guess = predictor.predict(ink)
    if guess.probabilities[challenge.digit] < MIN_CONFIDENCE:
        raise _fail(session, challenge, "wrong_digit", f"that does not look like a {challenge.digit}")
    return issue_pass(session, challenge, now)


def verify_captcha_pass(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """True once for a valid, unexpired pass: consumes it (a second call, or another thread, gets False)."""
    if not token:
        return False
    now = now or utcnow()
    result = session.execute(
        update(CaptchaChallenge)
        .where(
            CaptchaChallenge.pass_hash == token_hash(token),
            CaptchaChallenge.pass_used_at.is_(None),
            CaptchaChallenge.pass_expires_at > now,
        )
        .values(pass_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount == 1
