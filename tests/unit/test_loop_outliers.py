"""The filter's label-probability floor: each word's own, so a hard word's good drawings are kept."""

from __future__ import annotations

import numpy as np

from inkling.learn.loop.outliers import MIN_PER_WORD, label_probability_floor, label_probability_floors


def test_a_word_the_model_finds_hard_gets_a_lower_floor() -> None:
    rng = np.random.default_rng(0)
    easy = rng.uniform(0.7, 1.0, 1900)  # the model's probability of the true word on base drawings
    hard = rng.uniform(0.1, 0.4, 100)
    reference, labels = np.concatenate([easy, hard]), np.repeat([0, 1], [1900, 100])
    floors = label_probability_floors(reference, labels, 0.05, n_classes=3)
    assert floors[0] == label_probability_floor(easy, 0.05)
    assert floors[1] == label_probability_floor(hard, 0.05)
    assert floors[1] < 0.4 < floors[0]
    good_hard_drawing = 0.3  # typical of the hard word: the pooled floor flags it, the word's own keeps it
    assert label_probability_floor(reference, 0.05) > good_hard_drawing >= floors[1]
    assert floors[2] == label_probability_floor(reference, 0.05)  # no base drawings: the pooled floor


def test_a_word_with_few_base_drawings_takes_the_pooled_floor() -> None:
    reference = np.concatenate([np.full(1000, 0.9), np.full(MIN_PER_WORD - 1, 0.01)])
    labels = np.repeat([0, 1], [1000, MIN_PER_WORD - 1])
    floors = label_probability_floors(reference, labels, 0.05, n_classes=2)
    assert floors[1] == label_probability_floor(reference, 0.05) > 0.01
