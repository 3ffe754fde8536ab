"""The model registry stores versions in the database and keeps one active model per task."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.orm import Session

from inkling.registry import ModelNotFoundError, activate, find_model, get_active, list_models, register_model


def test_versions_count_up_per_name(session: Session) -> None:
    first = register_model(session, name="doodle-cnn", task="doodle", onnx=b"one", meta={"classes": ["cat"]})
    second = register_model(session, name="doodle-cnn", task="doodle", onnx=b"two", meta={})
    other = register_model(session, name="digits", task="digit", onnx=b"x", meta={})
    session.commit()
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.sha256 == hashlib.sha256(b"one").hexdigest()
    assert find_model(session, "doodle-cnn").version == 2
    assert find_model(session, "doodle-cnn", 1).onnx == b"one"
    assert find_model(session, "doodle-cnn", 1).meta == {"classes": ["cat"]}


def test_one_active_model_per_task(session: Session) -> None:
    first = register_model(session, name="a", task="doodle", onnx=b"1", meta={}, activate_now=True)
    digit = register_model(session, name="d", task="digit", onnx=b"3", meta={}, activate_now=True)
    second = register_model(session, name="b", task="doodle", onnx=b"2", meta={}, activate_now=True)
    session.commit()
    assert get_active(session, "doodle").id == second.id
    assert get_active(session, "digit").id == digit.id
    activate(session, first)
    session.commit()
    assert get_active(session, "doodle").id == first.id
    assert [model.is_active for model in list_models(session, "doodle")].count(True) == 1


def test_missing_models_raise_a_clear_error(session: Session) -> None:
    with pytest.raises(ModelNotFoundError, match="no active restore model"):
        get_active(session, "restore")
    with pytest.raises(ModelNotFoundError, match="no model named 'nope'"):
        find_model(session, "nope")


def test_bad_registrations_are_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown task"):
        register_model(session, name="x", task="poetry", onnx=b"1", meta={})
    with pytest.raises(ValueError, match="ONNX bytes"):
        register_model(session, name="x", task="doodle", onnx=b"", meta={})
    assert list_models(session) == []
