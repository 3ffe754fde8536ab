"""Helpers for the game tests: table counts, a movable clock, real drawings from the data mirror."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, Feedback, Game, Round

COUNTED = (Drawing, Feedback, Game, Round)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in the tables the game writes."""
    with session_scope(engine) as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in COUNTED}
