"""The game's use cases: start a game and its rounds, judge live ink, finish rounds, take feedback.

Every rule comes from :mod:`inkling.game`; this module maps database rows to the domain state and
back. The web tier keeps nothing between requests: each call reloads the round from its row, applies
the update on the server clock (time since ``rounds.started_at``) and writes the state back. A round
is *shown* first (``shown_at``: the word card is up, no clock); ``begin_round`` starts its clock, and
so does the first ink or finish that reaches a round not begun yet (``Round.begin``). Updates
of one round are serialised by a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a write
that takes the database's write lock first). Functions flush but never commit: the caller commits.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from inkling.db.engine import relax_commit_durability
from inkling.db.models import Drawing, RegisteredModel, User, Word, WordCategory
from inkling.db.models import Game as GameRow
from inkling.db.models import Round as RoundRow
from inkling.db.repositories.words import WordRepository
from inkling.game import (
    ROUNDS_PER_GAME,
    Game,
    GameStatus,
    LiveGuesses,
    Outcome,
    Round,
    RoundClosedError,
    RoundResult,
    RoundState,
    RoundUpdate,
    live_guesses,
)
from inkling.inference import DoodlePredictor
from inkling.ink import Ink
from inkling.services.doodles import doodle_predictor, guess_doodle, model_label, parse_drawing
from inkling.services.models import PredictorProvider

MAX_CLIENT_CLOCK_MS = 10 * 60 * 1000  # a client's "ms since the first point" beyond this is nonsense
# A round must always close: about one real raw drawing in 600 has times that step back inside a stroke
# (Quick, Draw!'s own data does), so game ink tolerates that; negative times and malformed ink are refused.
STRICT_TIMES = False


class GameNotFoundError(LookupError):
    """No such game or round (404)."""


class NotYourGameError(PermissionError):
    """The game belongs to another player (403)."""


class UnknownCategoryError(LookupError):
    """No category with that slug (404)."""


@dataclass(frozen=True)
class InkOutcome:
    """One judged ink update: the rules' answer, what to show, the row, and the model used."""

    update: RoundUpdate
    live: LiveGuesses
    round: RoundRow
    model: str
    elapsed_ms: int


@dataclass(frozen=True)
class Finished:
    """A round closed by ``finish_round``, with its result."""

    round: RoundRow
    result: RoundResult


# --- time ----------------------------------------------------------------------------------------


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def epoch_ms(moment: datetime) -> int:
    """Whole milliseconds since the epoch (integer arithmetic: no float rounding)."""
    return (aware(moment) - EPOCH) // ONE_MS


def from_epoch_ms(ms: int) -> datetime:
    """The UTC datetime ``ms`` milliseconds after the epoch."""
    return EPOCH + timedelta(milliseconds=ms)


def _finished_ms(row: RoundRow) -> int | None:
    """Round-clock time of ``finished_at``."""
    if row.finished_at is None or row.started_at is None:
        return None
    return round((aware(row.finished_at) - aware(row.started_at)) / ONE_MS)


def elapsed_ms(row: RoundRow, now: datetime) -> int:
    """Server-clock milliseconds since the round's clock started (never negative; 0 while not begun)."""
    return 0 if row.started_at is None else max(epoch_ms(now) - epoch_ms(row.started_at), 0)


# --- rows <-> domain -----------------------------------------------------------------------------


def round_state(row: RoundRow) -> RoundState:
    """The domain state stored in a ``rounds`` row."""
    return RoundState.restore(
        number=row.number,
        word=row.word.text,
        shown_at_ms=epoch_ms(row.shown_at),
        started_at_ms=None if row.started_at is None else epoch_ms(row.started_at),
        first_stroke_ms=row.first_stroke_ms,
        recognized_ms=row.recognized_ms,
        drawing_ms=row.drawing_ms,
        finished_ms=_finished_ms(row),
        recognized=row.recognized,
        attempts=row.attempts,
        model_id=row.model_id,
        guesses=row.guesses or None,
    )


def _save_round(row: RoundRow, played: Round) -> None:
    """Write a round's state back to its row."""
    record = played.state.to_record()
    for name in ("first_stroke_ms", "recognized_ms", "drawing_ms", "recognized", "attempts", "model_id"):
        setattr(row, name, record[name])
    row.guesses = record["guesses"]
    if row.started_at is None and record["started_at_ms"] is not None:
        row.started_at = from_epoch_ms(record["started_at_ms"])
    finished = record["finished_ms"]
    started = row.started_at
    row.finished_at = None if finished is None or started is None else aware(started) + finished * ONE_MS


def category_of(session: Session, row: GameRow) -> WordCategory | None:
    """The game's word category (None: any word)."""
    return session.get(WordCategory, row.category_id) if row.category_id is not None else None


def domain_game(session: Session, row: GameRow) -> Game:
    """The domain game of a ``games`` row and its rounds."""
    category = category_of(session, row)
    slug = category.slug if category is not None else None
    rounds = [Round(round_state(r)) for r in row.rounds]
    return Game(slug, rounds, row.rounds_total)


def _save_game(row: GameRow, game: Game, now: datetime) -> None:
    """Copy the derived status and score to the ``games`` row."""
    row.score = game.total_score
    if game.status is GameStatus.FINISHED and row.status != GameStatus.FINISHED.value:
        row.status = GameStatus.FINISHED.value
        row.finished_at = now


# --- loading with ownership and locks ------------------------------------------------------------


def _take_write_lock(session: Session, table: Any, row_id: int) -> None:
    """On SQLite, a no-op write so that concurrent read-modify-writes queue behind this transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(table).where(table.id == row_id).values(id=table.id))


def load_game(session: Session, game_id: int, player: User, *, lock: bool = False) -> GameRow:
    """The player's game (404 if none, 403 if another player's), locked for update when ``lock``."""
    if lock:
        _take_write_lock(session, GameRow, game_id)
    rounds = selectinload(GameRow.rounds).joinedload(RoundRow.word, innerjoin=True)
    query = select(GameRow).where(GameRow.id == game_id).options(rounds)
    if lock:
        query = query.with_for_update(of=GameRow).execution_options(populate_existing=True)
    row = session.scalars(query).one_or_none()
    if row is None:
        raise GameNotFoundError(f"no game {game_id}")
    if row.user_id != player.id:
        raise NotYourGameError(f"game {game_id} belongs to another player")
    return row


def load_round(session: Session, round_id: int, player: User, *, lock: bool = False) -> RoundRow:
    """The player's round (404 if none, 403 if another player's), locked for update when ``lock``.

    One statement: the round with its game and word joined in (a live-ink request's only read).
    """
    if lock:
        _take_write_lock(session, RoundRow, round_id)
    query = (
        select(RoundRow)
        .where(RoundRow.id == round_id)
        .options(joinedload(RoundRow.game, innerjoin=True), joinedload(RoundRow.word, innerjoin=True))
    )
    if lock:
        query = query.with_for_update(of=RoundRow).execution_options(populate_existing=True)
    row = session.scalars(query).one_or_none()
    if row is None:
        raise GameNotFoundError(f"no round {round_id}")
    if row.game.user_id != player.id:
        raise NotYourGameError(f"round {round_id} belongs to another player's game")
    return row


def _require_open(row: RoundRow) -> RoundRow:
    """The round, if it still takes ink; ``RoundClosedError`` (409) once it is finished."""
    if row.finished_at is not None:
        raise RoundClosedError(f"round {row.number} ({row.word.text!r}) is already finished")
    return row


def list_games(session: Session, player: User, limit: int = 50) -> list[GameRow]:
    """The player's games, newest first."""
    query = (
        select(GameRow)
        .where(GameRow.user_id == player.id)
        .options(selectinload(GameRow.rounds))
        .order_by(GameRow.started_at.desc(), GameRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


# --- use cases -----------------------------------------------------------------------------------


def start_game(
    session: Session,
    player: User,
    category_slug: str | None,
    now: datetime,
    rounds_total: int = ROUNDS_PER_GAME,
) -> GameRow:
    """A new game in a category (``None``: any word) for ``player``."""
    category = None
    if category_slug is not None:
        category = WordRepository(session).get_category(category_slug)
        if category is None:
            raise UnknownCategoryError(f"no word category {category_slug!r}")
    row = GameRow(
        user_id=player.id,
        category_id=category.id if category else None,
        rounds_total=rounds_total,
        status=GameStatus.PLAYING.value,
        score=0,
        started_at=now,
    )
    session.add(row)
    session.flush()
    return row


def candidate_words(session: Session, game: GameRow) -> list[str]:
    """Words the next round may show: the game's category, or any word when it has too few (GAME.md)."""
    repository = WordRepository(session)
    category = category_of(session, game)
    if category is not None:
        words = [w.text for w in repository.list_words(category.slug)]
        if len(words) >= game.rounds_total:
            return words
    return [w.text for w in repository.list_words()]


def start_round(session: Session, game_id: int, player: User, now: datetime, rng: random.Random) -> RoundRow:
    """Show the game's next round, a word not drawn in it yet; an expired open round is closed first.

    The round's clock starts later (``begin_round``, or its first ink). The word list is read before
    the game's row is locked, so the lock is held only for the update.
    """
    words = candidate_words(session, load_game(session, game_id, player))
    row = load_game(session, game_id, player, lock=True)
    game = domain_game(session, row)
    current = game.current_round
    if current is not None and Round.is_expired(current.elapsed_ms(epoch_ms(now))):
        current.finish(current.elapsed_ms(epoch_ms(now)))
        _save_round(row.rounds[-1], current)
    played = game.show_next_round(words, rng, epoch_ms(now))
    word = session.scalars(select(Word).where(Word.text == played.word)).one()
    new = RoundRow(
        game_id=row.id, number=played.number, word_id=word.id, shown_at=now, started_at=None, guesses={}
    )
    _save_round(new, played)
    session.add(new)
    _save_game(row, game, now)
    session.flush()
    return new


def _model_id(session: Session, predictor: DoodlePredictor) -> int | None:
    """The registry id of the predictor's model (None for a model outside the registry)."""
    if predictor.registry_id is not None:
        return predictor.registry_id
    name, version = predictor.model_name, predictor.version
    if version is None:
        return None
    query = select(RegisteredModel.id).where(RegisteredModel.name == name, RegisteredModel.version == version)
    return session.scalar(query)


def begin_round(session: Session, round_id: int, player: User, now: datetime) -> tuple[RoundRow, int]:
    """Start the round's clock now (the player dismissed the word card); a round begun keeps its start.

    Returns the row and the round-clock time now. A finished round is 409.
    """
    row = _require_open(load_round(session, round_id, player, lock=True))
    played = Round(round_state(row))
    elapsed = played.begin(epoch_ms(now))
    _save_round(row, played)
    session.flush()
    return row, elapsed


def _ink_age_ms(ink: Ink | None, client_clock_ms: int | None) -> int:
    """How long ago the drawing's first point was drawn: the client's clock, else its last timestamp."""
    if ink is None:
        return 0
    if client_clock_ms is None:
        times = [float(s.ts.max()) for s in ink if s.ts is not None]
        client_clock_ms = int(max(times)) if times else 0
    return max(client_clock_ms, 0)


def _begun(played: Round, now: datetime, ink: Ink | None, client_clock_ms: int | None) -> int:
    """Begin the round if its card was still up (ink drawn on the card counts); the round-clock time now."""
    return played.begin(epoch_ms(now), drawn_for_ms=_ink_age_ms(ink, client_clock_ms))


def _first_stroke_ms(elapsed: int, ink: Ink | None, client_clock_ms: int | None) -> int | None:
    """When the first point was drawn, on the round clock: now minus the drawing's own age."""
    if ink is None:
        return None
    return max(elapsed - _ink_age_ms(ink, client_clock_ms), 0)


def _store_drawing(session: Session, row: RoundRow, raw_ink: list[Any], ink: Ink, player: User) -> None:
    """Keep the round's full drawing (one ``drawings`` row per round, replaced as the ink grows)."""
    points = sum(len(s.xs) for s in ink)
    drawing = row.drawing
    if drawing is None:
        drawing = Drawing(ink=raw_ink, word_id=row.word_id, user_id=player.id, source="game")
        session.add(drawing)
        row.drawing = drawing
    drawing.ink = raw_ink
    drawing.stroke_count = len(ink)
    drawing.point_count = points


def _judge(
    session: Session,
    ink: Ink | None,
    provider: PredictorProvider,
    raw_ink: list[Any],
) -> tuple[list[tuple[str, float]], str, int | None]:
    """Run the active model on the ink: ranked (word, probability), ``name@version``, registry id."""
    predictor = doodle_predictor(provider)
    result = guess_doodle(predictor, ink if ink is not None else raw_ink)
    model_id = _model_id(session, predictor)
    return [(g.word, g.probability) for g in result.guesses], model_label(predictor), model_id


LIVE_STORE_INTERVAL_MS = 1_000  # live guesses alone are stored at most this often (a finish stores its own)


@dataclass(frozen=True)
class _Recorded:
    """One ink update applied to a round's state (not stored yet)."""

    played: Round
    update: RoundUpdate
    elapsed_ms: int


def _record(
    state: RoundState,
    now: datetime,
    ink: Ink | None,
    client_clock_ms: int | None,
    guesses: list[tuple[str, float]],
    model_id: int | None,
) -> _Recorded:
    """Begin the round if needed and record the model's guesses for the ink, on the round clock."""
    played = Round(state)
    elapsed = _begun(played, now, ink, client_clock_ms)
    first = _first_stroke_ms(elapsed, ink, client_clock_ms)
    strokes = 0 if ink is None else len(ink)
    update_ = played.record_guesses(elapsed, guesses, strokes, first_stroke_ms=first, model_id=model_id)
    return _Recorded(played, update_, elapsed)


def _worth_storing(before: RoundState, after: RoundState) -> bool:
    """Anything but fresher live guesses is stored at once; those only every ``LIVE_STORE_INTERVAL_MS``."""
    if not after.differs_only_in_live_guesses(before):
        return True
    if before.last_at_ms is None or after.last_at_ms is None:
        return after.last_at_ms is not None
    return after.last_at_ms - before.last_at_ms >= LIVE_STORE_INTERVAL_MS


def _store_update(
    session: Session,
    row: RoundRow,
    judged: _Recorded,
    raw_ink: list[Any],
    ink: Ink | None,
    player: User,
    now: datetime,
) -> None:
    """Write an ink update to the (locked) round row: its state, and the drawing once recognised or closed."""
    _save_round(row, judged.played)
    outcome = judged.update
    if ink is not None and (outcome.outcome is Outcome.RECOGNISED or outcome.closed):
        _store_drawing(session, row, raw_ink, ink, player)
    if outcome.closed:
        _close_game(session, row, now)
    elif outcome.outcome is not Outcome.RECOGNISED:
        relax_commit_durability(session)  # live guesses only: the next ink or the finish supersedes them


def submit_ink(
    session: Session,
    round_id: int,
    player: User,
    raw_ink: list[Any],
    provider: PredictorProvider,
    now: datetime,
    client_clock_ms: int | None = None,
) -> InkOutcome:
    """Judge the drawing so far; the drawing is stored when it is recognised or the round closes.

    The model runs before the round is read. Most updates change only the live guesses: those are
    stored at most every ``LIVE_STORE_INTERVAL_MS`` (a live-ink request is then two reads: its session
    and its round). Any other change (the clock begun, a new word said, recognition, the end) locks
    the row, applies the update again to the fresh row and stores it.
    """
    ink = parse_drawing(raw_ink, strict_times=STRICT_TIMES)  # InkError before anything is read or written
    guesses, label, model_id = _judge(session, ink, provider, raw_ink)
    row = _require_open(load_round(session, round_id, player))
    before = round_state(row)
    judged = _record(before, now, ink, client_clock_ms, guesses, model_id)
    if _worth_storing(before, judged.played.state):
        row = _require_open(load_round(session, round_id, player, lock=True))
        judged = _record(round_state(row), now, ink, client_clock_ms, guesses, model_id)
        _store_update(session, row, judged, raw_ink, ink, player, now)
    played, outcome, elapsed = judged.played, judged.update, judged.elapsed_ms
    recognized_word = played.word if played.recognized else None
    live = live_guesses(outcome.guesses, recognized_word=recognized_word)
    session.flush()
    return InkOutcome(outcome, live, row, label, elapsed)


def finish_round(
    session: Session,
    round_id: int,
    player: User,
    raw_ink: list[Any],
    provider: PredictorProvider,
    now: datetime,
    client_clock_ms: int | None = None,
) -> Finished:
    """Close the round (time ran out, the player gave up or moves on) and store its full drawing."""
    ink = parse_drawing(raw_ink, strict_times=STRICT_TIMES)
    judged = _judge(session, ink, provider, raw_ink) if ink is not None else None
    row = _require_open(load_round(session, round_id, player, lock=True))
    played = Round(round_state(row))
    elapsed = _begun(played, now, ink, client_clock_ms)
    result = None
    if judged is not None:
        guesses, _, model_id = judged
        first = _first_stroke_ms(elapsed, ink, client_clock_ms)
        update_ = played.record_guesses(elapsed, guesses, len(ink), first_stroke_ms=first, model_id=model_id)
        result = update_.result
    if result is None:
        result = played.finish(elapsed)
    _save_round(row, played)
    if ink is not None:
        _store_drawing(session, row, raw_ink, ink, player)
    _close_game(session, row, now)
    session.flush()
    return Finished(row, result)


def _close_game(session: Session, row: RoundRow, now: datetime) -> None:
    """Bring the game's score and status up to date after one of its rounds closed."""
    session.flush()
    game_row = row.game
    played_words = select(RoundRow.word_id).where(RoundRow.game_id == game_row.id)
    session.scalars(select(Word).where(Word.id.in_(played_words))).all()  # one read, not one per round
    session.refresh(game_row, attribute_names=["rounds"])
    _save_game(game_row, domain_game(session, game_row), now)


def model_labels(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    """``name@version`` of registry models by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(RegisteredModel.id, RegisteredModel.name, RegisteredModel.version).where(
            RegisteredModel.id.in_(wanted)
        )
    )
    return {i: f"{name}@{version}" for i, name, version in rows}
