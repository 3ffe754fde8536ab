"""The Room aggregate: friends (and the model) take turns drawing and guessing, framework-free.

Time is the server's, given in ms since the epoch (``now``); randomness is a ``random.Random``.
Every command checks who may make it, changes the state and appends :class:`Event` s to
``room.events`` for the caller to deliver. See docs/ROOMS.md.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import GameError, NotEnoughWordsError
from .guessing import Verdict, fold, hint_order, hint_text, hint_times, hints_due, judge_guess
from .room_settings import (
    CHOICES,
    CHOOSE_MS,
    MAX_MESSAGE_LENGTH,
    MAX_NAME_LENGTH,
    MODEL_FIRST_MS,
    MODEL_INTERVAL_MS,
    MODEL_MIN_PROBABILITY,
    REVEAL_MS,
    ROUND_END_MS,
    InvalidSettingsError,
    RoomSettings,
    clean_text,
    drawer_points,
    guess_points,
)
from .room_state import Correct, Phase, Player, RoomState, Turn

WordSource = Callable[[], Sequence[str]]  # the candidate words of a room, fetched when a turn is dealt


class RoomError(GameError):
    """Base class of the rules a room command can break."""


class NotHostError(RoomError, PermissionError):
    """Only the host may do this."""


class NotInRoomError(RoomError, LookupError):
    """No such player in the room (or they left)."""


class KickedError(RoomError, PermissionError):
    """The host removed this player; they cannot come back."""


class RoomFullError(RoomError):
    """The room has ``max_players`` people already."""


class NameTakenError(RoomError):
    """Another player in the room has this name."""


class NotNowError(RoomError):
    """Not allowed in this phase, or by this player (not the drawer, already started...)."""


class NotEnoughPlayersError(RoomError):
    """A game needs two people, or one person and the model."""


class InvalidMessageError(RoomError, ValueError):
    """A guess or chat line that is empty or too long."""


@dataclass(frozen=True, slots=True)
class Event:
    """Something to tell the room: ``to`` names the players who may see it (``None``: everyone, TV too)."""

    type: str  # sync | guessed | hint | kicked
    data: dict[str, Any] = field(default_factory=dict)
    to: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class GuessResult:
    """A line typed (or said by the model): its verdict (``None`` for chat) and who may read it."""

    player: int
    text: str
    verdict: Verdict | None
    points: int = 0
    audience: tuple[int, ...] | None = None  # None: everyone
    elapsed_ms: int | None = None  # on the drawing clock, for guesses during a drawing


class Room:
    """A room's rules over its settings, players and state."""

    def __init__(self, settings: RoomSettings, players: Iterable[Player], state: RoomState | None = None):
        """A room restored from storage (a new one when ``state`` is None)."""
        self.settings = settings
        self.players: dict[int, Player] = {p.id: p for p in sorted(players, key=lambda p: p.seat)}
        self.state = state or RoomState()
        self.events: list[Event] = []

    # --- queries -----------------------------------------------------------------------------------

    def player(self, player_id: int) -> Player:
        """A present player (``NotInRoomError`` otherwise)."""
        player = self.players.get(player_id)
        if player is None or not player.present:
            raise NotInRoomError(f"player {player_id} is not in this room")
        return player

    @property
    def people(self) -> list[Player]:
        """Present people (not the model), by seat."""
        return [p for p in self.players.values() if p.present and not p.is_model]

    @property
    def model(self) -> Player | None:
        """The model's seat when it plays in this room."""
        if not self.settings.model_plays:
            return None
        return next((p for p in self.players.values() if p.is_model and p.present), None)

    @property
    def phase(self) -> Phase:
        """Where the room stands."""
        return self.state.phase

    @property
    def turn(self) -> Turn | None:
        """The current (or, between turns, the last) turn."""
        return self.state.turn

    @property
    def in_game(self) -> bool:
        """Whether a game is being played (neither lobby nor finished)."""
        return self.phase in (Phase.CHOOSING, Phase.DRAWING, Phase.REVEAL)

    def sees_word(self, player_id: int | None) -> bool:
        """Whether ``player_id`` (``None``: a TV) may see the current word now."""
        turn = self.turn
        if turn is None or turn.word is None:
            return False
        if self.phase in (Phase.REVEAL, Phase.FINISHED):
            return True
        return player_id is not None and (player_id == turn.drawer or turn.guessed(player_id))

    def hint(self) -> str | None:
        """The word with its unrevealed letters hidden, while it is being drawn."""
        turn = self.turn
        if self.phase is not Phase.DRAWING or turn is None or turn.word is None:
            return None
        return hint_text(turn.word, turn.hint_order, turn.hints)

    def remaining_ms(self, now: int) -> int | None:
        """Time left in the current phase."""
        deadline = self.state.deadline_ms
        return None if deadline is None else max(deadline - now, 0)

    def standings(self) -> list[Player]:
        """Present players (the model when it plays) by score, best first; ties by seat."""
        ranked = [p for p in self.players.values() if p.present and (not p.is_model or self.model)]
        return sorted(ranked, key=lambda p: (-p.score, p.seat))

    def round_complete(self) -> bool:
        """Whether the current turn is the last of its round (nobody left to draw in it)."""
        return self._next_drawer() is None

    def model_due(self, now: int) -> bool:
        """Whether the model should look at the drawing now."""
        turn, model = self.turn, self.model
        return (
            self.phase is Phase.DRAWING
            and turn is not None
            and model is not None
            and not turn.guessed(model.id)
            and turn.model_next_ms is not None
            and turn.model_next_ms <= now
        )

    def next_due_ms(self) -> int | None:
        """The next moment the clock changes something (a deadline, a hint letter, the model's look)."""
        if not self.in_game:
            return None
        due = [self.state.deadline_ms] if self.state.deadline_ms is not None else []
        turn = self.turn
        if self.phase is Phase.DRAWING and turn is not None and turn.drawing_ms is not None:
            times = hint_times(len(turn.hint_order), self.settings.draw_ms)
            if turn.hints < len(times):
                due.append(turn.drawing_ms + times[turn.hints])
            model = self.model
            if model is not None and not turn.guessed(model.id) and turn.model_next_ms is not None:
                due.append(turn.model_next_ms)
        return min(due) if due else None

    # --- membership --------------------------------------------------------------------------------

    def check_name(self, name: str, player_id: int | None = None) -> str:
        """``name`` cleaned; ``NameTakenError`` when another present player (or the model) has it."""
        try:
            cleaned = clean_text(name, MAX_NAME_LENGTH)
        except InvalidSettingsError as error:
            raise InvalidMessageError(f"name: {error}") from None
        taken = {fold(p.name) for p in self.players.values() if p.present and p.id != player_id}
        if fold(cleaned) in taken or fold(cleaned) == fold("Inkling"):
            raise NameTakenError(f"the name {cleaned!r} is taken in this room")
        return cleaned

    def add_player(self, player: Player) -> None:
        """Seat a new player, or bring back one who left (not one who was kicked)."""
        known = self.players.get(player.id)
        if (known or player).kicked:
            raise KickedError("the host removed you from this room")
        if known is not None and known.present:
            return
        if len(self.people) >= self.settings.max_players:
            raise RoomFullError(f"the room is full ({self.settings.max_players} players)")
        player.name = self.check_name(player.name, player.id)
        player.present, player.online = True, True
        self.players[player.id] = player
        if self.state.host is None:
            self.state.host = player.id
        self._sync()

    def leave(self, player_id: int, now: int) -> None:
        """A player leaves: the host's role passes on, a drawer's turn ends, an empty game ends."""
        player = self.player(player_id)
        player.present, player.online = False, False
        if self.state.host == player_id:
            self.state.host = next((p.id for p in self.people), None)
        turn = self.turn
        if self.phase in (Phase.CHOOSING, Phase.DRAWING) and turn is not None and turn.drawer == player_id:
            self._end_turn(now, "drawer_left")
        elif self.phase is Phase.DRAWING:
            self._check_all_guessed(now)
        if self.in_game and not self.people:
            self._finish()
        self._sync()

    def kick(self, by: int, target: int, now: int) -> None:
        """The host removes ``target`` for good."""
        self.require_host(by)
        victim = self.player(target)
        if target == by or victim.is_model:
            raise NotNowError("the host can remove other people only")
        self.leave(target, now)
        victim.kicked = True
        self.events.append(Event("kicked", {"player": target}, to=(target,)))

    def update_settings(self, by: int, settings: RoomSettings) -> None:
        """The host changes the settings, in the lobby."""
        self.require_host(by)
        if self.phase is not Phase.LOBBY:
            raise NotNowError("settings can only change in the lobby")
        if len(self.people) > settings.max_players:
            raise InvalidSettingsError(f"{len(self.people)} people are in the room already")
        self.settings = settings
        for player in self.players.values():
            if player.is_model:
                player.present = settings.model_plays
        self._sync()

    # --- the game ----------------------------------------------------------------------------------

    def start(self, by: int, now: int, candidates: Sequence[str], rng: random.Random) -> None:
        """The host starts the game from the lobby: the first drawer gets three words."""
        self.require_host(by)
        if self.phase is not Phase.LOBBY:
            raise NotNowError("the game has started already")
        if not self._playable():
            raise NotEnoughPlayersError("a game needs two people, or one person and Inkling")
        if len({fold(w) for w in candidates}) < CHOICES:
            raise NotEnoughWordsError(f"at least {CHOICES} different words are needed")
        for player in self.players.values():
            player.score = 0
        self.state.round, self.state.drawn, self.state.used = 1, (), ()
        self._next_turn(now, candidates, rng)

    def choose(self, player_id: int, index: int, now: int, rng: random.Random) -> None:
        """The drawer picks word ``index`` of the three offered."""
        turn = self.turn
        if self.phase is not Phase.CHOOSING or turn is None or turn.drawer != player_id:
            raise NotNowError("only the drawer picks the word, before drawing")
        if not isinstance(index, int) or not 0 <= index < len(turn.choices):
            raise NotNowError(f"pick one of the {len(turn.choices)} words")
        self._choose(index, now, rng)

    def guess(self, player_id: int, text: str, now: int, vocabulary: Collection[str] = ()) -> GuessResult:
        """A line typed by a player: a guess while someone draws and they have not guessed, else chat."""
        player = self.player(player_id)
        try:
            line = clean_text(text, MAX_MESSAGE_LENGTH)
        except InvalidSettingsError as error:
            raise InvalidMessageError(str(error)) from None
        turn = self.turn
        if self.phase is not Phase.DRAWING or turn is None or turn.word is None:
            return GuessResult(player_id, line, None)
        if player_id == turn.drawer or turn.guessed(player_id) or player.is_model:
            return GuessResult(player_id, line, None, audience=self._insiders())
        elapsed = now - (turn.drawing_ms or now)
        verdict = judge_guess(line, turn.word, vocabulary)
        if verdict is not Verdict.CORRECT:
            return GuessResult(player_id, line, verdict, elapsed_ms=elapsed)
        points = self._score(player, now)
        return GuessResult(player_id, line, verdict, points, (player_id,), elapsed)

    def model_guess(
        self,
        turn_number: int,
        ranked: Sequence[tuple[str, float]] | None,
        now: int,
        seen_points: int,
        vocabulary: Collection[str] = (),
    ) -> GuessResult | None:
        """The model looked at the drawing (``ranked`` guesses; ``None``: the ink had not changed)."""
        turn, model = self.turn, self.model
        if turn is None or model is None or turn.number != turn_number or not self.model_due(now):
            return None
        turn.model_next_ms = now + MODEL_INTERVAL_MS
        turn.model_seen_points = seen_points
        top = next((w for w, p in ranked or () if p >= MODEL_MIN_PROBABILITY), None)
        if top is None or fold(top) in {fold(w) for w in turn.model_said} or turn.word is None:
            return None
        turn.model_said = (*turn.model_said, top)
        elapsed = now - (turn.drawing_ms or now)
        if judge_guess(top, turn.word, vocabulary) is Verdict.CORRECT:
            points = self._score(model, now)
            return GuessResult(model.id, top, Verdict.CORRECT, points, (model.id,), elapsed)
        return GuessResult(model.id, top, Verdict.WRONG, elapsed_ms=elapsed)

    def tick(self, now: int, words: WordSource, rng: random.Random) -> None:
        """Apply everything the clock has made due by ``now`` (several steps if the room was left alone)."""
        while self.step(now, words, rng):
            pass

    def step(self, now: int, words: WordSource, rng: random.Random) -> bool:
        """Apply the earliest thing the clock has made due by ``now``; False when nothing was due.

        ``words`` gives the candidate words; it is called only when a new turn is dealt.
        """
        state, turn = self.state, self.turn
        if not self.in_game or turn is None:
            return False
        deadline = state.deadline_ms if state.deadline_ms is not None else now
        if state.phase is Phase.CHOOSING and now >= deadline:
            self._choose(rng.randrange(len(turn.choices)), deadline, rng)
            return True
        if state.phase is Phase.DRAWING and turn.drawing_ms is not None:
            due = hints_due(min(now, deadline) - turn.drawing_ms, len(turn.hint_order), self.settings.draw_ms)
            if due > turn.hints:
                turn.hints = due
                self.events.append(Event("hint", {"hint": self.hint()}))
                return True
            if now >= deadline:
                self._end_turn(deadline, "time")
                return True
        if state.phase is Phase.REVEAL and now >= deadline:
            self._next_turn(deadline, words(), rng)
            return True
        return False

    # --- internals ---------------------------------------------------------------------------------

    def _sync(self) -> None:
        """Tell everyone the room changed (they reload their view); once per command."""
        if not any(e.type == "sync" for e in self.events):
            self.events.append(Event("sync"))

    def require_host(self, player_id: int) -> None:
        """``NotHostError`` unless ``player_id`` hosts the room."""
        self.player(player_id)
        if self.state.host != player_id:
            raise NotHostError("only the host can do this")

    def _online_people(self) -> list[Player]:
        return [p for p in self.people if p.online]

    def _playable(self) -> bool:
        """Two people online, or one and the model."""
        online = len(self._online_people())
        return online >= 2 or (online >= 1 and self.model is not None)

    def _insiders(self) -> tuple[int, ...]:
        """Who may read chat during a drawing from those who know the word: the drawer and the guessers."""
        turn = self.turn
        if turn is None:
            return ()
        return (turn.drawer, *(c.player for c in turn.correct))

    def _next_drawer(self) -> Player | None:
        return next((p for p in self._online_people() if p.id not in self.state.drawn), None)

    def _pick_choices(self, candidates: Sequence[str], rng: random.Random) -> tuple[str, ...]:
        unique: dict[str, str] = {}
        for word in candidates:
            unique.setdefault(fold(word), word)
        used = {fold(w) for w in self.state.used}
        fresh = [unique[k] for k in sorted(unique) if k not in used]
        if len(fresh) < CHOICES:  # every word was drawn: words may come round again
            fresh = [unique[k] for k in sorted(unique)]
        return tuple(rng.sample(fresh, CHOICES))

    def _next_turn(self, now: int, candidates: Sequence[str], rng: random.Random) -> None:
        state = self.state
        drawer = self._next_drawer()
        if drawer is None and state.round < self.settings.rounds:
            state.round, state.drawn = state.round + 1, ()
            drawer = self._next_drawer()
        if drawer is None or not self._playable():
            self._finish()
            return
        number = 1 if state.turn is None else state.turn.number + 1
        state.turn = Turn(number, state.round, drawer.id, self._pick_choices(candidates, rng), now)
        state.drawn = (*state.drawn, drawer.id)
        state.phase, state.deadline_ms = Phase.CHOOSING, now + CHOOSE_MS
        self._sync()

    def _choose(self, index: int, now: int, rng: random.Random) -> None:
        turn = self.turn
        assert turn is not None
        turn.word = turn.choices[index]
        turn.drawing_ms = now
        turn.hint_order = hint_order(turn.word, rng)
        turn.model_next_ms = now + MODEL_FIRST_MS
        self.state.used = (*self.state.used, turn.word)
        self.state.phase, self.state.deadline_ms = Phase.DRAWING, now + self.settings.draw_ms
        self._sync()

    def _score(self, player: Player, now: int) -> int:
        """Credit a correct guess (and the drawer, for a person's); end the turn once all have it."""
        turn = self.turn
        assert turn is not None and turn.drawing_ms is not None
        elapsed = max(now - turn.drawing_ms, 0)
        points = guess_points(elapsed, self.settings.draw_ms)
        player.score += points
        turn.correct.append(Correct(player.id, points, elapsed))
        drawer = self.players.get(turn.drawer)
        if not player.is_model and drawer is not None:
            earned = drawer_points(points)
            drawer.score += earned
            turn.drawer_points += earned
        scores = {str(p.id): p.score for p in self.players.values() if p.present}
        self.events.append(Event("guessed", {"player": player.id, "points": points, "scores": scores}))
        self._check_all_guessed(now)
        return points

    def _check_all_guessed(self, now: int) -> None:
        """End the drawing early once every person online guessed it (with none, once the model did)."""
        turn = self.turn
        if self.phase is not Phase.DRAWING or turn is None:
            return
        guessers = [p for p in self._online_people() if p.id != turn.drawer]
        model = self.model
        if guessers:
            done = all(turn.guessed(p.id) for p in guessers)
        else:
            done = model is not None and turn.guessed(model.id)
        if done:
            self._end_turn(now, "all_guessed")

    def _end_turn(self, now: int, reason: str) -> None:
        turn = self.turn
        assert turn is not None
        turn.ended_ms, turn.end_reason = now, reason
        pause = ROUND_END_MS if self.round_complete() else REVEAL_MS
        self.state.phase, self.state.deadline_ms = Phase.REVEAL, now + pause
        self._sync()

    def _finish(self) -> None:
        self.state.phase, self.state.deadline_ms = Phase.FINISHED, None
        self._sync()
