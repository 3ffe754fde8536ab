"""The learning loop's training mix: shuffled snapshots, play's share, the label prior, WiSE-FT."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import torch

from inkling.learn.doodlenet import DoodleNet
from inkling.learn.loop.fit import _label_offset, interpolate
from inkling.learn.loop.snapshot import PlayItem, play_repeats, shuffled, split_play, write_rows
from inkling.learn.loop.stream import SnapshotStream, label_counts
from inkling.learn.train_doodle import distillation_loss
from inkling.services.examples import Evidence, TrainingExample

INK = [[[0, 50, 100], [0, 80, 20]]]


def _rows(labels: list[int], kind: str = "base") -> list[dict]:
    return [{"label": y, "ink": INK, "kind": kind} for y in labels]


def test_a_shuffled_snapshot_mixes_words_and_play_from_its_first_rows(tmp_path: Path) -> None:
    base = _rows([w for w in range(20) for _ in range(50)])  # written word by word, as the mirror is read
    rows = shuffled(base + _rows([7] * 100, "play"), seed=0)
    assert sorted(map(json.dumps, rows)) == sorted(map(json.dumps, base + _rows([7] * 100, "play")))
    assert rows == shuffled(base + _rows([7] * 100, "play"), seed=0)  # seeded: the data hash repeats
    path = tmp_path / "rows.ndjson"
    write_rows(rows, path)
    stream = iter(SnapshotStream(path))
    first = [next(stream)[1] for _ in range(200)]  # what a short fine-tune sees first
    assert len(set(first)) == 20  # every word, not the first few
    assert sum(json.loads(line)["kind"] == "play" for line in path.read_text().splitlines()[:200]) >= 5


@pytest.mark.parametrize(
    ("play", "base", "share", "repeats"),
    [(100, 7000, 0.3, 30), (3000, 7000, 0.3, 1), (0, 7000, 0.3, 1), (100, 7000, 0.0, 1), (1, 1, 0.5, 1)],
)
def test_play_is_repeated_to_its_share_of_the_training_rows(
    play: int, base: int, share: float, repeats: int
) -> None:
    assert play_repeats(play, base, share) == repeats


def test_the_label_offset_is_the_centred_log_prior_of_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "rows.ndjson"
    write_rows(_rows([0] * 7 + [1] * 1 + [2] * 1), path)  # smoothed counts 8, 2, 2 and 1 (+1 each)
    assert label_counts(path, 4).tolist() == [7, 1, 1, 0]
    offset = _label_offset(path, 4, 1.0)
    assert offset is not None and float(offset.sum()) == pytest.approx(0.0, abs=1e-6)
    assert float(offset[0] - offset[1]) == pytest.approx(float(torch.log(torch.tensor(4.0))))
    assert _label_offset(path, 4, 0.0) is None
    scores, labels, teacher = torch.zeros(3, 4), torch.tensor([0, 1, 2]), torch.zeros(3, 4)
    plain = distillation_loss(scores, teacher, labels, 2.0, 0.0)
    # the frequent label's term gets easier, the rare ones' harder: the student need not learn the prior
    adjusted = torch.nn.functional.cross_entropy(scores + offset, labels, reduction="none")
    assert float(adjusted[0]) < float(plain) < float(adjusted[1])


def test_wise_keeps_the_given_share_of_every_weights_change() -> None:
    torch.manual_seed(0)
    start, tuned = DoodleNet(num_classes=5), DoodleNet(num_classes=5)
    before = {k: v.clone() for k, v in start.state_dict().items()}
    ends = {k: v.clone() for k, v in tuned.state_dict().items()}
    mixed = interpolate(start, tuned, 0.25).state_dict()
    for name, value in mixed.items():
        if value.is_floating_point():
            assert torch.allclose(value, before[name] + 0.25 * (ends[name] - before[name]), atol=1e-6)
        else:
            assert torch.equal(value, ends[name])
    assert interpolate(start, tuned, 1.0) is tuned


def test_the_held_out_play_is_what_people_labelled_and_the_model_did_not_name() -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    kinds = [(Evidence.CONFIRMED, True), (Evidence.CONFIRMED, False), (Evidence.RECOGNISED, True),
             (Evidence.CORRECTED, False), (Evidence.NONE, False)] * 4  # fmt: skip
    items = [
        PlayItem(
            TrainingExample(i, "cat", INK, evidence, "game", start + timedelta(minutes=i), "cat", named),
            0,
            INK,
            np.zeros((28, 28), np.uint8),
        )
        for i, (evidence, named) in enumerate(kinds)
    ]
    train, held = split_play(items, 0.5)
    assert [i.example.drawing_id for i in held] == [11, 13, 16, 18]  # the newest half of 8, none named
    assert not any(i.example.recognized for i in held)
    assert sorted(i.example.drawing_id for i in train + held) == list(range(20))
