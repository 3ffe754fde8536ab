"""Row counts of every table: what a test compares before and after a refused request."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each table of the database (``alembic_version`` included)."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
            for table in inspect(engine).get_table_names()
        }
