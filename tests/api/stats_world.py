"""A small played world for the leaderboard and analytics API tests (tests only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from inkling.db.engine import session_scope
from tests import play_factories as make


@dataclass(frozen=True)
class PlayedWorld:
    """Ids of what :func:`played_world` made."""

    m1: int
    m2: int


def played_world(engine: Engine) -> PlayedWorld:
    """Two model versions; alice and a guest; rounds of cat, dog and apple (seeded words)."""
    with session_scope(engine) as session:
        m1 = make.model(session, "doodlenet", 1, active=True, metrics={"top1": 0.71})
        m2 = make.model(session, "pack-demo10", 1, pack="demo10", classes=list("abcdefghij"))
        cat, dog, apple = (make.word(session, w) for w in ("cat", "dog", "apple"))
        alice, guest = make.user(session, "alice"), make.user(session, guest=True)
        g1 = make.game(session, alice, score=700, category_slug="animals")
        g2 = make.game(session, guest, score=950)
        make.round_(session, g1, cat, recognized_ms=4000, attempts=1, model_id=m1.id, with_drawing=True)
        make.round_(session, g1, cat, model_id=m1.id, attempts=2, with_drawing=True)
        make.round_(session, g2, cat, recognized_ms=8000, model_id=m2.id, with_drawing=True)
        make.round_(session, g2, dog, recognized_ms=1500, model_id=m1.id)
        make.round_(session, g1, apple, model_id=m2.id, attempts=3)
        return PlayedWorld(m1.id, m2.id)
