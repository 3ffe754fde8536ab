"""Doodle guessing: the ranked words a model sees in raw ink, timed on the server."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from inkling.inference import DoodlePredictor, Guess
from inkling.ink import Ink, parse_ink
from inkling.services.models import PredictorProvider

TASK = "doodle"
# one guess is worked out at a time per process: the ink pipeline is Python that holds the GIL, so a second
# concurrent guess only stretches both (measured, 50 clients: server p99 27 ms with two slots, 16 with one);
# scale across cores with `inkling serve --workers N`
INFERENCE_SLOTS = threading.BoundedSemaphore(1)


@dataclass(frozen=True)
class DoodleGuesses:
    """What a model made of one drawing, and how long the server took to work it out."""

    guesses: list[Guess]
    model: str  # "name@version"
    elapsed_ms: float  # parse + rasterise + model on the server, once an inference slot was free


def model_label(predictor: DoodlePredictor) -> str:
    """``name@version`` of a predictor (``name`` alone for an unregistered model)."""
    return (
        predictor.model_name if predictor.version is None else f"{predictor.model_name}@{predictor.version}"
    )


def doodle_predictor(provider: PredictorProvider, model: str | None = None) -> DoodlePredictor:
    """The active doodle model, or the newest version of ``model`` (``ModelNotFoundError`` if none)."""
    return provider.get(TASK, name=model)


def parse_drawing(raw_ink: Any) -> Ink | None:
    """Validated ink (``InkError`` when malformed); ``None`` for an empty canvas (``[]``)."""
    if isinstance(raw_ink, list) and not raw_ink:
        return None
    return parse_ink(raw_ink)


def guess_doodle(predictor: DoodlePredictor, raw_ink: Any, top: int = 5) -> DoodleGuesses:
    """The ``top`` guesses for ``raw_ink`` (validated first: ``InkError``); none for an empty canvas."""
    with INFERENCE_SLOTS:
        started = time.perf_counter()
        ink = parse_drawing(raw_ink)
        guesses = [] if ink is None else predictor.predict(ink, top)
        elapsed = (time.perf_counter() - started) * 1000
    return DoodleGuesses(guesses, model_label(predictor), round(elapsed, 3))
