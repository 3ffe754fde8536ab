"""``/api/v1/rounds``: start the clock, live ink (guesses and outcome), finish a round, label its drawing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from inkling.game import Round
from inkling.services import feedback
from inkling.services import game as games
from inkling.web.api.doodles import GuessPublic
from inkling.web.api.errors import ANY_REQUEST
from inkling.web.api.game_errors import UPDATE_ERRORS, game_errors, require_player
from inkling.web.api.game_schemas import (
    FeedbackCreate,
    FeedbackPublic,
    InkCreate,
    InkResultPublic,
    LiveGuessPublic,
    RoundClockPublic,
    RoundResultPublic,
    feedback_public,
    live_points,
    result_public,
)
from inkling.web.deps import CsrfProtect, CurrentUserDep, NowDep, PredictorsDep, SessionDep
from inkling.web.params import MAX_DB_ID

router = APIRouter(
    prefix="/api/v1/rounds",
    tags=["rounds"],
    dependencies=[CsrfProtect],
    responses={**ANY_REQUEST, **UPDATE_ERRORS},
)

RoundId = Path(ge=1, le=MAX_DB_ID, description="the round's id")


def _guesses(items: Any) -> list[GuessPublic]:
    return [GuessPublic(word=g.word, probability=round(g.probability, 6)) for g in items]


@router.post("/{round_id}/begin", response_model=RoundClockPublic)
def begin_round(
    session: SessionDep, user: CurrentUserDep, now: NowDep, round_id: int = RoundId
) -> RoundClockPublic:
    """Start the round's 20 s clock now: the player dismissed the word card ("Got it!", a key, a stroke).

    Beginning a round already begun changes nothing and answers its clock. Ink or a finish sent to a
    round not begun yet begins it first, at its drawing's first point (never before the word was shown).
    """
    with game_errors():
        row, elapsed = games.begin_round(session, round_id, require_player(user), now)
    session.commit()
    return RoundClockPublic(
        round_id=row.id,
        status="drawing",
        started_at=row.started_at,
        elapsed_ms=elapsed,
        remaining_ms=Round.remaining_ms(elapsed),
    )


@router.post("/{round_id}/ink", response_model=InkResultPublic)
def submit_ink(
    body: InkCreate,
    session: SessionDep,
    user: CurrentUserDep,
    predictors: PredictorsDep,
    now: NowDep,
    round_id: int = RoundId,
) -> InkResultPublic:
    """Judge the drawing so far: live guesses, the outcome, time left; the result once the round closes."""
    with game_errors():
        judged = games.submit_ink(
            session, round_id, require_player(user), body.ink, predictors, now, body.clock_ms
        )
    update, live, row = judged.update, judged.live, judged.round
    result = None
    if update.result:  # the round closed: its result names the model that was judging it
        labels = games.model_labels(session, [row.model_id])
        result = result_public(update.result, row, labels, with_ink=False)
    answer = InkResultPublic(
        round_id=row.id,
        outcome=update.outcome.value,
        accepted=update.accepted,
        recognized=row.recognized,
        points=live_points(row),
        closed=update.closed,
        guesses=_guesses(update.guesses),
        live=LiveGuessPublic(
            words=list(live.words), confident=live.confident, phrase=live.phrase(), shown=_guesses(live.shown)
        ),
        remaining_ms=update.remaining_ms,
        elapsed_ms=judged.elapsed_ms,
        model=judged.model,
        result=result,
    )
    session.commit()  # last: once committed nothing can fail, so a stored round never answers 503
    return answer


@router.post("/{round_id}/finish", response_model=RoundResultPublic)
def finish_round(
    body: InkCreate,
    session: SessionDep,
    user: CurrentUserDep,
    predictors: PredictorsDep,
    now: NowDep,
    round_id: int = RoundId,
) -> RoundResultPublic:
    """Close the round (time is up, the player gives up or moves on) and store its full drawing."""
    with game_errors():
        finished = games.finish_round(
            session, round_id, require_player(user), body.ink, predictors, now, body.clock_ms
        )
    labels = games.model_labels(session, [finished.round.model_id])
    answer = result_public(finished.result, finished.round, labels)
    session.commit()
    return answer


@router.post("/{round_id}/feedback", response_model=FeedbackPublic, status_code=201)
def give_feedback(
    body: FeedbackCreate, session: SessionDep, user: CurrentUserDep, now: NowDep, round_id: int = RoundId
) -> FeedbackPublic:
    """Answer "You were asked to draw X. Is this an X?": confirm the word asked, or name the word it shows.

    The label is about the word asked, never the model's answer: ``{"confirmed": true}`` labels the
    drawing with the round's word (naming any other word with it is 422); ``{"confirmed": false,
    "word": "..."}`` with any official word corrects it. The answer says the label's ``source``.
    """
    with game_errors():
        feedback.give_feedback(session, round_id, require_player(user), body.word, body.confirmed, now)
    session.commit()
    row = games.load_round(session, round_id, require_player(user))
    return feedback_public(round_id, feedback.labels_of(session, [row])[round_id])
