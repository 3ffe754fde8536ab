"""Accounts: sign-up (guest conversion included), log-in with DB-counted rate limits, sessions, guests.

Times are passed in (``now``) so tests can move the clock. Functions flush but never commit: the
caller owns the transaction. Guest play: :func:`create_guest` makes a ``User`` with ``is_guest=True``
and a generated name (``guest-7f3a2c``); when that guest signs up, :func:`signup` turns the *same*
row into an account (username, password, ``is_guest=False``), so every game, drawing and feedback
row already written under the guest's id now belongs to the account. A guest who logs in to an
existing account is merged into it (:func:`merge_guest`): its games, drawings and feedback move to
the account and the guest row goes. :func:`prune_guests` deletes old guests that never played.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import Table, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from inkling.db.base import Base
from inkling.db.models import LoginAttempt, User, WebSession
from inkling.services.captcha import verify_captcha_pass
from inkling.services.passwords import (
    GUEST_PREFIX,
    PolicyError,
    check_email,
    check_password,
    check_username,
    hash_password,
    needs_rehash,
    verify_password,
)
from inkling.services.rooms import release_shared_seats

SESSION_LIFETIME = timedelta(days=14)
# a session's expiry slides forward at most this often (saves a write per request)
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_IP = 20
USER_AGENT_MAX_LENGTH = 255
CAPTCHA_PASS_FIELD = "captcha_pass"  # the key of the pass in a sign-up's captcha answer
CAPTCHA_PASS_MAX_LENGTH = 128


class AccountError(Exception):
    """A refused account action; ``status_code`` is the HTTP status that fits, ``str()`` the reason."""

    status_code = 400


class InvalidInput(AccountError):
    """A username, password, email or captcha that breaks the rules."""

    status_code = 400


class CaptchaRefused(InvalidInput):
    """The sign-up carries no captcha pass, or one that is invalid, expired or used."""


class AlreadyTaken(AccountError):
    """The username (in any case) or the email belongs to another account."""

    status_code = 409


class InvalidCredentials(AccountError):
    """Unknown username or wrong password (deliberately not saying which)."""

    status_code = 401


class TooManyAttempts(AccountError):
    """Too many failed log-ins for this username or address; try again after ``retry_after`` seconds."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class IssuedSession:
    """A new session: the cookie token (shown once, never stored) and its database row."""

    token: str
    record: WebSession


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC time (SQLite hands back naive ones)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def hash_token(token: str) -> str:
    """The hex sha256 of a session token: what the database stores instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def verify_captcha(
    session: Session, answer: Mapping[str, str] | None, *, required: bool = True, now: datetime
) -> None:
    """Consume the captcha pass in ``answer["captcha_pass"]``; :class:`CaptchaRefused` without a good one.

    ``answer`` is the same shape from the page (form fields named ``captcha*``) and the JSON API
    (``{"captcha": {"captcha_pass": "..."}}``). With ``required=False`` everything is accepted.
    """
    if not required:
        return
    token = (answer or {}).get(CAPTCHA_PASS_FIELD) or ""
    if not token:
        raise CaptchaRefused("Please solve the captcha: draw the digit shown, then press Check.")
    if len(token) > CAPTCHA_PASS_MAX_LENGTH or not verify_captcha_pass(session, token, now=now):
        raise CaptchaRefused("The captcha pass is invalid, expired or already used. Please solve a new one.")


def find_user(session: Session, username: str) -> User | None:
    """The user named ``username`` in any letter case."""
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


# --- sessions ------------------------------------------------------------------------------------


def issue_session(
    session: Session, user: User, *, now: datetime, user_agent: str | None = None
) -> IssuedSession:
    """Start a session for ``user``: a random 32-byte token, stored as its hash, valid 14 days."""
    token = secrets.token_urlsafe(32)
    record = WebSession(
        id=hash_token(token),
        user_id=user.id,
        csrf_secret=secrets.token_hex(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        last_seen_at=now,
        user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH] or None,
    )
    session.add(record)
    session.flush()
    return IssuedSession(token=token, record=record)


def load_session(session: Session, token: str, *, now: datetime) -> tuple[WebSession | None, bool]:
    """The live session of ``token`` (expired ones are deleted) and whether its expiry slid forward."""
    if not token or len(token) > 128:
        return None, False
    record = session.get(WebSession, hash_token(token), options=[joinedload(WebSession.user, innerjoin=True)])
    if record is None:
        return None, False
    if as_utc(record.expires_at) <= now:
        session.delete(record)
        session.flush()
        return None, False
    if now - as_utc(record.last_seen_at) < SESSION_TOUCH_INTERVAL:
        return record, False
    record.last_seen_at = now
    record.expires_at = now + SESSION_LIFETIME
    session.flush()
    return record, True


def end_session(session: Session, record: WebSession | None) -> None:
    """Delete a session (log-out); nothing happens for ``None``."""
    if record is not None:
        session.execute(delete(WebSession).where(WebSession.id == record.id))
        session.flush()


def prune_sessions(session: Session, *, now: datetime) -> int:
    """Delete every expired session; returns how many."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return result.rowcount or 0


# --- guests and sign-up --------------------------------------------------------------------------


def create_guest(session: Session, *, now: datetime) -> User:
    """A new guest user with a generated, unused name like ``guest-7f3a2c``."""
    for _ in range(10):
        name = f"{GUEST_PREFIX}{secrets.token_hex(3)}"
        if find_user(session, name) is not None:
            continue
        guest = User(username=name, is_guest=True, created_at=now)
        try:
            with session.begin_nested():
                session.add(guest)
        except IntegrityError:
            continue
        return guest
    raise RuntimeError("could not find a free guest name")


def _rows_owned_by_users() -> list[tuple[Table, str]]:
    """(table, column) of every foreign key to ``users.id`` outside the sessions table."""
    return [
        (table, fk.parent.name)
        for table in Base.metadata.sorted_tables
        if table is not WebSession.__table__
        for fk in table.foreign_keys
        if fk.column is User.__table__.c.id
    ]


def merge_guest(session: Session, guest: User, account: User) -> int:
    """Move everything ``guest`` owns (games, drawings, feedback...) to ``account``, then delete the guest.

    Returns how many rows changed owner. Does nothing unless ``guest`` is a guest and ``account``
    another, real account.
    """
    if not guest.is_guest or account.is_guest or guest.id == account.id:
        return 0
    moved = 0
    release_shared_seats(session, guest, account)
    for table, column in _rows_owned_by_users():
        result = session.execute(
            update(table).where(table.c[column] == guest.id).values({column: account.id})
        )
        moved += result.rowcount or 0
    session.execute(delete(WebSession).where(WebSession.user_id == guest.id))
    session.delete(guest)
    session.flush()
    session.expire_all()  # loaded games etc. still name the guest
    return moved


def prune_guests(session: Session, *, now: datetime, older_than: timedelta) -> int:
    """Delete guests created before ``now - older_than`` that own nothing and have no live session."""
    owns_nothing = [~exists().where(table.c[column] == User.id) for table, column in _rows_owned_by_users()]
    live_session = exists().where(WebSession.user_id == User.id, WebSession.expires_at > now)
    stale = select(User.id).where(
        User.is_guest.is_(True), User.created_at < now - older_than, ~live_session, *owns_nothing
    )
    ids = list(session.scalars(stale))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(WebSession).where(WebSession.user_id.in_(chunk)))
        session.execute(delete(User).where(User.id.in_(chunk)))
    return len(ids)


def signup(
    session: Session,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    email: str | None = None,
    guest: User | None = None,
    captcha: Mapping[str, str] | None = None,
    captcha_required: bool = True,
    now: datetime,
) -> User:
    """Create an account, or turn ``guest`` (the same row, same id) into one; errors say what to fix.

    The captcha pass is checked (and consumed) first; callers roll back on any error, so a sign-up
    refused for another reason (a taken name, say) leaves the pass unused for the next try.
    """
    verify_captcha(session, captcha, required=captcha_required, now=now)
    try:
        username = check_username(username.strip())
        check_password(password, username)
        email = check_email(email)
    except PolicyError as error:
        raise InvalidInput(str(error)) from error
    _refuse_taken(session, username, email, guest)
    user = guest if guest is not None and guest.is_guest else User(created_at=now)
    user.username = username
    user.email = email
    user.password_hash = hash_password(hasher, password)
    user.is_guest = False
    user.last_login_at = now
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as error:  # a concurrent sign-up won the race
        raise AlreadyTaken("That username is already taken.") from error
    return user


def _refuse_taken(session: Session, username: str, email: str | None, guest: User | None) -> None:
    owner = find_user(session, username)
    if owner is not None and owner is not guest:
        raise AlreadyTaken("That username is already taken.")
    if email is not None:
        holder = session.scalar(select(User).where(User.email == email))
        if holder is not None and holder is not guest:
            raise AlreadyTaken("An account with that email already exists.")


# --- log-in --------------------------------------------------------------------------------------


def authenticate(
    session: Session,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    client_ip: str,
    now: datetime,
) -> User:
    """The account for these credentials; counts failures and refuses while a limit is reached.

    At most 5 failures per username and 20 per client address within 15 minutes; past that every
    attempt, right password or not, gets :class:`TooManyAttempts` until the oldest failures age out.
    Refused attempts are not counted; a success clears the username's count.

    The username's count is atomic: under a lock on its key (:func:`_lock_keys`) the attempt is
    counted and recorded as a failure, and **committed**, before the password is checked; a success
    then turns it into one. So of 30 concurrent wrong passwords for one user exactly 5 are checked,
    the rest see those 5 and get 429. The address is neither locked nor charged before the check: a
    class behind one school address logging in at once must not queue on one lock, nor be refused
    for attempts still being checked; its failures are recorded once they are known (concurrent
    wrong passwords from one address may pass its limit by as many as are in flight). The caller
    must commit even when this raises.
    """
    user_key = f"user:{username.strip().lower()}"[:128]
    ip_key = f"ip:{client_ip}"[:128]
    _lock_keys(session, (user_key,))
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < now - LOGIN_WINDOW))
    for key, limit in ((user_key, MAX_FAILURES_PER_USERNAME), (ip_key, MAX_FAILURES_PER_IP)):
        wait = _seconds_blocked(session, key, limit, now)
        if wait:
            minutes = math.ceil(wait / 60)
            raise TooManyAttempts(
                f"Too many failed log-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                retry_after=wait,
            )
    as_user = LoginAttempt(key=user_key, attempted_at=now, success=False)
    session.add(as_user)
    session.commit()  # counted by every concurrent attempt from here on; the lock is released
    user = find_user(session, username.strip())
    password_hash = user.password_hash if user is not None and not user.is_guest else None
    matches = verify_password(hasher, password_hash, password)  # as slow for unknown users as for known
    if user is None or password_hash is None or not matches:
        session.add(LoginAttempt(key=ip_key, attempted_at=now, success=False))
        raise InvalidCredentials("Wrong username or password.")
    if needs_rehash(hasher, password_hash):
        user.password_hash = hash_password(hasher, password)
    user.last_login_at = now
    as_user.success = True  # clears the username's count; the address keeps only its failures
    session.flush()
    return user


def _lock_keys(session: Session, keys: tuple[str, ...]) -> None:
    """Hold the attempt keys until the transaction ends, so that counting and recording is atomic.

    PostgreSQL: a transaction-level advisory lock per key (taken in a fixed order: no deadlock).
    SQLite has a single writer: the caller's next statement is a write, which takes the database's
    write lock (and, when serving, the process's write gate) for the rest of the transaction.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for lock_id in sorted(
        {int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True) for key in keys}
    ):
        session.execute(select(func.pg_advisory_xact_lock(lock_id)))


def _seconds_blocked(session: Session, key: str, limit: int, now: datetime) -> int:
    """Seconds until ``key`` may try again (0 when it may now): failures since its last success count."""
    start = now - LOGIN_WINDOW
    last_success = session.scalar(
        select(func.max(LoginAttempt.id)).where(
            LoginAttempt.key == key, LoginAttempt.success.is_(True), LoginAttempt.attempted_at > start
        )
    )
    failures = select(LoginAttempt.attempted_at).where(
        LoginAttempt.key == key,
        LoginAttempt.success.is_(False),
        LoginAttempt.attempted_at > start,
        LoginAttempt.id > (last_success or 0),
    )
    count = session.scalar(select(func.count()).select_from(failures.subquery())) or 0
    if count < limit:
        return 0
    # the failure whose ageing-out brings the count back under the limit
    pivot = session.scalar(failures.order_by(LoginAttempt.attempted_at).offset(count - limit).limit(1))
    return max(1, math.ceil((as_utc(pivot) + LOGIN_WINDOW - now).total_seconds()))
