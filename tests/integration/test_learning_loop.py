"""The learning loop end to end on tiny data: lineage and decisions, the gate, rollback, the filter, DDP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, RegisteredModel
from inkling.learn.loop.champion import rebuild
from inkling.learn.loop.fit import FitConfig
from inkling.learn.loop.gate import NO_WORSE, compare, decide, mcnemar_p
from inkling.learn.loop.outliers import precision_recall
from inkling.learn.loop.run import LoopConfig, run_once
from inkling.learn.loop.stream import SnapshotStream
from inkling.registry import activate, find_model
from inkling.services import lineage
from inkling.services.examples import training_examples
from inkling.services.models import SHIPPED_DIR, PredictorProvider, load_shipped_models
from tests.loop_world import WORDS, future_drawings, play_round, scribble

TINY = {"words": WORDS, "base_per_word": 30, "max_extra_per_word": 60}


def _play(session: Session, data_dir: Path, per_word: int = 20, scribbles: int = 0) -> list[int]:
    """Future players' rounds (a third recognised, a third confirmed, a third unlabelled) + scribbles."""
    for i, (word, ink) in enumerate(future_drawings(data_dir, WORDS, per_word)):
        play_round(session, word, ink, recognised=i % 3 == 0, confirmed=i % 3 == 1)
    rng = np.random.default_rng(1)
    bad = [play_round(session, WORDS[i % 4], scribble(rng), confirmed=True) for i in range(scribbles)]
    session.commit()
    return bad


def _serving(engine: Engine) -> tuple[str, int | None]:
    predictor = PredictorProvider(engine, check_interval=0.0).get("doodle")
    return predictor.model_name, predictor.version


def test_mcnemar_gate_needs_a_supported_win_on_every_split() -> None:
    assert mcnemar_p(0, 0) == 1.0 and mcnemar_p(5, 0) == pytest.approx(1 / 32)
    champion, better = np.zeros(40, bool), np.zeros(40, bool)
    better[:8] = True  # 8 wins, 0 losses: p = 2^-8
    wins, tie = compare("benchmark", champion, better), compare("play", champion, champion)
    assert wins.better() and wins.p_value == pytest.approx(2**-8)
    promoted, reason = decide([wins, tie])
    assert not promoted and reason.startswith("not better on play")
    assert decide([wins, compare("play", champion, better)])[0]
    steady = compare("benchmark", better, better, NO_WORSE)  # no loss is enough where "no worse" is asked
    assert steady.better() and not compare("benchmark", better, champion, NO_WORSE).better()
    assert decide([steady, wins, compare("play", champion, better)])[0]


def test_a_run_is_judged_serving_follows_only_promotions_and_rollback_restores(
    engine: Engine, data_dir: Path, tmp_path: Path
) -> None:
    with session_scope(engine) as session:  # the lite champion: a scrambled fine-tune must really hurt it
        load_shipped_models(session)
        shipped = activate(session, find_model(session, "inkling-doodle-lite"))
        shipped_id, shipped_name = shipped.id, shipped.name
        _play(session, data_dir)
    before = _serving(engine)
    bad_fit = FitConfig(steps=40, batch_size=32, lr=1e-3, kd_weight=0.0, wise=1.0)
    with session_scope(engine) as session:  # scrambled labels: the gate must refuse it
        cfg = LoopConfig(**TINY, scramble_labels=True, outlier_filter=False, fit=bad_fit)
        scrambled = run_once(session, data_dir, cfg, work_dir=tmp_path, quiet=True)
    assert not scrambled.promoted and "not better on benchmark" in scrambled.reason
    assert _serving(engine) == before  # rejected: serving did not switch
    with session_scope(engine) as session:
        row = session.get(RegisteredModel, scrambled.challenger_id)
        assert row is not None and (row.decision, row.parent_id) == ("rejected", shipped_id)
        assert row.data_hash == scrambled.data_hash and row.metrics["tests"]["benchmark"]["n"] == 20
        assert row.name == shipped_name and row.version == 2
        lineage.promote(session, row, reason="test: a bad champion")  # an admin's mistake
    good_fit = FitConfig(steps=60, batch_size=32, lr=1e-3, wise=1.0)  # all of the change: a full recovery
    with session_scope(engine) as session:  # from the bad champion, true labels win on both splits
        better = run_once(session, data_dir, LoopConfig(**TINY, outlier_filter=False, fit=good_fit),
                          work_dir=tmp_path, quiet=True)  # fmt: skip
    assert better.promoted, better.reason
    assert (
        better.metrics["tests"]["benchmark"]["p_value"] < 0.05 and better.metrics["tests"]["play"]["wins"] > 0
    )
    assert _serving(engine) == (shipped_name, 3)  # promoted: serving switched
    with session_scope(engine) as session:
        current, previous = lineage.rollback(session, "doodle", reason="test")
        assert (current.id, previous.id) == (better.challenger_id, scrambled.challenger_id)
    assert _serving(engine) == (shipped_name, 2)


def test_the_filter_flags_injected_scribbles_and_they_leave_training(
    session: Session, data_dir: Path, tmp_path: Path
) -> None:
    load_shipped_models(session)
    bad = _play(session, data_dir, per_word=15, scribbles=8)
    cfg = LoopConfig(**TINY, fit=FitConfig(steps=2, batch_size=8))
    result = run_once(session, data_dir, cfg, work_dir=tmp_path, quiet=True)
    session.commit()
    ids = sorted({e.drawing_id for e in training_examples(session)} | set(result.flagged))
    precision, recall = precision_recall(np.isin(ids, result.flagged), np.isin(ids, bad))
    assert recall == 1.0 and precision >= 0.5, (precision, recall)
    assert {session.get(Drawing, i).moderation for i in result.flagged} == {"flagged"}  # type: ignore[union-attr]
    assert not set(bad) & {e.drawing_id for e in training_examples(session)}
    assert (
        result.counts["flagged"] == len(result.flagged)
        and result.counts["pseudo"] <= result.counts["play_weak"]
    )


def test_stream_shards_are_disjoint_and_cover_the_snapshot(tmp_path: Path) -> None:
    ink = [[[0, 50, 100], [0, 80, 20]]]
    path = tmp_path / "rows.ndjson"
    path.write_text("".join(json.dumps({"label": i, "ink": ink, "kind": "base"}) + "\n" for i in range(10)))
    shards = [[label for label, _ in SnapshotStream(path, rank, 2).shard()] for rank in (0, 1)]
    assert shards == [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]
    x, label = next(iter(SnapshotStream(path, 1, 2)))
    assert x.shape == (1, 28, 28) and label in shards[1] and float(x.max()) == pytest.approx(1.0)


def test_ddp_fine_tunes_with_two_gloo_processes(data_dir: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.ndjson"
    meta_path = SHIPPED_DIR / "inkling-doodle.json"
    classes = json.loads(meta_path.read_text())["classes"]
    drawings = future_drawings(data_dir, WORDS, 4)
    rows.write_text(
        "".join(json.dumps({"label": classes.index(w), "ink": ink}) + "\n" for w, ink in drawings)
    )
    out = tmp_path / "challenger.pt"
    torchrun = Path(sys.executable).with_name("torchrun")
    config = json.dumps({"steps": 3, "batch_size": 4})
    champion = str(SHIPPED_DIR / "inkling-doodle.onnx")
    subprocess.run(
        [str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "inkling.learn.loop.fit", "--champion",
         champion, "--snapshot", str(rows), "--config", config, "--out", str(out)],
        check=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    saved = torch.load(out, weights_only=False)
    assert saved["world"] == 2 and saved["config"]["steps"] == 3
    shipped = rebuild((SHIPPED_DIR / "inkling-doodle.onnx").read_bytes(), json.loads(meta_path.read_text()))
    weights = shipped.state_dict()
    assert {k: v.shape for k, v in saved["state_dict"].items()} == {k: v.shape for k, v in weights.items()}
    assert shipped(torch.zeros(1, 1, 28, 28)).shape == (1, len(classes))
