"""Password hashing (argon2id) and the username, password and email rules."""

from __future__ import annotations

import contextlib
import re
import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,32}")
# the prefix of generated guest names; accounts may not choose it
GUEST_PREFIX = "guest-"
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
EMAIL_MAX_LENGTH = 254
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class PolicyError(ValueError):
    """Input that breaks a username, password or email rule; the message says which."""


@lru_cache(maxsize=4)
def hasher_for(environment: str) -> PasswordHasher:
    """argon2id with the library's RFC 9106 defaults; only the test environment uses cheap parameters."""
    if environment == "test":
        return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    return PasswordHasher()


def hash_password(hasher: PasswordHasher, password: str) -> str:
    """The argon2 hash of ``password`` (salted; encodes its own parameters)."""
    return hasher.hash(password)


@lru_cache(maxsize=8)
def _dummy_hash(parameters: tuple[int, int, int, int, int, Type]) -> str:
    time_cost, memory_cost, parallelism, hash_len, salt_len, kind = parameters
    hasher = PasswordHasher(time_cost, memory_cost, parallelism, hash_len, salt_len, type=kind)
    return hasher.hash(secrets.token_urlsafe(32))


def dummy_hash(hasher: PasswordHasher) -> str:
    """The hash of a random secret with ``hasher``'s parameters, made once: what no-account checks verify."""
    h = hasher
    return _dummy_hash((h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len, h.type))


def verify_password(hasher: PasswordHasher, password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a missing or malformed hash never matches.

    Either way the check costs one verification with ``hasher``'s parameters (against
    :func:`dummy_hash` when there is no real hash), so its time does not tell whether a user exists.
    """
    if password_hash:
        try:
            return hasher.verify(password_hash, password)
        except VerificationError:
            return False
        except InvalidHashError:
            pass
    with contextlib.suppress(VerificationError):
        hasher.verify(dummy_hash(hasher), password)
    return False


def needs_rehash(hasher: PasswordHasher, password_hash: str) -> bool:
    """Whether the hash was made with parameters other than the hasher's current ones."""
    try:
        return hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_username(username: str) -> str:
    """The username when it is 3 to 32 characters of letters, digits, ``_ . -``; else a PolicyError."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise PolicyError("Usernames are 3 to 32 characters: letters, digits, underscore, dot or hyphen.")
    if username.lower().startswith(GUEST_PREFIX):
        raise PolicyError(f"Usernames starting with '{GUEST_PREFIX}' are reserved for guest players.")
    return username


def check_password(password: str, username: str) -> str:
    """The password when it is 8 to 128 characters, not only whitespace and not the username."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise PolicyError(f"Passwords need at least {PASSWORD_MIN_LENGTH} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise PolicyError(f"Passwords may have at most {PASSWORD_MAX_LENGTH} characters.")
    if not password.strip():
        raise PolicyError("A password cannot be only spaces.")
    if password.strip().lower() == username.lower():
        raise PolicyError("Your password cannot be your username.")
    return password


def check_email(email: str | None) -> str | None:
    """The email, trimmed and lower-cased, or ``None`` when blank; a PolicyError when malformed."""
    if email is None or not email.strip():
        return None
    email = email.strip().lower()
    if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.fullmatch(email):
        raise PolicyError("That email address does not look valid.")
    return email
