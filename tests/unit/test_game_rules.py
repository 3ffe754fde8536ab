"""Rules: word matching, the scoring formula, guess validation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inkling.game import (
    MAX_ROUND_POINTS,
    RECOGNITION_POINTS,
    ROUND_MS,
    Guess,
    InvalidGuessesError,
    rank_guesses,
    round_points,
    same_word,
)


def test_words_match_like_a_player_reads_them() -> None:
    assert same_word("The Eiffel Tower", "the_eiffel_tower")
    assert same_word("  cat ", "CAT")
    assert not same_word("cat", "catfish")


def test_points_range_from_200_instantly_to_100_at_the_deadline() -> None:
    assert round_points(0) == MAX_ROUND_POINTS == 200
    assert round_points(ROUND_MS) == RECOGNITION_POINTS == 100
    assert round_points(ROUND_MS // 2) == 150
    assert round_points(5_000) == 175


def test_no_points_without_recognition() -> None:
    assert round_points(None) == 0


@given(st.integers(-1_000, ROUND_MS + 5_000), st.integers(-1_000, ROUND_MS + 5_000))
def test_faster_recognition_never_scores_fewer_points(a: int, b: int) -> None:
    fast, slow = sorted((a, b))
    assert round_points(fast) >= round_points(slow) >= RECOGNITION_POINTS > round_points(None)


def test_guesses_are_ranked_highest_first_and_truncated() -> None:
    ranked = rank_guesses([("fox", 0.2), ("cat", 0.7), ["dog", 0.1]], keep=2)
    assert ranked == (Guess("cat", 0.7), Guess("fox", 0.2))


@pytest.mark.parametrize(
    "bad",
    [
        [("cat", 1.5)],
        [("cat", -0.1)],
        [("cat", math.nan)],
        [("", 0.5)],
        [("cat", "high")],
        [("cat",)],
        [("cat", 0.5), ("CAT", 0.2)],
    ],
)
def test_malformed_guesses_are_refused(bad: list) -> None:
    with pytest.raises(InvalidGuessesError):
        rank_guesses(bad)


def test_float_rounding_above_one_is_tolerated() -> None:
    assert rank_guesses([("cat", 1.0000001)]) == (Guess("cat", 1.0),)
