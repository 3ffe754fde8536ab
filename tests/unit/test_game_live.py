"""The live channel helpers: what to show while drawing, and the throttle hint."""

from __future__ import annotations

from inkling.game import (
    MIN_UPDATE_INTERVAL_MS,
    is_too_frequent,
    live_guesses,
    throttle_delay_ms,
)


def test_confident_top_guess_with_maybes() -> None:
    live = live_guesses([("fox", 0.2), ("cat", 0.6), ("dog", 0.1), ("owl", 0.06)])
    assert live.words == ("cat", "fox", "dog") and live.confident
    assert live.phrase() == "I see cat… or fox? or dog?"


def test_unconfident_guesses_are_questions() -> None:
    live = live_guesses([("cat", 0.12), ("fox", 0.07), ("dog", 0.01)])
    assert live.words == ("cat", "fox") and not live.confident
    assert live.phrase() == "I see… cat? or fox?"


def test_a_lone_confident_guess() -> None:
    assert live_guesses([("cat", 0.9), ("dog", 0.01)]).phrase() == "I see cat."


def test_nothing_worth_showing() -> None:
    live = live_guesses([("cat", 0.01)])
    assert live.shown == () and not live.confident and live.phrase() == "Hmm…"


def test_a_won_round_says_so() -> None:
    assert live_guesses([("cat", 0.9)], recognized_word="cat").phrase() == "Oh, I know! It's cat!"


def test_the_throttle_hint() -> None:
    assert throttle_delay_ms(None, 500) == 0
    assert throttle_delay_ms(1_000, 1_040) == MIN_UPDATE_INTERVAL_MS - 40
    assert throttle_delay_ms(1_000, 1_000 + MIN_UPDATE_INTERVAL_MS) == 0
    assert throttle_delay_ms(1_000, 900) == 0  # out-of-order clocks are not the client's fault
    assert is_too_frequent(1_000, 1_050) and not is_too_frequent(1_000, 1_250)
    assert throttle_delay_ms(1_000, 1_100, min_interval_ms=250) == 150
