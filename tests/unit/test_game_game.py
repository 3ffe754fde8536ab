"""The Game aggregate: word choice without repeats, round flow, restoring, the summary."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.game import (
    ROUNDS_PER_GAME,
    Game,
    GameFinishedError,
    GameStatus,
    InvalidStateError,
    NotEnoughWordsError,
    Round,
    RoundOpenError,
    WordAlreadyUsedError,
    round_points,
)

T0 = 1_700_000_000_000
ANIMALS = ["cat", "dog", "fox", "owl", "bee", "ant", "cow", "pig"]


def play(game: Game, rng: random.Random, recognise_at: list[int | None]) -> None:
    """Play rounds; each is recognised at the given time, or times out when None."""
    for i, t in enumerate(recognise_at):
        r = game.start_next_round(ANIMALS, rng, T0 + i * 30_000)
        if t is not None:
            r.record_guesses(t, [(r.word, 0.9)], 1)
        r.finish(t + 1_000 if t is not None else 20_000)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.text(min_size=1, max_size=4), min_size=6, max_size=12))
def test_words_never_repeat_within_a_game(seed: int, words: list[str]) -> None:
    rng = random.Random(seed)
    game = Game()
    try:
        for i in range(ROUNDS_PER_GAME):
            r = game.start_next_round(words, rng, T0 + i)
            r.finish(0)
    except NotEnoughWordsError:
        assert len(game.used_words) == 0  # raised up front: too few distinct words for a whole game
        return
    assert len(game.used_words) == ROUNDS_PER_GAME
    assert game.status is GameStatus.FINISHED


def test_word_choice_is_reproducible_with_a_seeded_rng() -> None:
    picks = [Game().next_word(ANIMALS, random.Random(42)) for _ in range(3)]
    assert len(set(picks)) == 1
    assert Game().next_word(list(reversed(ANIMALS)), random.Random(42)) == picks[0]


def test_too_few_words_for_a_game_are_refused() -> None:
    with pytest.raises(NotEnoughWordsError):
        Game("tiny").next_word(["cat", "dog", "CAT", "fox", "owl", "bee"], random.Random(0))
    assert Game("tiny", rounds_total=5).next_word(["cat", "dog", "fox", "owl", "bee"], random.Random(0))


def test_a_round_must_close_before_the_next_starts() -> None:
    game = Game("animals")
    r = game.start_round("cat", T0)
    assert game.current_round is r
    with pytest.raises(RoundOpenError):
        game.start_round("dog", T0 + 1)
    r.finish(5_000)
    assert game.current_round is None
    with pytest.raises(WordAlreadyUsedError):
        game.start_round("Cat", T0 + 2)
    assert game.start_round("dog", T0 + 3).number == 2


def test_a_finished_game_starts_no_round() -> None:
    game = Game("animals")
    play(game, random.Random(1), [None] * ROUNDS_PER_GAME)
    assert game.status is GameStatus.FINISHED
    with pytest.raises(GameFinishedError):
        game.start_next_round(ANIMALS, random.Random(1), T0)
    with pytest.raises(GameFinishedError):
        game.next_word(ANIMALS, random.Random(1))


def test_the_summary_totals_the_rounds() -> None:
    game = Game("animals")
    times = [1_000, None, 5_000, 19_000, None, 10_000]
    play(game, random.Random(3), times)
    summary = game.summary()
    expected = [round_points(t) for t in times]
    assert [r.points for r in summary.rounds] == expected
    assert summary.total_score == game.total_score == sum(expected) == 195 + 175 + 105 + 150
    assert summary.recognized_count == 4 and summary.finished
    assert summary.max_score == 1_200 and summary.category == "animals"
    assert summary.mean_recognition_ms == (1_000 + 5_000 + 19_000 + 10_000) / 4
    assert len({r.word for r in summary.rounds}) == 6


def test_the_summary_of_a_game_in_progress_lists_finished_rounds_only() -> None:
    game = Game()
    play(game, random.Random(3), [2_000])
    game.start_next_round(ANIMALS, random.Random(4), T0 + 60_000)
    summary = game.summary()
    assert len(summary.rounds) == 1 and not summary.finished and summary.mean_recognition_ms == 2_000


def test_a_game_restores_from_its_rounds() -> None:
    game = Game("animals")
    play(game, random.Random(5), [3_000, None])
    game.start_next_round(ANIMALS, random.Random(6), T0 + 90_000)
    restored = Game("animals", [Round(r.state) for r in game.rounds])
    assert restored.summary() == game.summary()
    assert restored.current_round is not None and restored.current_round.state == game.rounds[-1].state
    assert restored.used_words == game.used_words


def test_inconsistent_stored_rounds_are_refused() -> None:
    closed = Round.start(1, "cat", T0)
    closed.finish(1_000)
    with pytest.raises(InvalidStateError):
        Game(rounds=[Round.start(2, "dog", T0)])  # numbering must start at 1
    with pytest.raises(InvalidStateError):
        Game(rounds=[Round.start(1, "cat", T0), Round.start(2, "dog", T0)])  # an open round in the middle
    with pytest.raises(InvalidStateError):
        Game(rounds=[closed, Round.start(2, "CAT", T0)])  # a repeated word
    with pytest.raises(InvalidStateError):
        Game(rounds=[closed], rounds_total=0)


def test_a_shown_round_holds_the_next_one_back_until_it_is_played() -> None:
    game = Game("animals")
    shown = game.show_next_round(ANIMALS, random.Random(1), T0)
    assert game.current_round is shown and not shown.begun
    with pytest.raises(RoundOpenError):
        game.show_next_round(ANIMALS, random.Random(1), T0 + 1)
    shown.begin(T0 + 2_000)
    shown.record_guesses(1_000, [], 0)
    shown.finish(20_000)
    summary = game.summary()
    assert summary.drawn_count == 0 and summary.rounds[0].blank
    assert Game("animals", [Round(r.state) for r in game.rounds]).summary() == summary
