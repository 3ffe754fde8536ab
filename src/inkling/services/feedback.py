"""Labels for game drawings: the word the player was asked to draw, confirmed or corrected by them.

A game drawing is labelled with its round's word (source ``prompt``) until its player says otherwise.
The question is always about that word — "You were asked to draw a key. Is this a key?" — never about
what the model said, so one click cannot store the model's wrong answer as a label:

- ``confirmed``: yes, it shows the word asked;
- ``corrected``: no, it shows another official word (any of the word list).

One label per round and player: a new answer replaces the old. Functions flush but never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from inkling.db.models import Feedback, User, Word
from inkling.db.models import Round as RoundRow
from inkling.db.repositories.words import WordRepository
from inkling.game import same_word
from inkling.services.game import load_round


class LabelSource(StrEnum):
    """Where a game drawing's label comes from."""

    PROMPT = "prompt"  # the word the player was asked to draw; nobody has said otherwise
    CONFIRMED = "confirmed"  # the player said the drawing shows the word asked
    CORRECTED = "corrected"  # the player said it shows another official word


class UnknownWordError(LookupError):
    """Feedback names a word that is not in the word list (422)."""


class NoDrawingError(RuntimeError):
    """Feedback on a round that has no stored drawing (409)."""


class LabelMismatchError(ValueError):
    """A confirmation that names another word than the one asked (422): it would mislabel the drawing."""


@dataclass(frozen=True)
class GivenFeedback:
    """A round's label: the word, where it comes from, and the word the player was asked to draw."""

    word: str
    source: LabelSource
    prompt: str

    @property
    def confirmed(self) -> bool:
        """Whether the label is the word asked, as the player said."""
        return self.source is LabelSource.CONFIRMED


def give_feedback(
    session: Session, round_id: int, player: User, word_text: str | None, confirmed: bool, now: datetime
) -> Feedback:
    """Label the round's drawing: ``confirmed`` = it shows the word asked; else it shows ``word_text``."""
    row = load_round(session, round_id, player)
    if row.finished_at is None or row.drawing_id is None:
        raise NoDrawingError(f"round {round_id} has no finished drawing to label yet")
    prompt = row.word
    if confirmed and word_text is not None and not same_word(word_text, prompt.text):
        raise LabelMismatchError(
            f"a confirmation labels the drawing with the word asked ({prompt.text!r}), not {word_text!r}: "
            "send confirmed: false with the word it shows to correct it"
        )
    if not confirmed and word_text is None:
        raise UnknownWordError("say which official word the drawing shows (word), or confirm the word asked")
    label = prompt if word_text is None else word_named(session, word_text)
    source = LabelSource.CONFIRMED if label.id == prompt.id else LabelSource.CORRECTED
    top = (row.guesses or {}).get("last") or []
    guessed = _word_or_none(session, top[0][0]) if top else None
    feedback = session.scalars(
        select(Feedback).where(Feedback.round_id == row.id, Feedback.user_id == player.id)
    ).one_or_none()
    if feedback is None:
        feedback = Feedback(drawing_id=row.drawing_id, round_id=row.id, user_id=player.id)
        session.add(feedback)
    feedback.guessed_word_id = guessed.id if guessed else None
    feedback.correct_word_id = label.id
    feedback.source = source.value
    feedback.confirmed = source is LabelSource.CONFIRMED
    feedback.created_at = now
    session.flush()
    return feedback


def _word_or_none(session: Session, text: str) -> Word | None:
    """The word row named ``text`` (case-, space- and underscore-insensitive), or None."""
    exact = session.scalars(select(Word).where(Word.text == text)).one_or_none()
    if exact is not None:
        return exact
    return next((w for w in WordRepository(session).list_words() if same_word(w.text, text)), None)


def word_named(session: Session, text: str) -> Word:
    """The word row named ``text``; ``UnknownWordError`` when there is none."""
    word = _word_or_none(session, text)
    if word is None:
        raise UnknownWordError(f"{text!r} is not one of the words (see /api/v1/words)")
    return word


def labels_of(session: Session, rounds: Sequence[RoundRow]) -> dict[int, GivenFeedback]:
    """Each closed round's label by round id: the latest feedback, else the word asked (``prompt``)."""
    given = {r.id: GivenFeedback(r.word.text, LabelSource.PROMPT, r.word.text) for r in rounds}
    ids = [r.id for r in rounds]
    if not ids:
        return {}
    query = (
        select(Feedback.round_id, Word.text, Feedback.source)
        .join(Word, Word.id == Feedback.correct_word_id)
        .where(Feedback.round_id.in_(ids))
        .order_by(Feedback.id)
    )
    for round_id, text, source in session.execute(query):
        given[round_id] = GivenFeedback(text, LabelSource(source), given[round_id].prompt)
    return given
