"""Typed guesses: folding, plurals, typos, "close!", hints over time; the live drawing's replay."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.game.guessing import (
    HIDDEN,
    Verdict,
    fold,
    hint_order,
    hint_text,
    hint_times,
    hints_due,
    judge_guess,
    typo_distance,
    vocabulary_forms,
)
from inkling.game.sketch import CLEAR, POINTS, UNDO, point_count, replay

VOCABULARY = vocabulary_forms(["house", "mouse", "cat", "car", "The Eiffel Tower", "ice cream", "axe"])


@pytest.mark.parametrize(
    ("guess", "word"),
    [
        ("cat", "cat"),
        ("  CAT ", "cat"),
        ("Cats", "cat"),
        ("crème brûlée", "creme brulee"),
        ("Crème-Brûlée!", "Creme brulee"),
        ("eiffel tower", "The Eiffel Tower"),
        ("the eiffel-tower", "The Eiffel Tower"),
        ("icecream", "ice cream"),
        ("ice creams", "ice cream"),
        ("strawberries", "strawberry"),
        ("boxes", "box"),
        ("axes", "axe"),
        ("pant", "pants"),
        ("elephnat", "elephant"),  # two letters swapped: one typo
        ("hous", "house"),
        ("bicylce", "bicycle"),
        ("helicoptre", "helicopter"),  # long words forgive two typos
        ("PEASs", "peas"),  # a word that looks plural keeps its own length's typos
    ],
)
def test_a_guess_that_names_the_word_is_correct(guess: str, word: str) -> None:
    assert judge_guess(guess, word, VOCABULARY) is Verdict.CORRECT


@pytest.mark.parametrize(
    ("guess", "word"),
    [
        ("mouse", "house"),  # one letter off, but another word of the game: never counted as a typo
        ("car", "cat"),  # short words forgive no typo
        ("cap", "cat"),
        ("tower", "The Eiffel Tower"),  # one word of a longer answer
        ("elefnat", "elephant"),  # two typos in a word of 8 letters is fine, three are close
    ],
)
def test_a_near_miss_is_close(guess: str, word: str) -> None:
    assert judge_guess(guess, word, VOCABULARY) is Verdict.CLOSE


@pytest.mark.parametrize(("guess", "word"), [("dog", "cat"), ("", "cat"), ("!!!", "cat"), ("a", "cat")])
def test_anything_else_is_wrong(guess: str, word: str) -> None:
    assert judge_guess(guess, word, VOCABULARY) is Verdict.WRONG


def test_folding_drops_case_accents_and_punctuation() -> None:
    assert fold("  Ça  va?  ÉTÉ-ﬁn ") == "ca va ete fin"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefgh", max_size=9), st.text(alphabet="abcdefgh", max_size=9))
def test_typo_distance_is_symmetric_and_capped(a: str, b: str) -> None:
    assert typo_distance(a, b, 3) == typo_distance(b, a, 3) <= 4
    assert (typo_distance(a, b, 3) == 0) == (a == b)


def test_hints_reveal_some_letters_over_time_never_all() -> None:
    word = "The Eiffel Tower"
    order = hint_order(word, random.Random(3))
    assert len(order) == 5 and len(set(order)) == 5 and all(word[i].isalnum() for i in order)
    assert hint_text(word, order, 0) == "___ ______ _____"
    shown = hint_text(word, order, len(order))
    assert shown.count(HIDDEN) == 14 - 5 and shown[3] == " "
    times = hint_times(len(order), 60_000)
    assert times[0] == 21_000 and times[-1] == 51_000 and list(times) == sorted(times)
    assert [hints_due(t, len(order), 60_000) for t in (0, 20_999, 21_000, 60_000)] == [0, 0, 1, 5]
    assert hint_order("ox", random.Random(0)) == ()  # two letters: no hint


def test_replay_builds_raw_ink_from_the_operation_log() -> None:
    ops = [
        (POINTS, 0, [[0, 0, 0], [5, 5, 10]]),
        (POINTS, 0, [[9, 9, 5]]),  # a time stepping back is held at the stroke's latest
        (POINTS, 1, [[1, 1, 20]]),
        (POINTS, 5, [[7, 7, 30]]),  # not the next stroke: ignored
        (POINTS, 2, [[2, 2, 40]]),
        (UNDO, None, None),
    ]
    ink = replay(ops)
    assert ink == [[[0, 5, 9], [0, 5, 9], [0, 10, 10]], [[1], [1], [20]]]
    assert point_count(ink) == 4
    assert replay([*ops, (CLEAR, None, None), (POINTS, 0, [[3, 3, 0]])]) == [[[3], [3], [0]]]
