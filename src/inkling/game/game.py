"""The Game aggregate: a category, six rounds with six different words, and a score."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import (
    GameFinishedError,
    InvalidStateError,
    NotEnoughWordsError,
    RoundOpenError,
    WordAlreadyUsedError,
)
from .round import Round, RoundResult
from .rules import MAX_ROUND_POINTS, ROUNDS_PER_GAME, normalise_word


class GameStatus(StrEnum):
    """Where a game stands."""

    PLAYING = "playing"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class GameSummary:
    """The end-of-game screen: every drawing's result and the totals."""

    category: str | None  # None: words from any category
    rounds_total: int
    rounds: tuple[RoundResult, ...]  # finished rounds, in order
    total_score: int
    max_score: int  # rounds_total * MAX_ROUND_POINTS
    recognized_count: int
    finished: bool
    drawn_count: int = 0  # rounds in which the player drew something (blank rounds do not count)

    @property
    def mean_recognition_ms(self) -> float | None:
        """Average time to recognition over recognised rounds, or None if none was recognised."""
        times = [r.recognized_ms for r in self.rounds if r.recognized_ms is not None]
        return sum(times) / len(times) if times else None


class Game:
    """A game; rounds are played one at a time and no word comes up twice."""

    def __init__(
        self,
        category: str | None = None,
        rounds: Iterable[Round] = (),
        rounds_total: int = ROUNDS_PER_GAME,
    ) -> None:
        """A new game, or one restored from its stored rounds (checked for consistency)."""
        if not isinstance(rounds_total, int) or rounds_total < 1:
            raise InvalidStateError(f"rounds_total must be >= 1, got {rounds_total!r}")
        self.category = category
        self.rounds_total = rounds_total
        self._rounds = list(rounds)
        if len(self._rounds) > rounds_total:
            raise InvalidStateError(f"{len(self._rounds)} rounds stored for a game of {rounds_total}")
        words: set[str] = set()
        for index, played in enumerate(self._rounds, start=1):
            if played.number != index:
                raise InvalidStateError(f"round {played.number} stored where round {index} belongs")
            key = normalise_word(played.word)
            if key in words:
                raise InvalidStateError(f"the word {played.word!r} is drawn twice")
            words.add(key)
            if not played.closed and index != len(self._rounds):
                raise InvalidStateError(f"round {index} is open but is not the latest round")

    def __repr__(self) -> str:
        """Category, progress and status."""
        progress = f"{len(self._rounds)}/{self.rounds_total}"
        return f"Game(category={self.category!r}, rounds={progress}, status={self.status})"

    @property
    def rounds(self) -> tuple[Round, ...]:
        """Rounds started so far, in order."""
        return tuple(self._rounds)

    @property
    def status(self) -> GameStatus:
        """Finished once every round has been played and closed."""
        done = len(self._rounds) == self.rounds_total and self._rounds[-1].closed
        return GameStatus.FINISHED if done else GameStatus.PLAYING

    @property
    def current_round(self) -> Round | None:
        """The round being drawn, or None between rounds."""
        if self._rounds and not self._rounds[-1].closed:
            return self._rounds[-1]
        return None

    @property
    def used_words(self) -> frozenset[str]:
        """Words already drawn in this game (normalised)."""
        return frozenset(normalise_word(r.word) for r in self._rounds)

    @property
    def total_score(self) -> int:
        """Points of the finished rounds."""
        return sum(r.result().points for r in self._rounds if r.closed)

    def next_word(self, candidates: Iterable[str], rng: random.Random) -> str:
        """Pick, with ``rng``, a candidate not yet drawn; the candidates must fill a whole game."""
        if len(self._rounds) >= self.rounds_total:
            raise GameFinishedError("every round of this game has been played")
        unique: dict[str, str] = {}
        for word in candidates:
            if normalise_word(word):
                unique.setdefault(normalise_word(word), word)
        if len(unique) < self.rounds_total:
            raise NotEnoughWordsError(
                f"{len(unique)} distinct words cannot fill a game of {self.rounds_total} rounds"
            )
        fresh = [unique[key] for key in sorted(unique) if key not in self.used_words]
        if not fresh:
            raise NotEnoughWordsError("every candidate word was already drawn in this game")
        return rng.choice(fresh)

    def start_round(self, word: str, started_at_ms: int) -> Round:
        """Start the next round with ``word`` and its clock at once, once the previous round is closed."""
        return self._add(word, started_at_ms, begun=True)

    def show_round(self, word: str, shown_at_ms: int) -> Round:
        """Show the next round's word card; its clock starts when the player is ready (``Round.begin``)."""
        return self._add(word, shown_at_ms, begun=False)

    def start_next_round(self, candidates: Iterable[str], rng: random.Random, started_at_ms: int) -> Round:
        """Pick a fresh word from ``candidates`` and start the next round with it, clock running."""
        self._require_no_open_round()
        return self.start_round(self.next_word(candidates, rng), started_at_ms)

    def show_next_round(self, candidates: Iterable[str], rng: random.Random, shown_at_ms: int) -> Round:
        """Pick a fresh word from ``candidates`` and show the next round's word card."""
        self._require_no_open_round()
        return self.show_round(self.next_word(candidates, rng), shown_at_ms)

    def _require_no_open_round(self) -> None:
        """Refuse a new round while one is shown or being drawn."""
        if self.current_round is not None:
            raise RoundOpenError(f"round {self.current_round.number} is still being drawn")

    def _add(self, word: str, at_ms: int, *, begun: bool) -> Round:
        """Append the next round with ``word``, shown (and begun, when ``begun``) at ``at_ms``."""
        if self.status is GameStatus.FINISHED or len(self._rounds) >= self.rounds_total:
            raise GameFinishedError("every round of this game has been played")
        self._require_no_open_round()
        if normalise_word(word) in self.used_words:
            raise WordAlreadyUsedError(f"the word {word!r} was already drawn in this game")
        number = len(self._rounds) + 1
        added = Round.start(number, word, at_ms) if begun else Round.show(number, word, at_ms)
        self._rounds.append(added)
        return added

    def summary(self) -> GameSummary:
        """Results of the finished rounds and the totals."""
        results = tuple(r.result() for r in self._rounds if r.closed)
        return GameSummary(
            category=self.category,
            rounds_total=self.rounds_total,
            rounds=results,
            total_score=sum(r.points for r in results),
            max_score=self.rounds_total * MAX_ROUND_POINTS,
            recognized_count=sum(r.recognized for r in results),
            finished=self.status is GameStatus.FINISHED,
            drawn_count=sum(not r.blank for r in results),
        )
