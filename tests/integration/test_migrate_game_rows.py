"""Migrations carry old game rows over: rounds get their shown time (0004) and keep their labels."""

from __future__ import annotations

from sqlalchemy import Engine, text

from inkling.db.engine import make_engine
from inkling.db.migrate import upgrade

ROWS = [
    "INSERT INTO users (id, username, is_guest, created_at) VALUES (1, 'ann', false, '2030-01-01 12:00:00')",
    "INSERT INTO word_categories (id, slug, name, description) VALUES (1, 'fruit', 'Fruit', '')",
    "INSERT INTO words (id, text, category_id, enabled, created_at) VALUES"
    " (1, 'key', 1, true, '2030-01-01 12:00:00'), (2, 'shovel', 1, true, '2030-01-01 12:00:00')",
    "INSERT INTO games (id, user_id, rounds_total, status, score, started_at) VALUES"
    " (1, 1, 6, 'playing', 0, '2030-01-01 12:00:00')",
    "INSERT INTO drawings (id, ink, word_id, user_id, source, stroke_count, point_count, created_at) VALUES"
    " (1, '[]', 1, 1, 'game', 0, 0, '2030-01-01 12:00:00'),"
    " (2, '[]', 1, 1, 'game', 0, 0, '2030-01-01 12:00:00')",
    "INSERT INTO rounds (id, game_id, number, word_id, drawing_id, started_at, recognized, attempts, guesses)"
    " VALUES (1, 1, 1, 1, 1, '2030-01-01 12:00:05', false, 0, '{}'),"
    " (2, 1, 2, 2, 2, '2030-01-01 12:01:00', false, 0, '{}')",
    # asked "key", the model said "shovel", and the old form's "Yes" stored shovel as confirmed
    "INSERT INTO feedback (id, drawing_id, round_id, user_id, correct_word_id, confirmed, created_at) VALUES"
    " (1, 1, 1, 1, 2, true, '2030-01-01 12:02:00'), (2, 2, 2, 1, 2, true, '2030-01-01 12:02:00')",
]


def _seeded(url: str) -> Engine:
    """The database at ``url`` at revision 0003 holding ROWS; dispose of the engine after."""
    upgrade(url, "0003")
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement))
    return engine


def test_rounds_get_their_shown_time_and_keep_their_labels(empty_database_url: str) -> None:
    """0004 rebuilds ``rounds`` on SQLite: the labels pointing at its rows must keep their round."""
    engine = _seeded(empty_database_url)
    try:
        upgrade(empty_database_url, "0004")
        with engine.connect() as connection:
            rounds = connection.execute(text("SELECT shown_at, started_at FROM rounds ORDER BY id")).all()
            links = connection.execute(text("SELECT round_id FROM feedback ORDER BY id")).scalars().all()
    finally:
        engine.dispose()
    assert len(rounds) == 2 and all(shown == started and shown is not None for shown, started in rounds)
    assert links == [1, 2]


def test_labels_get_an_explicit_source(empty_database_url: str) -> None:
    """0006: a stored label is ``confirmed`` when it is the word asked, else ``corrected``."""
    engine = _seeded(empty_database_url)
    try:
        upgrade(empty_database_url)
        with engine.connect() as connection:
            labels = connection.execute(text("SELECT source, confirmed FROM feedback ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [(source, bool(confirmed)) for source, confirmed in labels] == [
        ("corrected", False),  # asked "key", labelled "shovel" by the old form's "Yes": not a confirmation
        ("confirmed", True),
    ]
