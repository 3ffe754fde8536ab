"""Stored state: the JSON shape, restoring it, and restore-then-continue == continue in memory."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.game import (
    ROUND_MS,
    Guess,
    InvalidStateError,
    Round,
    RoundClosedError,
    RoundState,
)

T0 = 1_700_000_000_000
WORDS = ("cat", "dog", "fox", "owl", "bee")


def stored(state: RoundState) -> RoundState:
    """Save a state the way the services layer does (through JSON) and read it back."""
    return RoundState.restore(**json.loads(json.dumps(state.to_record())))


def test_the_stored_record_matches_the_rounds_columns() -> None:
    r = Round.start(2, "cat", T0)
    r.record_guesses(900, [("dog", 0.5), ("cat", 0.3)], 1, first_stroke_ms=200, model_id=3)
    r.record_guesses(1_400, [("cat", 0.8), ("dog", 0.1)], 2)
    assert r.state.to_record() == {
        "number": 2,
        "word": "cat",
        "shown_at_ms": T0,
        "started_at_ms": T0,
        "first_stroke_ms": 200,
        "recognized_ms": 1_400,
        "drawing_ms": 1_400,
        "finished_ms": None,
        "recognized": True,
        "attempts": 1,
        "model_id": 3,
        "guesses": {"v": 1, "last": [["cat", 0.8], ["dog", 0.1]], "at": 1_400, "said": ["dog", "cat"]},
    }
    assert stored(r.state) == r.state


def test_a_fresh_round_restores_from_empty_columns() -> None:
    state = RoundState.restore(number=1, word="cat", started_at_ms=T0, guesses=None)
    assert state == Round.start(1, "cat", T0).state


def test_a_shown_round_restores_with_its_clock_waiting() -> None:
    shown = Round.show(1, "cat", T0)
    assert stored(shown.state) == shown.state and not stored(shown.state).begun
    shown.begin(T0 + 4_000)
    assert stored(shown.state).started_at_ms == T0 + 4_000 and stored(shown.state).shown_at_ms == T0


@pytest.mark.parametrize(
    "change",
    [
        {"started_at_ms": None},  # a round needs a time it was shown
        {"started_at_ms": None, "shown_at_ms": T0, "first_stroke_ms": 0, "drawing_ms": 0},  # ink, no clock
        {"started_at_ms": None, "shown_at_ms": T0, "guesses": {"at": 0, "last": [["cat", 0.2]]}},
        {"shown_at_ms": T0 + 1},  # the clock started before the card was shown
        {"recognized": True},
        {"attempts": 3},
        {"guesses": {"v": 2}},
        {"guesses": [["cat", 0.5]]},
        {"guesses": {"last": [["cat", 2.0]]}},
        {"guesses": {"said": ["dog", "dog"]}},
        {"guesses": {"said": ["cat"]}},  # the word said but the round not recognised
        {"recognized_ms": 500, "first_stroke_ms": 100, "drawing_ms": 500, "guesses": {"said": ["dog"]}},
        {"drawing_ms": 500},  # ink time without a first stroke
        {"first_stroke_ms": 900, "drawing_ms": 500},
        {"recognized_ms": ROUND_MS + 1},
        {"number": 0},
        {"word": " "},
    ],
)
def test_inconsistent_columns_are_refused(change: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"number": 1, "word": "cat", "started_at_ms": T0, **change}
    with pytest.raises(InvalidStateError):
        RoundState.restore(**fields)


probabilities = st.sampled_from([0.0, 0.1, 0.15, 0.3, 0.6, 0.9]) | st.floats(0.0, 1.0)
guess_lists = st.lists(st.tuples(st.sampled_from(WORDS), probabilities), max_size=4, unique_by=lambda g: g[0])
# times are steps on the round clock; a negative step makes a stale (out-of-order) update
steps = st.integers(-400, 4_000)
updates = st.tuples(
    st.just("update"),
    steps,
    guess_lists,
    st.integers(0, 8),
    st.none() | st.integers(-100, ROUND_MS),
    st.none() | st.integers(1, 3),
)
finishes = st.tuples(st.just("finish"), steps)
# a run of updates, then a few more operations that may finish the round and poke at it afterwards
operations = st.builds(
    lambda drawing, ending: drawing + ending,
    st.lists(updates, max_size=25),
    st.lists(finishes | updates, max_size=3),
)


def timed(ops: list[tuple]) -> list[tuple]:
    """Turn the steps into round-clock times (never negative)."""
    clock, out = 0, []
    for op in ops:
        clock = max(clock + op[1], 0)
        out.append((op[0], clock, *op[2:]))
    return out


def apply(r: Round, op: tuple) -> object:
    """Apply one timed operation, returning its answer or the error it raised."""
    try:
        if op[0] == "finish":
            return r.finish(op[1])
        _, elapsed, guesses, strokes, first, model = op
        return r.record_guesses(elapsed, guesses, strokes, first_stroke_ms=first, model_id=model)
    except RoundClosedError as exc:
        return type(exc)


@settings(max_examples=100, deadline=None)
@given(operations)
def test_restoring_then_continuing_equals_continuing_in_memory(ops: list[tuple]) -> None:
    in_memory = Round.start(1, "cat", T0)
    state = in_memory.state
    for op in timed(ops):
        expected = apply(in_memory, op)
        rebuilt = Round(stored(state))  # a fresh request: rebuild from the row, apply, save
        assert apply(rebuilt, op) == expected
        state = rebuilt.state
        assert state == in_memory.state
    assert stored(in_memory.state) == in_memory.state


@settings(max_examples=100, deadline=None)
@given(operations)
def test_every_reachable_state_is_consistent(ops: list[tuple]) -> None:
    r = Round.start(1, "cat", T0)
    for op in timed(ops):
        apply(r, op)
        state = r.state
        assert state.attempts >= 0 and len(state.last) <= 5
        assert list(state.last) == sorted(state.last, key=lambda g: -g.probability)
        if state.recognized:
            assert state.said[-1] == "cat" and state.first_stroke_ms is not None
        if state.closed:
            assert r.result().points >= (100 if state.recognized else 0)


def test_stored_guesses_are_the_top_five() -> None:
    r = Round.start(1, "cat", T0)
    many = [(f"w{i}", i / 100) for i in range(20)]
    r.record_guesses(100, many, 1)
    assert r.state.last == tuple(Guess(f"w{i}", i / 100) for i in (19, 18, 17, 16, 15))


def test_fresher_guesses_alone_are_told_apart_from_real_changes() -> None:
    r = Round.start(1, "cat", T0)
    r.record_guesses(900, [("dog", 0.5)], 1, first_stroke_ms=200)
    before = r.state
    r.record_guesses(1_100, [("dog", 0.6), ("owl", 0.2)], 2)  # the same word said: only live guesses
    assert r.state.differs_only_in_live_guesses(before)
    r.record_guesses(1_300, [("owl", 0.7)], 3)  # a new word said
    assert not r.state.differs_only_in_live_guesses(before)
    r.record_guesses(1_500, [("cat", 0.9)], 4)  # recognised
    assert not r.state.differs_only_in_live_guesses(before)
