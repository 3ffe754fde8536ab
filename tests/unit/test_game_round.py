"""The Round aggregate: wins, attempts, thresholds, the clock, and closing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inkling.game import (
    GRACE_MS,
    MIN_GUESS_PROBABILITY,
    ROUND_MS,
    Guess,
    Outcome,
    Round,
    RoundClosedError,
    RoundNotBegunError,
    RoundOpenError,
    round_points,
)

T0 = 1_700_000_000_000  # server clock at the round's start


def new_round(word: str = "cat") -> Round:
    return Round.start(1, word, T0)


def say(word: str, p: float = 0.6) -> list[tuple[str, float]]:
    """Ranked guesses whose top is ``word`` at probability ``p``."""
    others = [w for w in ("dog", "fox", "owl", "cat") if w != word.lower()][:2]
    rest = (1 - p) / 4
    return [(word, p), *((o, rest) for o in others)]


def test_first_matching_top_guess_wins() -> None:
    r = new_round()
    assert r.record_guesses(800, say("dog"), 1).outcome is Outcome.DRAWING
    update = r.record_guesses(1_500, say("cat"), 2, first_stroke_ms=300, model_id=7)
    assert update.outcome is Outcome.RECOGNISED
    assert update.said == Guess("cat", 0.6)
    assert r.recognized and not r.closed
    assert r.state.recognized_ms == 1_500
    assert r.state.model_id == 7
    result = r.finish(4_000)
    assert result.recognized and result.recognized_ms == 1_500
    assert result.points == round_points(1_500)
    assert result.attempts == 1 and result.said == ("dog", "cat")
    assert result.first_stroke_ms == 300 and result.drawing_ms == 1_500
    assert result.drawing_duration_ms == 1_200
    assert result.model_id == 7


def test_a_win_needs_the_word_on_top() -> None:
    r = new_round()
    update = r.record_guesses(1_000, [("dog", 0.5), ("cat", 0.45)], 1)
    assert update.outcome is Outcome.DRAWING and not r.recognized


def test_attempts_count_distinct_top_guesses_before_the_word() -> None:
    r = new_round()
    for t, word in enumerate(["dog", "dog", "fox", "dog", "Fox"], start=1):
        r.record_guesses(t * 300, say(word), t)
    assert r.state.attempts == 2 and r.state.said == ("dog", "fox")
    r.record_guesses(2_000, say("cat"), 6)
    for t, word in enumerate(["owl", "bee", "cat"], start=7):
        assert r.record_guesses(t * 300, say(word), t).outcome is Outcome.ALREADY_RECOGNISED
    assert r.state.attempts == 2 and r.state.said == ("dog", "fox", "cat")


def test_guesses_below_the_threshold_are_not_said_and_do_not_win() -> None:
    r = new_round()
    low = MIN_GUESS_PROBABILITY - 0.01
    update = r.record_guesses(500, [("cat", low), ("dog", low)], 1)
    assert update.outcome is Outcome.DRAWING and update.said is None
    r.record_guesses(600, [("dog", low)], 1)
    assert r.state.said == () and r.state.attempts == 0 and not r.recognized
    assert r.record_guesses(700, [("cat", MIN_GUESS_PROBABILITY)], 1).outcome is Outcome.RECOGNISED


def test_an_empty_canvas_is_never_judged() -> None:
    r = new_round()
    update = r.record_guesses(500, say("cat", 0.9), 0)
    assert update.outcome is Outcome.DRAWING and update.said is None
    assert r.state.first_stroke_ms is None and r.state.drawing_ms is None


def test_time_to_first_stroke_is_the_earliest_report_within_the_clock() -> None:
    r = new_round()
    r.record_guesses(1_000, say("dog"), 1, first_stroke_ms=700)
    r.record_guesses(1_300, say("dog"), 1, first_stroke_ms=650)
    r.record_guesses(1_600, say("dog"), 2, first_stroke_ms=900)
    assert r.state.first_stroke_ms == 650
    late = new_round()
    late.record_guesses(1_000, say("dog"), 1)  # not reported: the update's time is an upper bound
    assert late.state.first_stroke_ms == 1_000


def test_ink_within_the_grace_still_wins_at_the_deadline() -> None:
    r = new_round()
    update = r.record_guesses(ROUND_MS + GRACE_MS, say("cat"), 3)
    assert update.outcome is Outcome.RECOGNISED and update.remaining_ms == 0
    assert r.state.recognized_ms == ROUND_MS and r.state.drawing_ms == ROUND_MS
    assert r.finish(ROUND_MS + GRACE_MS).points == round_points(ROUND_MS)


def test_ink_after_the_grace_times_the_round_out() -> None:
    r = new_round()
    r.record_guesses(5_000, say("dog"), 1)
    update = r.record_guesses(ROUND_MS + GRACE_MS + 1, say("cat"), 3)
    assert update.outcome is Outcome.TIMED_OUT and update.closed and not update.accepted
    assert update.result is not None and not update.result.recognized and update.result.points == 0
    assert update.result.finished_ms == ROUND_MS and update.result.attempts == 1
    assert r.closed


def test_late_ink_after_a_win_closes_the_round_keeping_the_win() -> None:
    r = new_round()
    r.record_guesses(3_000, say("cat"), 1)
    update = r.record_guesses(ROUND_MS + GRACE_MS + 1, say("dog"), 5)
    assert update.outcome is Outcome.ALREADY_RECOGNISED and update.closed
    assert update.result is not None and update.result.recognized_ms == 3_000


def test_keeping_drawing_after_a_win_leaves_the_result_unchanged() -> None:
    r = new_round()
    r.record_guesses(2_000, say("cat"), 2, first_stroke_ms=400, model_id=1)
    frozen = (r.state.recognized_ms, r.state.said, r.state.attempts, r.state.model_id)
    for t in range(2_250, 9_000, 250):
        update = r.record_guesses(t, say("owl"), 3, first_stroke_ms=400, model_id=2)
        assert update.outcome is Outcome.ALREADY_RECOGNISED and update.guesses[0].word == "owl"
    assert (r.state.recognized_ms, r.state.said, r.state.attempts, r.state.model_id) == frozen
    result = r.finish(9_000)
    assert result.points == round_points(2_000)
    assert result.drawing_ms == 8_750  # the drawing went on: its time and final guesses are kept
    assert result.guesses[0].word == "owl"


def test_stale_updates_change_nothing() -> None:
    r = new_round()
    r.record_guesses(1_250, say("dog"), 2)
    before = r.state
    update = r.record_guesses(1_000, say("cat"), 1)
    assert not update.accepted and update.outcome is Outcome.DRAWING
    assert r.state == before


def test_a_closed_round_refuses_updates_and_a_second_finish() -> None:
    r = new_round()
    result = r.finish(4_000)
    assert not result.recognized and result.points == 0 and result.finished_ms == 4_000
    with pytest.raises(RoundClosedError):
        r.record_guesses(4_100, say("cat"), 1)
    with pytest.raises(RoundClosedError):
        r.finish(4_200)
    assert r.result() == result


def test_an_open_round_has_no_result() -> None:
    with pytest.raises(RoundOpenError):
        new_round().result()


def test_finish_after_the_deadline_ends_at_the_deadline() -> None:
    r = new_round()
    assert r.finish(60_000).finished_ms == ROUND_MS


@pytest.mark.parametrize("elapsed", [-1, 1.5])
def test_bad_times_are_refused(elapsed: float) -> None:
    with pytest.raises(ValueError):
        new_round().record_guesses(elapsed, say("cat"), 1)  # type: ignore[arg-type]


def test_the_clock_helpers() -> None:
    r = new_round()
    assert r.state.deadline_ms == T0 + ROUND_MS
    assert r.elapsed_ms(T0 + 1_234) == 1_234 and r.elapsed_ms(T0 - 5) == 0
    assert Round.remaining_ms(15_000) == 5_000 and Round.remaining_ms(25_000) == 0
    assert not Round.is_expired(ROUND_MS + GRACE_MS) and Round.is_expired(ROUND_MS + GRACE_MS + 1)


@given(st.integers(0, ROUND_MS + GRACE_MS), st.integers(0, ROUND_MS + GRACE_MS))
def test_recognising_sooner_never_scores_less(a: int, b: int) -> None:
    points = []
    for t in sorted((a, b)):
        r = new_round()
        r.record_guesses(t, say("cat"), 1)
        points.append(r.finish(t).points)
    assert points[0] >= points[1]


WORDS = ("cat", "dog", "fox", "owl")


@given(st.lists(st.tuples(st.sampled_from(WORDS), st.floats(0.0, 1.0)), max_size=40))
def test_attempts_match_a_reference_count(tops: list[tuple[str, float]]) -> None:
    r = new_round("cat")
    said: list[str] = []
    won = False
    for t, (word, p) in enumerate(tops):
        r.record_guesses(t * 100, [(word, p)], 1)
        if not won and p >= MIN_GUESS_PROBABILITY:
            if word not in said:
                said.append(word)
            won = word == "cat"
    assert r.state.said == tuple(said) and r.recognized == won
    assert r.state.attempts == len(said) - int(won)


def test_a_shown_round_waits_for_the_player() -> None:
    r = Round.show(1, "cat", T0)
    assert not r.begun and r.elapsed_ms(T0 + 60_000) == 0 and r.state.deadline_ms is None
    with pytest.raises(RoundNotBegunError):
        r.record_guesses(0, say("cat"), 1)
    with pytest.raises(RoundNotBegunError):
        r.finish(0)
    assert r.begin(T0 + 9_000) == 0  # "Got it!" nine seconds later: the 20 s start now
    assert r.begun and r.state.started_at_ms == T0 + 9_000 and r.state.deadline_ms == T0 + 9_000 + ROUND_MS
    assert r.begin(T0 + 12_000) == 3_000  # beginning again changes nothing
    assert r.state.started_at_ms == T0 + 9_000
    assert r.record_guesses(3_000, say("cat"), 1).outcome is Outcome.RECOGNISED


def test_ink_on_the_card_begins_the_round_when_its_first_point_was_drawn() -> None:
    r = Round.show(1, "cat", T0)
    assert r.begin(T0 + 5_000, drawn_for_ms=800) == 800  # the first stroke counts from its first point
    assert r.state.started_at_ms == T0 + 4_200
    early = Round.show(1, "cat", T0)
    early.begin(T0 + 500, drawn_for_ms=10_000)  # never before the word was shown
    assert early.state.started_at_ms == T0
    late = Round.show(1, "cat", T0)
    late.begin(T0 + 500, drawn_for_ms=-300)  # nor after the ink arrived
    assert late.state.started_at_ms == T0 + 500


def test_a_blank_round_is_one_with_no_stroke() -> None:
    blank = Round.start(1, "cat", T0)
    blank.record_guesses(1_000, [], 0)
    assert blank.finish(20_000).blank
    drawn = new_round()
    drawn.record_guesses(1_000, say("dog"), 1)
    assert not drawn.finish(20_000).blank
