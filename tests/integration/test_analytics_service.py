"""Leaderboards and word difficulty on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from inkling.services import analytics
from inkling.services.analytics import WordSort
from tests import play_factories as make


@dataclass
class World:
    """Ids of the models the scenario made."""

    m1: int
    m2: int


@pytest.fixture
def world(session: Session) -> World:
    """Two models, an account and a guest, four words in three categories, closed and open rounds."""
    m1, m2 = make.model(session, "doodlenet", 1), make.model(session, "doodlenet", 2)
    cat, dog = make.word(session, "cat", "animals"), make.word(session, "dog", "animals")
    apple, bike = make.word(session, "apple", "food"), make.word(session, "bicycle", "things")
    alice, guest = make.user(session, "alice"), make.user(session, guest=True)
    g1 = make.game(session, alice, score=900, category_slug="animals")
    g2 = make.game(session, guest, score=1000)
    g3 = make.game(session, alice, score=1100, status="playing")
    make.round_(session, g1, cat, recognized_ms=3000, attempts=1, model_id=m1.id)
    make.round_(session, g1, cat, recognized_ms=5000, attempts=0, model_id=m1.id)
    make.round_(session, g2, cat, recognized_ms=9000, attempts=2, model_id=m2.id)
    make.round_(session, g2, cat, attempts=3, model_id=m1.id)
    make.round_(session, g1, dog, recognized_ms=2000, attempts=0, model_id=m1.id)
    make.round_(session, g1, dog, model_id=m1.id)
    make.round_(session, g2, dog, model_id=m1.id)
    make.round_(session, g2, apple, attempts=4, model_id=m2.id)
    make.round_(session, g1, apple, attempts=2, model_id=m1.id)
    make.round_(session, g2, bike, recognized_ms=1000, attempts=0, model_id=m1.id)
    make.round_(session, g1, bike, recognized_ms=4000, attempts=2, model_id=m1.id)
    make.round_(session, g3, apple, recognized_ms=100, model_id=m1.id, closed=False)  # still open
    session.commit()
    return World(m1.id, m2.id)


def _by_label(rows: list[analytics.Difficulty]) -> dict[str, analytics.Difficulty]:
    return {row.label: row for row in rows}


def test_word_difficulty_counts_rates_and_medians(session: Session, world: World) -> None:
    rows = _by_label(analytics.word_difficulty(session))
    cat, dog, apple, bike = rows["cat"], rows["dog"], rows["apple"], rows["bicycle"]
    assert (cat.rounds, cat.recognized, cat.median_ms, cat.median_attempts) == (4, 3, 5000, 1)
    assert (dog.rounds, dog.recognized, dog.median_ms) == (3, 1, 2000)
    assert dog.recognition_rate == pytest.approx(1 / 3)
    assert (apple.rounds, apple.recognized, apple.median_ms, apple.median_attempts) == (2, 0, None, None)
    assert (bike.median_ms, bike.median_attempts) == (2500, 1)  # even count: mean of the middle two
    assert cat.category == "Animals"


def test_hardest_words_come_first_and_other_sorts(session: Session, world: World) -> None:
    labels = [r.label for r in analytics.word_difficulty(session)]
    assert labels == ["apple", "dog", "cat", "bicycle"]
    assert [r.label for r in analytics.word_difficulty(session, sort=WordSort.easiest)] == [
        "bicycle",
        "cat",
        "dog",
        "apple",
    ]
    slowest = [r.label for r in analytics.word_difficulty(session, sort="slowest")]
    assert slowest == ["cat", "bicycle", "dog", "apple"]  # apple has no median time: last
    assert next(r.label for r in analytics.word_difficulty(session, sort="rounds")) == "cat"
    assert [r.label for r in analytics.word_difficulty(session, sort="word")] == sorted(labels)


def test_filters_model_category_and_min_rounds(session: Session, world: World) -> None:
    second = _by_label(analytics.word_difficulty(session, model_id=world.m2))
    assert set(second) == {"cat", "apple"}
    assert (second["cat"].rounds, second["cat"].recognized, second["cat"].median_ms) == (1, 1, 9000)
    animals = analytics.word_difficulty(session, category="animals")
    assert {r.label for r in animals} == {"cat", "dog"}
    assert {r.label for r in analytics.word_difficulty(session, min_rounds=3)} == {"cat", "dog"}
    assert analytics.word_difficulty(session, model_id=world.m2 + 100) == []


def test_category_difficulty(session: Session, world: World) -> None:
    rows = analytics.category_difficulty(session)
    assert [r.key for r in rows] == ["food", "animals", "things"]
    animals = rows[1]
    summary = (animals.rounds, animals.recognized, animals.median_ms, animals.median_attempts)
    assert summary == (7, 4, 4000, 0.5)
    assert [r.key for r in analytics.category_difficulty(session, model_id=world.m2)] == ["food", "animals"]


def test_fastest_recognitions_skip_open_rounds_and_call_guests_guest(session: Session, world: World) -> None:
    rows = analytics.fastest_recognitions(session, limit=3)
    assert [(r.word, r.recognized_ms, r.player) for r in rows] == [
        ("bicycle", 1000, "guest"),
        ("dog", 2000, "alice"),
        ("cat", 3000, "alice"),
    ]
    assert rows[0].played_at is not None and rows[0].model_id == world.m1
    only_m2 = analytics.fastest_recognitions(session, model_id=world.m2)
    assert [(r.word, r.recognized_ms) for r in only_m2] == [("cat", 9000)]
    things = analytics.fastest_recognitions(session, category="things")
    assert [r.word for r in things] == ["bicycle", "bicycle"]


def test_best_games_only_finished_best_first(session: Session, world: World) -> None:
    rows = analytics.best_games(session)
    assert [(r.player, r.score) for r in rows] == [("guest", 1000), ("alice", 900)]
    assert rows[1].category == "Animals" and rows[1].recognized == 4 and rows[0].recognized == 2
    assert [r.score for r in analytics.best_games(session, model_id=world.m2)] == [1000]
    assert len(analytics.best_games(session, limit=1)) == 1


def test_blank_rounds_do_not_count_against_the_machine(session: Session, world: World) -> None:
    """A round the player never drew in (the old word card swallowed first strokes) is no data."""
    cat, dog = make.word(session, "cat", "animals"), make.word(session, "dog", "animals")
    bob = make.user(session, "bob")
    idle = make.game(session, bob, score=0)
    for word in (cat, dog):
        make.round_(session, idle, word, blank=True, model_id=world.m1)
    some = make.game(session, bob, score=150)
    make.round_(session, some, cat, blank=True, model_id=world.m1)
    make.round_(session, some, dog, recognized_ms=1000, model_id=world.m1)
    session.commit()
    rows = _by_label(analytics.word_difficulty(session))
    assert (rows["cat"].rounds, rows["cat"].recognized) == (4, 3)  # the three blank cats are left out
    assert (rows["dog"].rounds, rows["dog"].recognized) == (4, 2)
    animals = next(r for r in analytics.category_difficulty(session) if r.key == "animals")
    assert (animals.rounds, animals.recognized) == (8, 5)
    best = {r.game_id: r for r in analytics.best_games(session)}
    assert idle.id not in best and (best[some.id].drawn, best[some.id].recognized) == (1, 1)


def test_model_versions_never_load_onnx_and_summarise_metadata(session: Session) -> None:
    make.model(session, "doodlenet", 1, active=True, metrics={"top1": 0.7, "note": "x"})
    make.model(session, "pack-fashion", 1, pack="fashion", classes=["shoe", "hat"])
    make.model(session, "mnist", 1, task="digit")
    session.commit()
    rows = analytics.model_versions(session, "doodle")
    assert [(r.label, r.is_active, r.classes, r.pack) for r in rows] == [
        ("doodlenet v1", True, 3, None),
        ("pack-fashion v1", False, 2, "fashion"),
    ]
    assert rows[0].metrics == {"top1": 0.7}
    assert len(analytics.model_versions(session, None)) == 3


def test_a_model_filter_names_a_packs_words(session: Session) -> None:
    """The shipped packs say ``"pack": true``: the label names the pack and its words, not "True pack"."""
    words = ["bowtie", "lipstick", "purse", "sock", "umbrella", "wristwatch"]
    make.model(session, "pack-fashion", 1, pack=True, classes=words)
    make.model(session, "inkling-doodle", 1, pack=False, classes=[f"w{i}" for i in range(345)])
    session.commit()
    described = {r.name: (r.pack, r.described) for r in analytics.model_versions(session, "doodle")}
    assert described == {
        "pack-fashion": ("pack-fashion", "pack-fashion v1 — 6 words: bowtie, lipstick, purse, …"),
        "inkling-doodle": (None, "inkling-doodle v1 — all 345 words"),
    }
