"""Play becomes data: every stored drawing with a word is a training example, its label's evidence explicit.

Evidence, strongest first:

- ``relabelled``: an admin set the word (moderation);
- ``corrected``: the player said it shows another word (labelled with that word);
- ``confirmed``: the player said it shows the word asked;
- ``contributed``: drawn on /contribute for that word, outside play;
- ``recognised``: the model named the word asked (in rooms: someone guessed the drawer's word);
- ``none``: a closed round's drawing, labelled by its prompt and nothing more.

Reported, flagged and hidden drawings are never examples (:mod:`inkling.services.moderation`).
``training_examples`` streams them in drawing-id order per kind (contributed, rooms, games) so a trainer
can consume them without holding them all.

``labelled_records`` / ``export_ndjson`` write them as Quick, Draw! raw ndjson (``word``,
``countrycode``, ``timestamp``, ``recognized``, ``key_id``, ``drawing``, plus ``source`` — ``collect``,
``room``, ``feedback`` for a game drawing a player labelled, ``game`` — and ``evidence``), the format
``inkling.datasets.quickdraw`` and the trainer read. By default a game drawing is exported once a
player (or an admin) labelled it; ``every_round`` adds every closed round's drawing.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from inkling.db.models import Drawing, Feedback, Round, Word
from inkling.services.collect import COLLECT_SOURCE
from inkling.services.room_ink import ROOM_SOURCE, labelled_room_drawings
from inkling.services.visibility import visible

FEEDBACK_SOURCE = "feedback"  # the export's source for game drawings labelled by a player
KEY_ID_PREFIX = "inkling-"  # exported key_id = prefix + drawings.id
NOT_PLAY = (COLLECT_SOURCE, ROOM_SOURCE, "digit")  # sources read separately (digits never train doodles)


class Evidence(StrEnum):
    """Why we believe an example's word."""

    RELABELLED = "relabelled"
    CORRECTED = "corrected"
    CONFIRMED = "confirmed"
    CONTRIBUTED = "contributed"
    RECOGNISED = "recognised"
    NONE = "none"


PLAYER_LABELLED = (Evidence.CONFIRMED, Evidence.CORRECTED)


@dataclass(frozen=True)
class TrainingExample:
    """One drawing and its label: the word, the ink, the evidence, where it came from, when."""

    drawing_id: int
    word: str
    ink: list[Any]
    evidence: Evidence
    source: str
    created_at: datetime
    # the word the player was asked to draw (game rounds), else None
    prompt: str | None = None
    # the model (rooms: anyone) named the word the drawing shows
    recognized: bool = False


def training_examples(session: Session, *, batch: int = 500) -> Iterator[TrainingExample]:
    """Every visible labelled drawing: contributed ones, rooms' turns, then games' closed rounds."""
    contributed = (
        select(Drawing, Word.text)
        .join(Word, Word.id == Drawing.word_id)
        .where(Drawing.source == COLLECT_SOURCE, visible())
        .order_by(Drawing.id)
        .execution_options(yield_per=batch)
    )
    for drawing, word in session.execute(contributed):
        evidence = Evidence.RELABELLED if drawing.moderation == "relabelled" else Evidence.CONTRIBUTED
        yield _example(drawing, word, evidence)
    for drawing, word, guessed in labelled_room_drawings(session, batch=batch):
        if drawing.moderation not in (None, "kept", "relabelled"):
            continue
        evidence = Evidence.RELABELLED if drawing.moderation == "relabelled" else None
        yield _example(
            drawing, word, evidence or (Evidence.RECOGNISED if guessed else Evidence.NONE), guessed
        )
    yield from _played(session, batch)


def _example(
    drawing: Drawing, word: str, evidence: Evidence, recognized: bool = False, prompt: str | None = None
) -> TrainingExample:
    return TrainingExample(
        drawing.id, word, drawing.ink, evidence, drawing.source, drawing.created_at, prompt, recognized
    )


def _played(session: Session, batch: int) -> Iterator[TrainingExample]:
    """Game drawings: each closed round's (or player-labelled) drawing, with the latest feedback."""
    latest = (
        select(Feedback.drawing_id, func.max(Feedback.id).label("feedback_id"))
        .group_by(Feedback.drawing_id)
        .subquery()
    )
    asked, labelled, own = aliased(Word), aliased(Word), aliased(Word)
    closed = and_(Round.drawing_id == Drawing.id, Round.finished_at.is_not(None))
    query = (
        select(Drawing, asked.text, Round.recognized, labelled.text, Feedback.source, own.text)
        .outerjoin(Round, closed)
        .outerjoin(asked, asked.id == Round.word_id)
        .outerjoin(latest, latest.c.drawing_id == Drawing.id)
        .outerjoin(Feedback, Feedback.id == latest.c.feedback_id)
        .outerjoin(labelled, labelled.id == Feedback.correct_word_id)
        .outerjoin(own, own.id == Drawing.word_id)
        .where(Drawing.source.not_in(NOT_PLAY), visible())
        .where((Round.id.is_not(None)) | (Feedback.id.is_not(None)))
        .order_by(Drawing.id)
        .execution_options(yield_per=batch)
    )
    seen: set[int] = set()
    for drawing, prompt, recognized, label, label_source, own_word in session.execute(query):
        if drawing.id in seen:
            continue
        seen.add(drawing.id)
        if drawing.moderation == "relabelled" and own_word is not None:
            word, evidence = own_word, Evidence.RELABELLED
        elif label is not None:
            word = label
            evidence = Evidence.CONFIRMED if label_source == "confirmed" else Evidence.CORRECTED
        elif prompt is not None:
            word, evidence = prompt, Evidence.RECOGNISED if recognized else Evidence.NONE
        else:
            continue
        # "recognized" as in Quick, Draw!: the model named the word the drawing truly shows
        hit = bool(recognized) and prompt == word
        yield _example(drawing, word, evidence, hit, prompt)


@dataclass(frozen=True)
class ExampleCounts:
    """How many examples there are, by source and evidence, and by word."""

    by_source: dict[tuple[str, str], int]
    by_word: dict[str, int]
    total: int


def example_counts(session: Session) -> ExampleCounts:
    """Count :func:`training_examples` (reads ids and words; fine for the console's scale)."""
    by_source: Counter[tuple[str, str]] = Counter()
    by_word: Counter[str] = Counter()
    for example in training_examples(session):
        by_source[(example.source, example.evidence.value)] += 1
        by_word[example.word] += 1
    return ExampleCounts(dict(sorted(by_source.items())), dict(by_word.most_common()), by_word.total())


def _timestamp(at: datetime) -> str:
    """Quick, Draw!'s timestamp style: ``2017-03-28 13:28:00.85173 UTC``."""
    return at.strftime("%Y-%m-%d %H:%M:%S.%f") + " UTC"


def _exported_source(example: TrainingExample) -> str:
    if example.source in (COLLECT_SOURCE, ROOM_SOURCE):
        return example.source
    return FEEDBACK_SOURCE if example.evidence in PLAYER_LABELLED else example.source


def labelled_records(
    session: Session, *, batch: int = 500, every_round: bool = False
) -> Iterator[dict[str, Any]]:
    """Quick, Draw!-style records of the labelled examples (``every_round``: all closed rounds too)."""
    for example in training_examples(session, batch=batch):
        played = example.source not in (COLLECT_SOURCE, ROOM_SOURCE)
        if played and not every_round and example.evidence in (Evidence.RECOGNISED, Evidence.NONE):
            continue
        yield {
            "word": example.word,
            "countrycode": "",
            "timestamp": _timestamp(example.created_at),
            "recognized": example.recognized,
            "key_id": f"{KEY_ID_PREFIX}{example.drawing_id}",
            "drawing": example.ink,
            "source": _exported_source(example),
            "evidence": example.evidence.value,
        }


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8")
    return path.open("w", encoding="utf-8")


def export_ndjson(session: Session, path: Path, *, every_round: bool = False) -> dict[str, int]:
    """Write :func:`labelled_records` to ``path`` (gzip for ``.gz``); returns the count per source."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {COLLECT_SOURCE: 0, FEEDBACK_SOURCE: 0}
    with _open(path) as out:
        for record in labelled_records(session, every_round=every_round):
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
            counts[record["source"]] = counts.get(record["source"], 0) + 1
    return counts
