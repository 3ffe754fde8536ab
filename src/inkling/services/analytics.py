"""Leaderboards and "which word is hardest for the machine": queries over games and rounds.

Only *closed* rounds (``finished_at`` set) in which the player drew count: a blank round (no stroke
ever judged, ``first_stroke_ms`` null) says nothing about the machine, so it is kept out of the
recognition rates, the hardest words and the best games (a game with no drawing is not listed).
Counts and rates are SQL aggregates; medians use a portable window-function query (``row_number`` and
``count`` over the group, then the average of the one or two middle rows), so SQLite and PostgreSQL
give the same numbers and no round rows are fetched. Median time and median attempts are over the
*recognised* rounds: how long, and how many wrong guesses, the machine needed when it got there.
Filters: a model version (``models.id``) and a category.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from inkling.db.models import Game, RegisteredModel, Round, User, Word, WordCategory

GUEST_NAME = "guest"  # how guests appear on leaderboards
MAX_LIMIT = 100  # longest leaderboard a caller may ask for
PACK_WORDS_SHOWN = 3  # a word pack's words named in its label


@dataclass(frozen=True)
class FastRecognition:
    """One recognised round on the "fastest" board."""

    player: str
    word: str
    category: str
    recognized_ms: int
    attempts: int
    played_at: datetime
    model_id: int | None


@dataclass(frozen=True)
class BestGame:
    """One finished game on the "best games" board."""

    game_id: int
    player: str
    score: int
    rounds_total: int
    recognized: int
    category: str | None
    finished_at: datetime | None
    drawn: int = 0  # rounds the player drew something in


@dataclass(frozen=True)
class Difficulty:
    """How one word (or category) fares with the machine."""

    key: str
    label: str
    category: str
    rounds: int
    recognized: int
    median_ms: float | None
    median_attempts: float | None

    @property
    def recognition_rate(self) -> float:
        """Recognised rounds over rounds played (0 when none)."""
        return self.recognized / self.rounds if self.rounds else 0.0


class WordSort(StrEnum):
    """Orders for the word table."""

    hardest = "hardest"  # lowest recognition rate first, then slowest
    easiest = "easiest"  # highest recognition rate first, then fastest
    slowest = "slowest"  # longest median time to recognition first
    attempts = "attempts"  # most median attempts first
    rounds = "rounds"  # most played first
    word = "word"  # alphabetical


@dataclass(frozen=True)
class ModelVersion:
    """A registered model, without its ONNX bytes: what a filter or a model picker shows."""

    id: int
    name: str
    version: int
    task: str
    is_active: bool
    classes: int
    pack: str | None
    metrics: dict[str, Any]
    created_at: datetime
    words: tuple[str, ...] = ()  # the words it knows (its classes), in its own order

    @property
    def label(self) -> str:
        """``name v3``."""
        return f"{self.name} v{self.version}"

    @property
    def described(self) -> str:
        """What a filter shows: ``pack-fashion v1 — 6 words: bowtie, lipstick, purse, …``."""
        if self.pack is None or not self.words:
            return f"{self.label} — all {self.classes} words" if self.classes else self.label
        shown = ", ".join(self.words[:PACK_WORDS_SHOWN])
        more = ", …" if len(self.words) > PACK_WORDS_SHOWN else ""
        return f"{self.label} — {self.classes} words: {shown}{more}"


def _player(username: str, is_guest: bool) -> str:
    return GUEST_NAME if is_guest else username


def _drawn() -> ColumnElement[bool]:
    """A round the player drew in (a stroke was judged): blank rounds do not count against the model."""
    return Round.first_stroke_ms.is_not(None)


def _closed_rounds(model_id: int | None, category: str | None) -> list[ColumnElement[bool]]:
    """Conditions for the rounds that count, under the filters (the query must join Word and category)."""
    conditions: list[ColumnElement[bool]] = [Round.finished_at.is_not(None), _drawn()]
    if model_id is not None:
        conditions.append(Round.model_id == model_id)
    if category is not None:
        conditions.append(WordCategory.slug == category)
    return conditions


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def fastest_recognitions(
    session: Session, *, model_id: int | None = None, category: str | None = None, limit: int = 10
) -> list[FastRecognition]:
    """Recognised rounds, quickest first (ties: the earlier round)."""
    query = (
        select(
            User.username,
            User.is_guest,
            Word.text,
            WordCategory.name,
            Round.recognized_ms,
            Round.attempts,
            Round.started_at,
            Round.model_id,
        )
        .join(Game, Game.id == Round.game_id)
        .join(User, User.id == Game.user_id)
        .join(Word, Word.id == Round.word_id)
        .join(WordCategory, WordCategory.id == Word.category_id)
        .where(*_closed_rounds(model_id, category), Round.recognized.is_(True))
        .where(Round.recognized_ms.is_not(None))
        .order_by(Round.recognized_ms, Round.started_at, Round.id)
        .limit(_limit(limit))
    )
    return [
        FastRecognition(_player(name, guest), word, cat, ms, attempts, at, model)
        for name, guest, word, cat, ms, attempts, at, model in session.execute(query)
    ]


def best_games(session: Session, *, model_id: int | None = None, limit: int = 10) -> list[BestGame]:
    """Finished games with a drawing, best score first (ties: the earlier finish); a model keeps its games."""
    recognized = (
        select(func.count(Round.id))
        .where(Round.game_id == Game.id, Round.recognized.is_(True))
        .correlate(Game)
        .scalar_subquery()
    )
    drawn = select(func.count(Round.id)).where(Round.game_id == Game.id, _drawn()).correlate(Game)
    drawn_count = drawn.scalar_subquery()
    query = (
        select(
            Game.id,
            User.username,
            User.is_guest,
            Game.score,
            Game.rounds_total,
            recognized,
            WordCategory.name,
            Game.finished_at,
            drawn_count,
        )
        .join(User, User.id == Game.user_id)
        .outerjoin(WordCategory, WordCategory.id == Game.category_id)
        .where(Game.status == "finished", exists().where(Round.game_id == Game.id, _drawn()))
        .order_by(Game.score.desc(), Game.finished_at, Game.id)
        .limit(_limit(limit))
    )
    if model_id is not None:
        query = query.where(exists().where(Round.game_id == Game.id, Round.model_id == model_id))
    return [
        BestGame(gid, _player(name, guest), score, total, hits or 0, cat, at, count or 0)
        for gid, name, guest, score, total, hits, cat, at, count in session.execute(query)
    ]


def _medians(
    session: Session, key: ColumnElement[Any], value: ColumnElement[Any], where: list[ColumnElement[bool]]
) -> dict[Any, float]:
    """The median of ``value`` per ``key`` over recognised rounds matching ``where``: portable SQL."""
    ranked = (
        select(
            key.label("k"),
            value.label("v"),
            func.row_number().over(partition_by=key, order_by=value).label("rn"),
            func.count().over(partition_by=key).label("n"),
        )
        .select_from(Round)
        .join(Word, Word.id == Round.word_id)
        .join(WordCategory, WordCategory.id == Word.category_id)
        .where(*where, Round.recognized.is_(True), value.is_not(None))
        .subquery()
    )
    middle = and_(ranked.c.rn >= (ranked.c.n + 1) // 2, ranked.c.rn <= (ranked.c.n + 2) // 2)
    query = select(ranked.c.k, func.avg(ranked.c.v)).where(middle).group_by(ranked.c.k)
    return {k: float(v) for k, v in session.execute(query)}


def _difficulty_query(group: list[ColumnElement[Any]], where: list[ColumnElement[bool]]) -> Select[Any]:
    """Rounds and recognised rounds per group."""
    hits = func.sum(case((Round.recognized.is_(True), 1), else_=0))
    return (
        select(*group, func.count(Round.id), hits)
        .select_from(Round)
        .join(Word, Word.id == Round.word_id)
        .join(WordCategory, WordCategory.id == Word.category_id)
        .where(*where)
        .group_by(*group)
    )


def _sorted(rows: list[Difficulty], sort: WordSort) -> list[Difficulty]:
    """``rows`` in the order ``sort`` names; missing medians go last."""
    big = float("inf")
    keys = {
        WordSort.hardest: lambda d: (d.recognition_rate, -(d.median_ms or big), d.label.casefold()),
        WordSort.easiest: lambda d: (-d.recognition_rate, d.median_ms or big, d.label.casefold()),
        WordSort.slowest: lambda d: (d.median_ms is None, -(d.median_ms or 0), d.label.casefold()),
        WordSort.attempts: lambda d: (d.median_attempts is None, -(d.median_attempts or 0), d.label),
        WordSort.rounds: lambda d: (-d.rounds, d.label.casefold()),
        WordSort.word: lambda d: d.label.casefold(),
    }
    return sorted(rows, key=keys[WordSort(sort)])


def word_difficulty(
    session: Session,
    *,
    model_id: int | None = None,
    category: str | None = None,
    min_rounds: int = 1,
    sort: WordSort | str = WordSort.hardest,
) -> list[Difficulty]:
    """Per word: rounds played, recognition rate, median time and attempts; words under ``min_rounds`` out."""
    where = _closed_rounds(model_id, category)
    query = _difficulty_query([Word.id, Word.text, WordCategory.name], where)
    times = _medians(session, Word.id, Round.recognized_ms, where)
    tries = _medians(session, Word.id, Round.attempts, where)
    rows = [
        Difficulty(str(wid), text, cat, n, int(hits or 0), times.get(wid), tries.get(wid))
        for wid, text, cat, n, hits in session.execute(query)
        if n >= max(1, min_rounds)
    ]
    return _sorted(rows, WordSort(sort))


def category_difficulty(
    session: Session, *, model_id: int | None = None, min_rounds: int = 1
) -> list[Difficulty]:
    """Per category: rounds played, recognition rate, median time and attempts; hardest first."""
    where = _closed_rounds(model_id, None)
    query = _difficulty_query([WordCategory.slug, WordCategory.name], where)
    times = _medians(session, WordCategory.slug, Round.recognized_ms, where)
    tries = _medians(session, WordCategory.slug, Round.attempts, where)
    rows = [
        Difficulty(slug, name, name, n, int(hits or 0), times.get(slug), tries.get(slug))
        for slug, name, n, hits in session.execute(query)
        if n >= max(1, min_rounds)
    ]
    return _sorted(rows, WordSort.hardest)


def model_exists(session: Session, model_id: int) -> bool:
    """Whether a registered model has id ``model_id``."""
    return session.scalar(select(RegisteredModel.id).where(RegisteredModel.id == model_id)) is not None


def category_exists(session: Session, slug: str) -> bool:
    """Whether a word category has ``slug``."""
    return session.scalar(select(WordCategory.id).where(WordCategory.slug == slug)) is not None


def model_versions(session: Session, task: str | None = "doodle") -> list[ModelVersion]:
    """Registered models (of ``task``), active first then newest; never reads the ONNX bytes."""
    query = select(
        RegisteredModel.id,
        RegisteredModel.name,
        RegisteredModel.version,
        RegisteredModel.task,
        RegisteredModel.is_active,
        RegisteredModel.meta,
        RegisteredModel.created_at,
    ).order_by(RegisteredModel.is_active.desc(), RegisteredModel.created_at.desc(), RegisteredModel.id.desc())
    if task is not None:
        query = query.where(RegisteredModel.task == task)
    found = []
    for mid, name, version, kind, active, meta, created in session.execute(query):
        meta = meta or {}
        classes = meta.get("classes")
        metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
        pack = _pack_name(meta.get("pack"), name)
        found.append(
            ModelVersion(
                mid,
                name,
                version,
                kind,
                bool(active),
                len(classes) if isinstance(classes, list) else 0,
                pack,
                {k: v for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)},
                created,
                tuple(str(c) for c in classes) if isinstance(classes, list) else (),
            )
        )
    return found


def _pack_name(pack: Any, model_name: str) -> str | None:
    """A word pack's name: the metadata's, or the model's own when the metadata only says ``true``."""
    if isinstance(pack, str) and pack.strip():
        return pack.strip()
    return model_name if pack is True else None
