"""Migrations run from empty to head and back on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from inkling.db.base import Base
from inkling.db.engine import make_engine
from inkling.db.migrate import current_revision, downgrade, head_revision, upgrade

EXPECTED_TABLES = {
    "users",
    "word_categories",
    "words",
    "drawings",
    "games",
    "rounds",
    "models",
    "feedback",
    "web_sessions",
    "login_attempts",
    "mnist_train",
    "mnist_test",
    "digit_drawings",
    "captcha_challenges",
    "rooms",
    "room_players",
    "room_turns",
    "room_strokes",
    "room_guesses",
    "drawing_reports",
    "admin_audit",
    "restore_jobs",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision()
    assert _tables(empty_database_url) >= EXPECTED_TABLES


def test_downgrade_to_base_removes_every_table_and_upgrades_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == set()
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    assert _tables(empty_database_url) >= EXPECTED_TABLES


def test_upgrade_twice_is_a_no_op(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision()


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
