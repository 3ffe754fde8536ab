"""Shipped models load idempotently; the provider serves the active model and swaps without a restart."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from inkling.db.engine import make_engine, session_scope
from inkling.registry import ModelNotFoundError, activate, find_model, get_active, list_models, register_model
from inkling.services.models import (
    SHIPPED_DIR,
    PredictorProvider,
    default_shipped_model,
    load_shipped_models,
    open_predictor,
)

DEFAULT = default_shipped_model("doodle")

SQUARE = [[[0, 100, 100, 0, 0], [0, 0, 100, 100, 0]]]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_load_shipped_models_is_idempotent(session: Session) -> None:
    first = [r for r in load_shipped_models(session) if r.task == "doodle"]  # digits-cnn ships too
    session.commit()
    assert (first[0].name, first[0].activated) == (DEFAULT.name, True)
    assert all(r.added and r.version == 1 for r in first)
    assert sum(r.activated for r in first) == 1
    again = load_shipped_models(session)
    session.commit()
    assert {(r.added, r.activated) for r in again} == {(False, False)}
    rows = list_models(session)
    assert len(rows) == len(again)
    model = get_active(session, "doodle")
    assert model.onnx == DEFAULT.path.read_bytes()
    assert model.meta["shipped_file"] == DEFAULT.path.name and len(model.meta["classes"]) == 345
    assert model.meta["input"]["kind"] == "bitmap"


def test_loading_does_not_steal_the_active_slot(session: Session) -> None:
    other = register_model(
        session, name="mine", task="doodle", onnx=b"not really onnx", meta={}, activate_now=True
    )
    results = [r for r in load_shipped_models(session) if r.task == "doodle"]
    session.commit()
    assert results[0].added and not results[0].activated
    assert get_active(session, "doodle").id == other.id


def test_models_that_opt_out_are_registered_but_not_activated(session: Session, tmp_path: Path) -> None:
    meta = json.loads((SHIPPED_DIR / "doodlenet.json").read_text())
    (tmp_path / "pack-demo.onnx").write_bytes((SHIPPED_DIR / "doodlenet.onnx").read_bytes())
    (tmp_path / "pack-demo.json").write_text(
        json.dumps({**meta, "name": "pack-demo", "activate_if_none": False})
    )
    results = load_shipped_models(session, tmp_path)
    assert [(r.name, r.added, r.activated) for r in results] == [("pack-demo", True, False)]
    with pytest.raises(ModelNotFoundError):
        get_active(session, "doodle")
    (tmp_path / "pack-demo.json").write_text(
        json.dumps({**meta, "name": "pack-demo", "onnx_sha256": "0" * 64})
    )
    with pytest.raises(ValueError, match="SHA-256 does not match"):
        load_shipped_models(session, tmp_path)


def _register_reversed(session: Session) -> None:
    """The shipped bytes under another name with the class list reversed: same net, different words."""
    shipped = find_model(session, DEFAULT.name)
    meta = {**shipped.meta, "classes": list(reversed(shipped.meta["classes"]))}
    register_model(session, name="doodlenet-reversed", task="doodle", onnx=shipped.onnx, meta=meta)


def test_provider_swaps_models_when_the_active_one_changes(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_shipped_models(session)
        _register_reversed(session)
    clock = FakeClock()
    provider = PredictorProvider(engine, check_interval=10.0, clock=clock)
    first = provider.get("doodle")
    assert (first.model_name, first.version) == (DEFAULT.name, 1)
    word = first.predict(SQUARE, top=1)[0].word
    assert provider.get() is first

    with session_scope(engine) as session:
        activate(session, find_model(session, "doodlenet-reversed"))
    clock.now = 5.0
    assert provider.get() is first  # within the check interval: no query, same model
    provider.refresh()
    second = provider.get()
    assert second.model_name == "doodlenet-reversed" and second is not first
    index = first.classes.index(word)
    assert second.predict(SQUARE, top=1)[0].word == second.classes[index]
    assert second.classes[index] != word

    with session_scope(engine) as session:
        activate(session, find_model(session, DEFAULT.name))
    clock.now = 100.0  # the interval has passed: the next get re-checks by itself
    assert provider.get() is first  # the old predictor is still cached: no rebuild
    assert provider.get(name="doodlenet-reversed") is second
    assert provider.get(name=DEFAULT.name, version=1) is first


def test_provider_is_thread_safe_and_builds_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_shipped_models(session)
    provider = PredictorProvider(engine, check_interval=0.0)
    got: list[object] = []

    def worker() -> None:
        for _ in range(5):
            got.append(provider.get("doodle"))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 20 and len({id(p) for p in got}) == 1


def test_provider_errors_are_clear(engine: Engine) -> None:
    provider = PredictorProvider(engine)
    with pytest.raises(ModelNotFoundError, match="no active doodle model"):
        provider.get("doodle")
    with pytest.raises(ModelNotFoundError, match="no model named 'nope'"):
        provider.get("doodle", name="nope")


def test_open_predictor_prefers_the_database_and_falls_back_to_shipped(
    database_url: str, tmp_path: Path
) -> None:
    missing = f"sqlite:///{tmp_path / 'absent' / 'inkling.db'}"
    fallback = open_predictor(database_url=missing)
    assert DEFAULT.path.name in fallback.source and fallback.notes
    assert not (tmp_path / "absent").exists()  # looking never creates a database

    empty = open_predictor(database_url=database_url)
    assert DEFAULT.path.name in empty.source and "no active doodle model" in " ".join(empty.notes)

    engine = make_engine(database_url)
    with session_scope(engine) as session:
        load_shipped_models(session)
        _register_reversed(session)
    engine.dispose()
    active = open_predictor(database_url=database_url)
    assert active.source == f"{DEFAULT.name} v1 from the database"
    named = open_predictor(name="doodlenet-reversed", database_url=database_url)
    assert named.predictor.classes[0] == active.predictor.classes[-1]
    with pytest.raises(ModelNotFoundError):
        open_predictor(name="doodlenet", version=7, database_url=database_url)
    bitmap = np.full((28, 28), 255, np.uint8)
    assert active.predictor.predict(bitmap) == fallback.predictor.predict(bitmap)


def _ship(folder: Path, stem: str, onnx: bytes, **meta: object) -> None:
    folder.mkdir(exist_ok=True)
    folder.joinpath(f"{stem}.onnx").write_bytes(onnx)
    folder.joinpath(f"{stem}.json").write_text(json.dumps({"task": "doodle", "classes": ["cat"], **meta}))


def test_the_shipped_default_becomes_active_and_its_new_versions_replace_older_ones(
    session: Session, tmp_path: Path
) -> None:
    _ship(tmp_path / "v1", "a-plain", b"plain model", name="plain")
    _ship(tmp_path / "v1", "b-best", b"best model v1", name="best", default=True)
    load_shipped_models(session, tmp_path / "v1")
    assert get_active(session, "doodle").name == "best"

    _ship(tmp_path / "v2", "b-best", b"best model v2", name="best", default=True)
    load_shipped_models(session, tmp_path / "v2")
    active = get_active(session, "doodle")
    assert (active.name, active.version) == ("best", 2)


def test_a_shipped_default_never_replaces_a_model_a_person_activated(
    session: Session, tmp_path: Path
) -> None:
    mine = register_model(
        session, name="mine", task="doodle", onnx=b"trained here", meta={}, activate_now=True
    )
    _ship(tmp_path, "best", b"best model", name="best", default=True)
    load_shipped_models(session, tmp_path)
    assert get_active(session, "doodle").id == mine.id
