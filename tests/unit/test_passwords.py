"""Password hashing and the username, password and email rules; safe redirect targets."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, extract_parameters

from inkling.services.passwords import (
    PolicyError,
    check_email,
    check_password,
    check_username,
    dummy_hash,
    hash_password,
    hasher_for,
    needs_rehash,
    verify_password,
)
from inkling.web.security import safe_next

FAST = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def test_hashes_are_salted_argon2id_and_verify() -> None:
    first, second = hash_password(FAST, "p4ssword!"), hash_password(FAST, "p4ssword!")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(FAST, first, "p4ssword!")
    assert not verify_password(FAST, first, "p4ssword?")
    assert not verify_password(FAST, None, "p4ssword!")
    assert not verify_password(FAST, "not a hash", "p4ssword!")


def test_rehash_is_needed_when_parameters_change() -> None:
    old = hash_password(FAST, "p4ssword!")
    assert not needs_rehash(FAST, old)
    assert needs_rehash(PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1), old)
    assert needs_rehash(FAST, "garbage")


def test_production_keeps_the_library_defaults() -> None:
    defaults = PasswordHasher()
    for environment in ("production", "development"):
        hasher = hasher_for(environment)
        assert (hasher.time_cost, hasher.memory_cost) == (defaults.time_cost, defaults.memory_cost)
    assert hasher_for("test").memory_cost < defaults.memory_cost


@pytest.mark.parametrize("name", ["abc", "Ada_Lovelace", "a.b-c_d", "x" * 32])
def test_good_usernames(name: str) -> None:
    assert check_username(name) == name


@pytest.mark.parametrize("name", ["ab", "x" * 33, "has space", "émile", "a/b", "", "guest-abc", "Guest-1"])
def test_bad_usernames(name: str) -> None:
    with pytest.raises(PolicyError):
        check_username(name)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567", "at least 8"),
        ("x" * 129, "at most 128"),
        ("\t" * 9, "only spaces"),
        ("Alice123", "username"),
    ],
)
def test_bad_passwords(password: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        check_password(password, "alice123")


def test_good_passwords() -> None:
    assert check_password("12345678", "alice")
    assert check_password("ü" * 128, "alice")


def test_emails() -> None:
    assert check_email(None) is None and check_email("  ") is None
    assert check_email(" Ada@Example.ORG ") == "ada@example.org"
    for bad in ("ada", "ada@", "@example.org", "a b@example.org", "a@" + "b" * 250 + ".org"):
        with pytest.raises(PolicyError):
            check_email(bad)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/play?word=cat", "/play?word=cat"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("play", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_safe_next_allows_only_local_paths(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_a_missing_hash_is_checked_against_a_dummy_made_once_with_the_same_parameters() -> None:
    dummy = dummy_hash(FAST)
    assert dummy is dummy_hash(PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    assert extract_parameters(dummy) == extract_parameters(hash_password(FAST, "anything"))
    assert dummy_hash(PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)) != dummy
    assert not verify_password(FAST, None, "p4ssword!") and not verify_password(FAST, "", "p4ssword!")
