"""The word repository on a real database (SQLite file, and PostgreSQL when configured)."""

from __future__ import annotations

import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inkling.datasets.words import FALLBACK_CATEGORY, CategorySpec, load_seed
from inkling.db.models import Game, Round, User, Word, WordCategory
from inkling.db.repositories.words import WordRepository, ensure_seed_words

PETS = CategorySpec("pets", "Pets", "Animals at home.", ("cat", "dog", "rabbit"))
FRUIT = CategorySpec("fruit", "Fruit", "Sweet things.", ("apple", "pear"))


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_upsert_inserts_then_changes_nothing(session: Session) -> None:
    repository = WordRepository(session)
    first = repository.upsert([PETS, FRUIT])
    session.commit()
    assert first.categories_added == ["pets", "fruit"]
    assert sorted(first.words_added) == ["apple", "cat", "dog", "pear", "rabbit"]

    second = repository.upsert([PETS, FRUIT])
    session.commit()
    assert not second.changed
    assert sorted(second.words_unchanged) == ["apple", "cat", "dog", "pear", "rabbit"]
    assert (_count(session, WordCategory), _count(session, Word)) == (2, 5)


def test_upsert_updates_names_and_moves_words(session: Session) -> None:
    repository = WordRepository(session)
    repository.upsert([PETS, FRUIT])
    session.commit()
    renamed = CategorySpec("pets", "House pets", "Furry friends.", ("cat", "dog"))
    moved = CategorySpec("fruit", "Fruit", "Sweet things.", ("apple", "pear", "Rabbit"))
    report = repository.upsert([renamed, moved])
    session.commit()
    assert report.categories_updated == ["pets"]
    assert report.words_updated == ["Rabbit"]
    rabbit = session.scalars(select(Word).where(Word.text == "Rabbit")).one()
    assert rabbit.category.slug == "fruit"
    assert repository.get_category("pets").name == "House pets"


def test_the_fallback_category_never_takes_a_word_away(session: Session) -> None:
    repository = WordRepository(session)
    repository.upsert([PETS])
    fallback = CategorySpec(FALLBACK_CATEGORY.slug, FALLBACK_CATEGORY.name, "", ("cat", "zeppelin"))
    report = repository.upsert([fallback])
    session.commit()
    assert report.words_added == ["zeppelin"]
    assert report.words_unchanged == ["cat"]
    assert {w.text: w.category.slug for w in repository.list_words()} == {
        "cat": "pets",
        "dog": "pets",
        "rabbit": "pets",
        "zeppelin": "other",
    }


def test_words_in_play_are_never_deleted(session: Session) -> None:
    repository = WordRepository(session)
    repository.upsert([PETS])
    cat = session.scalars(select(Word).where(Word.text == "cat")).one()
    user = User(username="ada")
    session.add(user)
    session.flush()
    game = Game(user_id=user.id, rounds_total=1)
    session.add(game)
    session.flush()
    session.add(Round(game_id=game.id, number=1, word_id=cat.id))
    session.commit()
    repository.upsert([CategorySpec("pets", "Pets", "Animals at home.", ("dog",))])
    session.commit()
    assert {w.text for w in repository.list_words()} == {"cat", "dog", "rabbit"}


def test_listings_count_only_enabled_words(session: Session) -> None:
    repository = WordRepository(session)
    repository.upsert([PETS, FRUIT, CategorySpec("empty", "Empty")])
    session.scalars(select(Word).where(Word.text == "dog")).one().enabled = False
    session.commit()
    counts = {c.slug: c.word_count for c in repository.list_categories()}
    assert counts == {"fruit": 2, "pets": 2}
    assert {c.slug for c in repository.list_categories(include_empty=True)} == {"empty", "fruit", "pets"}
    assert [w.text for w in repository.list_words("pets")] == ["cat", "rabbit"]
    assert [w.text for w in repository.list_words("pets", enabled_only=False)] == ["cat", "dog", "rabbit"]
    assert repository.list_words("nope") == []
    assert repository.count_words() == 5
    assert repository.count_words(enabled_only=True) == 4


def test_random_words_are_distinct_enabled_and_respect_exclusions(session: Session) -> None:
    repository = WordRepository(session)
    repository.upsert(load_seed().categories)
    session.commit()
    picked = repository.random_words(6, rng=random.Random(1))
    assert len({w.id for w in picked}) == 6
    again = repository.random_words(6, rng=random.Random(1))
    assert [w.id for w in again] == [w.id for w in picked]

    music = repository.random_words(100, category_slug="music")
    assert len(music) == 13 and {w.category.slug for w in music} == {"music"}
    excluded = {w.id for w in music[:10]}
    rest = repository.random_words(10, category_slug="music", exclude_ids=excluded)
    assert {w.id for w in rest} == {w.id for w in music[10:]}
    assert repository.random_words(3, category_slug="music", exclude_ids={w.id for w in music}) == []


def test_ensure_seed_words_loads_once_and_fills_gaps(session: Session) -> None:
    report = ensure_seed_words(session)
    session.commit()
    assert report is not None and len(report.words_added) == 345
    assert ensure_seed_words(session) is None

    session.delete(session.scalars(select(Word).where(Word.text == "The Eiffel Tower")).one())
    session.commit()
    report = ensure_seed_words(session)
    session.commit()
    assert report is not None and report.words_added == ["The Eiffel Tower"]
    assert WordRepository(session).count_words() == 345
    assert len(WordRepository(session).list_categories()) == len(load_seed().categories)
