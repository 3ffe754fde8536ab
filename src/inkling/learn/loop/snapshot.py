"""A learning run's data: base drawings from the mirror, play examples from the database, a content hash.

Splits, none of which trains another's rows:

- the **benchmark**: the mirror's all-words validation drawings (``doodle_data``'s fixed sha1 split),
  never in any training set;
- **base replay**: the mirror's training drawings (at most ``base_per_word`` a word), so nothing learnt is
  forgotten;
- **play**: :func:`inkling.services.examples.training_examples` of the champion's words; the most recent
  ``holdout_share`` of the examples a person labelled (confirmed, corrected, contributed, relabelled)
  and the model did not name (a named drawing stops where the champion named it) is the fresh held-out
  slice, the rest trains.

Training rows are written as ndjson (label, simplified ink, kind) in a seeded random order; the sha256
of that file is the challenger's ``data_hash``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inkling.ink import parse_ink, rasterise, simplify
from inkling.learn.doodle_data import DoodleData, load_doodle_data
from inkling.services.examples import Evidence, TrainingExample

BASE, PLAY, PSEUDO = "base", "play", "pseudo"  # kinds of training rows


@dataclass(frozen=True)
class PlayItem:
    """One play example ready for the model: its label index, simplified ink and 28x28 render."""

    example: TrainingExample
    label: int
    ink: list[Any]
    bitmap: np.ndarray


def play_items(examples: Iterable[TrainingExample], classes: Sequence[str]) -> list[PlayItem]:
    """Examples of words the model knows, simplified and rendered (unparseable or empty ink skipped)."""
    index = {word: i for i, word in enumerate(classes)}
    items = []
    for example in examples:
        if example.word not in index or not example.ink:
            continue
        try:
            ink = simplify(parse_ink(example.ink, strict_times=False))
        except ValueError:
            continue
        if len(ink):
            items.append(PlayItem(example, index[example.word], ink.to_lists(), rasterise(ink, 28)))
    return items


JUDGED_BY_PEOPLE = frozenset(Evidence) - {Evidence.NONE, Evidence.RECOGNISED}


def split_play(items: list[PlayItem], holdout_share: float) -> tuple[list[PlayItem], list[PlayItem]]:
    """(train, held out): the newest ``holdout_share`` of the examples a person labelled is held out.

    A drawing the serving model named never judges, whatever its label's evidence: the round stopped
    where that model named the word, so the drawing ends where the champion is right by construction,
    and on it a challenger can only lose (``recognised`` examples, and confirmed ones that the model had
    named, which before made most of the slice). The slice is the people-labelled drawings the champion
    did not name; what the champion gets right is judged on the fixed benchmark.
    """
    labelled = sorted(
        (i for i in items if i.example.evidence in JUDGED_BY_PEOPLE and not i.example.recognized),
        key=lambda i: (i.example.created_at, i.example.drawing_id),
    )
    cut = len(labelled) - round(holdout_share * len(labelled))
    held = {id(i) for i in labelled[cut:]}
    return [i for i in items if id(i) not in held], labelled[cut:]


def base_data(data_dir: Path, words: Sequence[str], **options: Any) -> DoodleData:
    """The mirror's drawings of ``words`` (split and deduplicated by ``doodle_data``)."""
    return load_doodle_data(Path(data_dir), words=list(words), **options)


def base_rows(data: DoodleData, label_of: Sequence[int], per_word: int | None) -> list[dict[str, Any]]:
    """Replay rows: ``per_word`` training drawings a word (first by key rank), labels in the model's order."""
    taken: dict[int, int] = {}
    rows = []
    for i in data.stroke_train:
        record = data.records[i]
        if per_word is not None and taken.get(record["label"], 0) >= per_word:
            continue
        taken[record["label"]] = taken.get(record["label"], 0) + 1
        rows.append({"label": int(label_of[record["label"]]), "ink": record["simplified"], "kind": BASE})
    return rows


def play_repeats(play: int, base: int, share: float) -> int:
    """Times each play row is written so that play is about ``share`` of the training rows (at least 1).

    Play is a few hundred drawings of the words people were asked; written once against thousands of
    replayed base drawings, a fine-tune of a few hundred steps barely sees it.
    """
    if play == 0 or not 0 < share < 1:
        return 1
    return max(1, round(share / (1 - share) * base / play))


def shuffled(rows: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """``rows`` in a seeded random order, so that any stretch of the file is a fair mix of words and kinds.

    The stream reads the file in order through a small shuffle buffer; written grouped (base drawings word
    by word, then play), a fine-tune saw a few words at a time and met play only at the end.
    """
    order = np.random.default_rng(seed).permutation(len(rows))
    return [rows[i] for i in order]


def write_rows(rows: list[dict[str, Any]], path: Path) -> str:
    """Write training rows as ndjson; returns the sha256 of the file (the snapshot's content hash)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for row in rows:
            line = (json.dumps(row, separators=(",", ":"), sort_keys=True) + "\n").encode()
            digest.update(line)
            out.write(line)
    return digest.hexdigest()
