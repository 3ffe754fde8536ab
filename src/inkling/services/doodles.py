"""Doodle guessing: the ranked words a model sees in raw ink, timed on the server."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from inkling.inference import DoodlePredictor, Guess
from inkling.ink import Ink, parse_ink
from inkling.services.models import PredictorProvider

TASK = "doodle"
# Concurrent guesses run side by side: each request thread parses and rasterises its own drawing
# (vectorised numpy; at most inference.doodle.PREPARE_SLOTS threads at once) and the predictor's
# MicroBatcher runs the model once for all drawings ready together. Until issue 11 a one-slot semaphore
# here serialised whole guesses, model included (docs/BENCHMARKS.md, "Live guess capacity").


@dataclass(frozen=True)
class DoodleGuesses:
    """What a model made of one drawing, and how long the server took to work it out."""

    guesses: list[Guess]
    model: str  # "name@version"
    elapsed_ms: float  # parse + rasterise + model on the server (waiting for a shared model call included)


def model_label(predictor: DoodlePredictor) -> str:
    """``name@version`` of a predictor (``name`` alone for an unregistered model)."""
    return (
        predictor.model_name if predictor.version is None else f"{predictor.model_name}@{predictor.version}"
    )


def doodle_predictor(provider: PredictorProvider, model: str | None = None) -> DoodlePredictor:
    """The active doodle model, or the newest version of ``model`` (``ModelNotFoundError`` if none)."""
    return provider.get(TASK, name=model)


def parse_drawing(raw_ink: Any, *, strict_times: bool = True) -> Ink | None:
    """Validated ink (``InkError`` when malformed); ``None`` for an empty canvas (``[]``).

    ``strict_times=False`` lets times that step back within a stroke through (see ``parse_ink``).
    """
    if isinstance(raw_ink, list) and not raw_ink:
        return None
    return parse_ink(raw_ink, strict_times=strict_times)


def guess_doodle(predictor: DoodlePredictor, raw_ink: Any, top: int = 5) -> DoodleGuesses:
    """The ``top`` guesses for ``raw_ink`` (validated first: ``InkError``); none for an empty canvas."""
    started = time.perf_counter()
    ink = parse_drawing(raw_ink)
    guesses = [] if ink is None else predictor.predict(ink, top)
    elapsed = (time.perf_counter() - started) * 1000
    return DoodleGuesses(guesses, model_label(predictor), round(elapsed, 3))
