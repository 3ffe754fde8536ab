"""The Room aggregate: lobby, host, turns with three words, guesses, the model, hints, scores, the podium."""

from __future__ import annotations

import random

import pytest

from inkling.game import NotEnoughWordsError
from inkling.game.guessing import Verdict
from inkling.game.room_settings import (
    CHOOSE_MS,
    GUESS_POINTS_MAX,
    GUESS_POINTS_MIN,
    MODEL_FIRST_MS,
    MODEL_INTERVAL_MS,
    REVEAL_MS,
    ROUND_END_MS,
    InvalidSettingsError,
    RoomSettings,
    guess_points,
)
from inkling.game.room_state import Phase, Player, RoomState
from inkling.game.rooms import (
    InvalidMessageError,
    KickedError,
    NameTakenError,
    NotEnoughPlayersError,
    NotHostError,
    NotInRoomError,
    NotNowError,
    Room,
    RoomFullError,
)

T0 = 1_700_000_000_000
WORDS = ["cat", "dog", "fish", "apple", "banana", "house", "tree", "car", "bus", "sun"]
ANN, BOB, CAL, MODEL = 1, 2, 3, 9


def make_room(people: int = 3, model: bool = True, **settings: object) -> Room:
    """A lobby with ``people`` people (Ann, Bob, Cal: Ann hosts) and the model's seat."""
    room = Room(RoomSettings(model_plays=model, **settings), [Player(MODEL, "Inkling", 0, is_model=True)])
    for pid, name in list(zip((ANN, BOB, CAL), ("Ann", "Bob", "Cal"), strict=True))[:people]:
        room.add_player(Player(pid, name, pid))
    room.events.clear()
    return room


def started(room: Room, rng: random.Random | None = None) -> Room:
    room.start(ANN, T0, WORDS, rng or random.Random(1))
    return room


def drawing(room: Room, now: int = T0) -> str:
    """Have the drawer pick the first word; return it."""
    turn = room.turn
    assert turn is not None and room.phase is Phase.CHOOSING
    room.choose(turn.drawer, 0, now, random.Random(2))
    assert turn.word is not None
    return turn.word


def test_settings_are_validated() -> None:
    assert RoomSettings().draw_ms == 80_000
    for bad in ({"rounds": 0}, {"draw_seconds": 14}, {"draw_seconds": 241}, {"max_players": 21}):
        with pytest.raises(InvalidSettingsError):
            RoomSettings(**bad)
    with pytest.raises(InvalidSettingsError):
        RoomSettings(rounds=True)  # a boolean is no number
    with pytest.raises(InvalidSettingsError, match="3 to 300"):
        RoomSettings(custom_words=("cat", "CAT", "dog"))  # two different words only
    words = RoomSettings(custom_words=(" Grandma's   cake ", "tram", "ferry")).custom_words
    assert words == ("Grandma's cake", "tram", "ferry")
    with pytest.raises(InvalidSettingsError):
        RoomSettings(custom_words=("x" * 33, "a", "b"))
    document = RoomSettings(rounds=2, custom_words=("a1", "b2", "c3")).to_document()
    assert RoomSettings.from_document(document) == RoomSettings(rounds=2, custom_words=("a1", "b2", "c3"))


def test_joining_fills_seats_up_to_the_limit_with_unique_names() -> None:
    room = make_room(people=2, max_players=2)
    assert room.state.host == ANN and [p.name for p in room.people] == ["Ann", "Bob"]
    with pytest.raises(RoomFullError):
        room.add_player(Player(CAL, "Cal", 3))
    room = make_room(people=1)
    for taken in ("ann", " ANN ", "inkling"):
        with pytest.raises(NameTakenError):
            room.add_player(Player(CAL, taken, 3))
    with pytest.raises(InvalidMessageError):
        room.add_player(Player(CAL, "x" * 25, 3))
    room.add_player(Player(CAL, "  Cal\u0000\n  the   great ", 3))
    assert room.players[CAL].name == "Cal the great"
    assert [e.type for e in room.events] == ["sync"]


def test_the_host_role_passes_on_and_only_the_host_kicks() -> None:
    room = make_room()
    with pytest.raises(NotHostError):
        room.kick(BOB, CAL, T0)
    with pytest.raises(NotNowError):
        room.kick(ANN, MODEL, T0)
    room.kick(ANN, CAL, T0)
    assert not room.players[CAL].present and room.players[CAL].kicked
    assert room.events[-1].type == "kicked" and room.events[-1].to == (CAL,)
    with pytest.raises(KickedError):
        room.add_player(Player(CAL, "Cal", 3))
    with pytest.raises(NotInRoomError):
        room.kick(ANN, CAL, T0)
    room.leave(ANN, T0)
    assert room.state.host == BOB
    room.add_player(Player(ANN, "Ann", 1))  # back, but no longer the host
    assert room.state.host == BOB and room.players[ANN].present


def test_only_the_host_changes_settings_in_the_lobby() -> None:
    room = make_room()
    with pytest.raises(NotHostError):
        room.update_settings(BOB, RoomSettings(rounds=1))
    with pytest.raises(InvalidSettingsError):
        room.update_settings(ANN, RoomSettings(max_players=2))  # three are in already
    room.update_settings(ANN, RoomSettings(rounds=1, model_plays=False))
    assert room.settings.rounds == 1 and room.model is None and not room.players[MODEL].present
    started(room)
    with pytest.raises(NotNowError):
        room.update_settings(ANN, RoomSettings())


def test_a_game_needs_two_people_or_one_and_the_model() -> None:
    with pytest.raises(NotEnoughPlayersError):
        started(make_room(people=1, model=False))
    room = started(make_room(people=1, model=True))
    assert room.phase is Phase.CHOOSING and room.turn is not None and room.turn.drawer == ANN
    with pytest.raises(NotEnoughWordsError):
        make_room().start(ANN, T0, ["cat", "Cat", "dog"], random.Random(0))
    with pytest.raises(NotHostError):
        make_room().start(BOB, T0, WORDS, random.Random(0))


def test_the_drawer_picks_one_of_three_words_and_only_the_drawer() -> None:
    room = started(make_room())
    turn = room.turn
    assert turn is not None and turn.drawer == ANN and len(set(turn.choices)) == 3
    assert room.remaining_ms(T0) == CHOOSE_MS
    assert not room.sees_word(BOB) and room.hint() is None
    with pytest.raises(NotNowError):
        room.choose(BOB, 0, T0, random.Random(0))
    with pytest.raises(NotNowError):
        room.choose(ANN, 3, T0, random.Random(0))
    room.choose(ANN, 1, T0 + 1000, random.Random(0))
    assert room.phase is Phase.DRAWING and turn.word == turn.choices[1]
    assert room.remaining_ms(T0 + 1000) == room.settings.draw_ms
    assert room.sees_word(ANN) and not room.sees_word(BOB) and not room.sees_word(None)
    assert set(room.hint() or "") == {"_"}


def test_guesses_score_by_speed_and_the_drawer_scores_for_people_only() -> None:
    room = started(make_room())
    word = drawing(room)
    room.events.clear()
    wrong = room.guess(BOB, "zebra", T0 + 1000)
    assert wrong.verdict is Verdict.WRONG and wrong.audience is None and wrong.points == 0
    right = room.guess(BOB, word.upper(), T0 + 10_000)
    assert right.verdict is Verdict.CORRECT and right.audience == (BOB,)  # the others never read it
    assert right.points == guess_points(10_000, 80_000) and room.sees_word(BOB)
    assert room.players[ANN].score == right.points // 2
    assert [e.type for e in room.events] == ["guessed"] and "text" not in room.events[0].data
    again = room.guess(BOB, "it was easy", T0 + 11_000)  # chat after guessing: drawer and guessers only
    assert again.verdict is None and again.audience == (ANN, BOB)
    model = room.model_guess(1, [(word, 0.9)], T0 + 40_000, seen_points=10)
    assert model is not None and model.verdict is Verdict.CORRECT
    assert room.players[MODEL].score == guess_points(40_000, 80_000) < right.points
    assert room.players[ANN].score == right.points // 2  # the model's guess earns the drawer nothing
    assert room.phase is Phase.DRAWING  # Cal has not guessed yet
    late = room.guess(CAL, word, T0 + 80_000)
    assert late.points == GUESS_POINTS_MIN and room.phase is Phase.REVEAL
    assert room.turn is not None and room.turn.end_reason == "all_guessed"
    assert guess_points(0, 80_000) == GUESS_POINTS_MAX


def test_a_close_guess_is_shown_to_all_and_flagged() -> None:
    room = started(make_room(), random.Random(5))
    room.choose(ANN, 0, T0, random.Random(0))
    assert room.turn is not None
    room.turn.word = "elephant"
    close = room.guess(BOB, "elefnat", T0 + 500)
    assert close.verdict is Verdict.CLOSE and close.audience is None
    with pytest.raises(InvalidMessageError):
        room.guess(BOB, "x" * 101, T0)
    with pytest.raises(InvalidMessageError):
        room.guess(BOB, " \n ", T0)


def test_the_model_looks_on_its_schedule_and_says_each_word_once() -> None:
    room = started(make_room())
    word = drawing(room)
    assert not room.model_due(T0 + MODEL_FIRST_MS - 1) and room.model_due(T0 + MODEL_FIRST_MS)
    assert room.next_due_ms() == T0 + MODEL_FIRST_MS
    said = room.model_guess(1, [("zebra", 0.5), (word, 0.3)], T0 + MODEL_FIRST_MS, seen_points=5)
    assert said is not None and said.verdict is Verdict.WRONG and said.text == "zebra"
    assert said.audience is None and room.turn is not None and room.turn.model_seen_points == 5
    assert room.model_guess(1, [("zebra", 0.9)], T0 + MODEL_FIRST_MS + 10, 6) is None  # not due yet
    repeat = T0 + MODEL_FIRST_MS + MODEL_INTERVAL_MS
    assert room.model_guess(1, [("zebra", 0.9)], repeat, 6) is None  # said already
    assert room.model_guess(1, [(word, 0.1)], repeat + MODEL_INTERVAL_MS, 7) is None  # not sure enough
    assert room.model_guess(2, [(word, 0.9)], repeat * 2, 8) is None  # another turn's look


def test_with_one_person_the_model_can_win_the_turn() -> None:
    room = started(make_room(people=1))
    word = drawing(room)
    result = room.model_guess(1, [(word, 0.8)], T0 + 3000, 4)
    assert result is not None and result.verdict is Verdict.CORRECT
    assert room.phase is Phase.REVEAL and room.turn is not None and room.turn.correct[0].player == MODEL


def test_the_clock_picks_a_word_reveals_hints_and_ends_turns_and_rounds() -> None:
    room = started(make_room(people=2, model=False, rounds=2, draw_seconds=20))
    rng = random.Random(4)
    room.tick(T0 + CHOOSE_MS - 1, lambda: WORDS, rng)
    assert room.phase is Phase.CHOOSING
    room.tick(T0 + CHOOSE_MS, lambda: WORDS, rng)  # the drawer took too long: a word is picked for them
    turn = room.turn
    assert room.phase is Phase.DRAWING and turn is not None and turn.drawing_ms == T0 + CHOOSE_MS
    start = T0 + CHOOSE_MS
    room.events.clear()
    room.tick(start + 20_000 - 1, lambda: WORDS, rng)
    assert turn.hints == len(turn.hint_order) and [e.type for e in room.events] == ["hint"] * turn.hints
    room.tick(start + 20_000, lambda: WORDS, rng)
    assert room.phase is Phase.REVEAL and turn.end_reason == "time"
    assert room.remaining_ms(start + 20_000) == REVEAL_MS  # Bob still draws in round 1
    room.tick(start + 20_000 + REVEAL_MS, lambda: WORDS, rng)
    assert room.turn is not None and room.turn.drawer == BOB and room.turn.number == 2
    # round 1 ends after Bob's turn; the room is left alone: the clock catches up to the podium
    room.tick(T0 + 10 * 60_000, lambda: WORDS, rng)
    assert room.phase is Phase.FINISHED and room.state.round == 2 and room.turn is not None
    assert room.turn.number == 4 and len(set(room.state.used)) == 4


def test_a_round_summary_pauses_longer_and_the_podium_ranks_by_score() -> None:
    room = started(make_room(people=2, model=True, rounds=1))
    word = drawing(room)
    room.guess(BOB, word, T0 + 1000)
    assert room.phase is Phase.REVEAL and room.remaining_ms(T0 + 1000) == REVEAL_MS
    room.tick(T0 + 1000 + REVEAL_MS, lambda: WORDS, random.Random(0))
    second = drawing(room, T0 + 10_000)
    room.model_guess(2, [(second, 0.9)], T0 + 20_000, 3)
    room.guess(ANN, second, T0 + 30_000)
    assert room.phase is Phase.REVEAL and room.round_complete()
    assert room.remaining_ms(T0 + 30_000) == ROUND_END_MS
    room.tick(T0 + 30_000 + ROUND_END_MS, lambda: WORDS, random.Random(0))
    assert room.phase is Phase.FINISHED
    ranked = room.standings()
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    assert {p.id for p in ranked} == {ANN, BOB, MODEL}


def test_a_drawer_who_leaves_ends_the_turn_and_an_empty_game_ends() -> None:
    room = started(make_room())
    drawing(room)
    room.leave(ANN, T0 + 5000)
    assert room.phase is Phase.REVEAL and room.turn is not None and room.turn.end_reason == "drawer_left"
    assert room.state.host == BOB
    room.tick(T0 + 5000 + REVEAL_MS, lambda: WORDS, random.Random(0))
    assert room.turn.drawer == BOB
    room.leave(BOB, T0 + 12_000)
    room.leave(CAL, T0 + 12_000)
    assert room.phase is Phase.FINISHED and room.state.host is None


def test_offline_players_are_skipped_when_turns_are_dealt() -> None:
    room = started(make_room())
    room.players[BOB].online = False
    drawing(room)
    room.guess(CAL, room.turn.word or "", T0 + 1000)  # type: ignore[union-attr]
    assert room.phase is Phase.REVEAL  # Bob is away: Cal was the last guesser
    room.tick(T0 + 1000 + REVEAL_MS, lambda: WORDS, random.Random(0))
    assert room.turn is not None and room.turn.drawer == CAL


def test_the_state_document_round_trips() -> None:
    room = started(make_room())
    word = drawing(room)
    room.guess(BOB, word, T0 + 2000)
    room.model_guess(1, [("zebra", 0.5)], T0 + MODEL_FIRST_MS, 3)
    document = room.state.to_document()
    restored = RoomState.from_document(document)
    assert restored == room.state and restored.to_document() == document
    assert RoomState.from_document(None).phase is Phase.LOBBY
