"""Compose artifacts into a seeded degradation; draw random ones (order and strengths) per sample.

    >>> d = random_degradation(np.random.default_rng(7))
    >>> degraded = d(clean_float_rgb, seed=7)        # the same seed gives the same output

Step ``i`` of a degradation gets its own generator ``default_rng([seed, i])``, so a step's noise
does not depend on which steps came before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from inkling.restore.artifacts import ARTIFACTS, CORE_ARTIFACTS, EXTRA_ARTIFACTS, Artifact
from inkling.restore.imageops import to_float

CORE_PROB = 0.7  # chance that each VHS artifact takes part in a random degradation
EXTRA_PROB = 0.25  # chance for each mild extra (blur, JPEG, sharpening)
EXTRA_MAX_STRENGTH = 0.6  # the extras stay mild
CLEAN_PROB = 0.03  # chance of no degradation at all (the model must leave clean frames alone)


@dataclass(frozen=True)
class Degradation:
    """An ordered list of artifacts applied one after the other."""

    steps: tuple[Artifact, ...] = field(default_factory=tuple)

    def __call__(self, image: np.ndarray, seed: int = 0) -> np.ndarray:
        """Apply every step to an RGB image (uint8 or float 0..1); float32 0..1 out."""
        out = to_float(image)
        for index, step in enumerate(self.steps):
            out = step(out, np.random.default_rng([seed, index]))
        return out

    @property
    def names(self) -> list[str]:
        """The artifact names, in order."""
        return [step.name for step in self.steps]

    def describe(self) -> list[dict[str, object]]:
        """JSON-friendly list of ``{"name", **params}``."""
        return [{"name": step.name, **step.__dict__} for step in self.steps]


def random_degradation(
    rng: np.random.Generator,
    *,
    artifacts: Sequence[type[Artifact]] = CORE_ARTIFACTS,
    extras: Sequence[type[Artifact]] = EXTRA_ARTIFACTS,
    core_prob: float = CORE_PROB,
    extra_prob: float = EXTRA_PROB,
    clean_prob: float = CLEAN_PROB,
) -> Degradation:
    """A random subset of artifacts, each at a random strength, in random order (at least one step)."""
    if rng.random() < clean_prob:
        return Degradation(())
    chosen = [a for a in artifacts if rng.random() < core_prob]
    if not chosen and artifacts:
        chosen = [artifacts[int(rng.integers(len(artifacts)))]]
    steps = [a.sample(rng, float(rng.beta(1.2, 1.2))) for a in chosen]
    steps += [
        e.sample(rng, float(rng.uniform(0, EXTRA_MAX_STRENGTH))) for e in extras if rng.random() < extra_prob
    ]
    order = rng.permutation(len(steps))
    return Degradation(tuple(steps[i] for i in order))


def degrade(image: np.ndarray, seed: int) -> tuple[np.ndarray, Degradation]:
    """Degrade ``image`` with the random degradation of ``seed`` (float32 0..1 out) and return both."""
    degradation = random_degradation(np.random.default_rng(seed))
    return degradation(image, seed=seed), degradation


def single(name: str, strength: float = 0.6, seed: int = 0) -> Degradation:
    """A one-step degradation: artifact ``name`` sampled at ``strength``."""
    return Degradation((ARTIFACTS[name].sample(np.random.default_rng(seed), strength),))
