"""Request and response schemas of the game API, and their mapping from rows (only XPublic leaves)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from inkling.db.models import Game as GameRow
from inkling.db.models import Round as RoundRow
from inkling.game import MAX_ROUND_POINTS, ROUND_MS, Round, RoundResult, round_points
from inkling.services import game as games
from inkling.services.feedback import GivenFeedback, LabelSource, labels_of
from inkling.web.api.doodles import GuessPublic
from inkling.web.api.fields import StrictBody, UtcDatetime

MAX_CLIENT_CLOCK_MS = games.MAX_CLIENT_CLOCK_MS


class GameCreate(StrictBody):
    """A new game: a category slug (see ``GET /api/v1/words/categories``), or null for any word."""

    category: str | None = Field(default=None, min_length=1, max_length=64)


class InkCreate(StrictBody):
    """The drawing so far in Quick, Draw! raw ink ``[[xs, ys, ts], ...]`` ([] for an empty canvas)."""

    ink: list[Any] = Field(description="strokes [[xs, ys, ts], ...], ts in ms since the first point")
    clock_ms: int | None = Field(
        default=None,
        ge=0,
        le=MAX_CLIENT_CLOCK_MS,
        description="ms since the drawing's first point when the client sent it (default: the last ts)",
    )


class FeedbackCreate(StrictBody):
    """The player's answer to "You were asked to draw X. Is this an X?" for a round's drawing."""

    confirmed: bool = Field(description="true: it shows the word asked; false: it shows ``word``")
    word: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="the official word it shows (needed unless confirmed; if confirmed, the word asked)",
    )


class FeedbackPublic(BaseModel):
    """A round's label: the word, its source, and the word the player was asked to draw."""

    round_id: int
    word: str
    confirmed: bool
    source: str = Field(description="prompt (the word asked, unanswered) | confirmed | corrected")
    prompt: str = Field(description="the word the player was asked to draw")


class RoundResultPublic(BaseModel):
    """A closed round: whether and when the model named the word, times, attempts, points, the drawing."""

    recognized: bool
    blank: bool = Field(description="the player drew nothing: the round does not count against the model")
    points: int
    attempts: int
    first_stroke_ms: int | None
    recognized_ms: int | None
    drawing_ms: int | None
    drawing_duration_ms: int | None
    finished_ms: int
    said: list[str]
    guesses: list[GuessPublic]
    model: str | None
    drawing_id: int | None
    ink: list[Any] | None = None


class RoundPublic(BaseModel):
    """A round: its word, when it was shown and started, how long the player has; ``result`` once closed."""

    id: int
    game_id: int
    number: int
    word: str
    shown_at: UtcDatetime = Field(description="when the word card was shown")
    started_at: UtcDatetime | None = Field(
        description="when the clock started (POST .../begin, or its first ink); null while the card is up"
    )
    time_limit_ms: int
    status: str = Field(description="shown (word card up, clock not started) | drawing | finished")
    result: RoundResultPublic | None = None
    feedback: FeedbackPublic | None = Field(default=None, description="the player's answer, once given")
    label: FeedbackPublic | None = Field(
        default=None, description="the stored drawing's label (source prompt until the player answers)"
    )


class GamePublic(BaseModel):
    """A game and its rounds so far."""

    id: int
    category: str | None
    category_name: str | None
    rounds_total: int
    status: str
    score: int
    max_score: int
    started_at: UtcDatetime
    finished_at: UtcDatetime | None
    rounds: list[RoundPublic]


class LiveGuessPublic(BaseModel):
    """What the UI says while the player draws: "I see… cat? or fox?"."""

    words: list[str]
    confident: bool
    phrase: str
    shown: list[GuessPublic]


class RoundClockPublic(BaseModel):
    """A round's clock, once begun: how long it has run and how long the player has left."""

    round_id: int
    status: str = Field(description="drawing | finished")
    started_at: UtcDatetime
    elapsed_ms: int
    remaining_ms: int


class InkResultPublic(BaseModel):
    """The answer to one ink update."""

    round_id: int
    outcome: str  # drawing | recognised | already_recognised | timed_out
    accepted: bool
    recognized: bool
    points: int = Field(description="the round's points so far: set the moment the model names the word")
    closed: bool
    guesses: list[GuessPublic]
    live: LiveGuessPublic
    remaining_ms: int
    elapsed_ms: int
    model: str
    result: RoundResultPublic | None = None


def _guesses(items: Any) -> list[GuessPublic]:
    return [GuessPublic(word=g.word, probability=round(g.probability, 6)) for g in items]


def result_public(
    result: RoundResult, row: RoundRow, labels: dict[int, str], *, with_ink: bool = True
) -> RoundResultPublic:
    """The public form of a closed round's result."""
    return RoundResultPublic(
        recognized=result.recognized,
        blank=result.blank,
        points=result.points,
        attempts=result.attempts,
        first_stroke_ms=result.first_stroke_ms,
        recognized_ms=result.recognized_ms,
        drawing_ms=result.drawing_ms,
        drawing_duration_ms=result.drawing_duration_ms,
        finished_ms=result.finished_ms,
        said=list(result.said),
        guesses=_guesses(result.guesses),
        model=labels.get(result.model_id) if result.model_id is not None else None,
        drawing_id=row.drawing_id,
        ink=row.drawing.ink if with_ink and row.drawing is not None else None,
    )


def round_status(played: Round) -> str:
    """``shown`` (word card up), ``drawing`` or ``finished``."""
    if played.closed:
        return "finished"
    return "drawing" if played.begun else "shown"


def live_points(row: RoundRow) -> int:
    """A round's points as they stand: set as soon as the model names the word."""
    return round_points(row.recognized_ms)


def feedback_public(round_id: int, given: GivenFeedback) -> FeedbackPublic:
    """The public form of a round's label."""
    return FeedbackPublic(
        round_id=round_id,
        word=given.word,
        confirmed=given.confirmed,
        source=given.source.value,
        prompt=given.prompt,
    )


def round_public(
    row: RoundRow,
    labels: dict[int, str],
    label: GivenFeedback | None = None,
    *,
    with_ink: bool = True,
) -> RoundPublic:
    """The public form of a round row (``label``: its drawing's label, see ``services.feedback``)."""
    played = Round(games.round_state(row))
    result = result_public(played.result(), row, labels, with_ink=with_ink) if played.closed else None
    stored = label is not None and played.closed and row.drawing_id is not None
    shown = feedback_public(row.id, label) if stored and label is not None else None
    return RoundPublic(
        id=row.id,
        game_id=row.game_id,
        number=row.number,
        word=row.word.text,
        shown_at=row.shown_at,
        started_at=row.started_at,
        time_limit_ms=ROUND_MS,
        status=round_status(played),
        result=result,
        feedback=shown if shown is not None and shown.source != LabelSource.PROMPT else None,
        label=shown,
    )


def game_public(session: Session, row: GameRow, *, with_ink: bool = True) -> GamePublic:
    """The public form of a game with all its rounds."""
    labels = games.model_labels(session, [r.model_id for r in row.rounds])
    given = labels_of(session, row.rounds)
    category = games.category_of(session, row)
    return GamePublic(
        id=row.id,
        category=category.slug if category is not None else None,
        category_name=category.name if category is not None else None,
        rounds_total=row.rounds_total,
        status=row.status,
        score=row.score,
        max_score=row.rounds_total * MAX_ROUND_POINTS,
        started_at=row.started_at,
        finished_at=row.finished_at,
        rounds=[round_public(r, labels, given.get(r.id), with_ink=with_ink) for r in row.rounds],
    )
