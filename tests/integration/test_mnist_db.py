"""MNIST in the database: bulk load on SQLite and PostgreSQL, idempotent, read back unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from inkling.cli import app
from inkling.datasets.mnist import Mnist, load_mnist_npz
from inkling.db.engine import make_engine, session_scope
from inkling.db.repositories.mnist import count_split, load_mnist_into_db, read_split


def _small_mnist(n_train: int = 30, n_test: int = 12) -> Mnist:
    rng = np.random.default_rng(0)
    return Mnist(
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_train, dtype=np.uint8),
        rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_test, dtype=np.uint8),
    )


def test_load_is_idempotent_and_reads_back_exactly(session: Session) -> None:
    mnist = _small_mnist()
    report = load_mnist_into_db(session, mnist, limit=20, chunk_size=7)
    assert report.inserted == {"train": 20, "test": 12} and report.present == {"train": 0, "test": 0}
    again = load_mnist_into_db(session, mnist, chunk_size=7)  # no limit: adds only the missing train rows
    assert again.inserted == {"train": 10, "test": 0} and again.present == {"train": 20, "test": 12}
    session.commit()
    assert (count_split(session, "train"), count_split(session, "test")) == (30, 12)
    x, y = read_split(session, "train")
    assert np.array_equal(x, mnist.x_train) and np.array_equal(y, mnist.y_train)
    x, y = read_split(session, "test", limit=5)
    assert np.array_equal(x, mnist.x_test[:5]) and y.dtype == np.int64


def test_reading_an_empty_table_says_how_to_fill_it(session: Session) -> None:
    with pytest.raises(LookupError, match="inkling data load mnist"):
        read_split(session, "test")


def test_cli_loads_the_mirror_with_a_limit_twice(database_url: str, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("INKLING_DATA_DIR", str(data_dir))
    runner = CliRunner()
    args = ["data", "load", "mnist", "--limit", "50", "--quiet", "--database-url", database_url]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "mnist_train: 50 inserted, 0 already there" in first.output
    second = runner.invoke(app, args)
    assert "mnist_test: 0 inserted, 50 already there" in second.output
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            x, y = read_split(session, "test")
    finally:
        engine.dispose()
    mnist = load_mnist_npz(data_dir / "mnist" / "mnist.npz")
    assert np.array_equal(x, mnist.x_test[:50]) and np.array_equal(y, mnist.y_test[:50])


def test_cli_rejects_an_unknown_data_set(database_url: str) -> None:
    result = CliRunner().invoke(app, ["data", "load", "cifar", "--database-url", database_url])
    assert result.exit_code == 1 and "unknown data set" in result.output
