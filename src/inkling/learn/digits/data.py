"""MNIST for training, read from the ``mnist_train`` / ``mnist_test`` tables (``inkling data load mnist``)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.db.repositories.mnist import read_split


def load_digits_from_db(
    engine: Engine | None = None, *, train_limit: int | None = None, test_limit: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x_train, y_train, x_test, y_test (uint8 images, int64 labels) from the database."""
    with session_scope(engine) as session:
        x_train, y_train = read_split(session, "train", train_limit)
        x_test, y_test = read_split(session, "test", test_limit)
    return x_train, y_train, x_test, y_test
