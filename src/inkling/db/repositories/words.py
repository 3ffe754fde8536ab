"""Words and their categories in the database: idempotent upsert, listings and random picks."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from inkling.datasets.words import FALLBACK_SLUG, CategorySpec, load_seed, word_key
from inkling.db.models import Word, WordCategory


@dataclass
class UpsertReport:
    """What an upsert did, word by word (texts) and category by category (slugs)."""

    categories_added: list[str] = field(default_factory=list)
    categories_updated: list[str] = field(default_factory=list)
    words_added: list[str] = field(default_factory=list)
    words_updated: list[str] = field(default_factory=list)
    words_unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(
            self.categories_added or self.categories_updated or self.words_added or self.words_updated
        )


@dataclass(frozen=True)
class CategoryCount:
    """A category with the number of its enabled words."""

    id: int
    slug: str
    name: str
    description: str
    word_count: int


class WordRepository:
    """Reads and writes ``word_categories`` and ``words`` through one session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, categories: Iterable[CategorySpec]) -> UpsertReport:
        """Insert new categories and words, update changed ones, delete nothing; a rerun changes nothing."""
        report = UpsertReport()
        by_slug = {c.slug: c for c in self.session.scalars(select(WordCategory))}
        by_key = {word_key(w.text): w for w in self.session.scalars(select(Word))}
        for spec in categories:
            category = self._upsert_category(spec, by_slug, report)
            for text in spec.words:
                self._upsert_word(text, category, by_key, report)
        self.session.flush()
        return report

    def _upsert_category(
        self, spec: CategorySpec, by_slug: dict[str, WordCategory], report: UpsertReport
    ) -> WordCategory:
        category = by_slug.get(spec.slug)
        if category is None:
            category = WordCategory(slug=spec.slug, name=spec.name, description=spec.description)
            self.session.add(category)
            self.session.flush()
            by_slug[spec.slug] = category
            report.categories_added.append(spec.slug)
        elif (category.name, category.description) != (spec.name, spec.description):
            category.name, category.description = spec.name, spec.description
            report.categories_updated.append(spec.slug)
        return category

    def _upsert_word(
        self, text: str, category: WordCategory, by_key: dict[str, Word], report: UpsertReport
    ) -> None:
        word = by_key.get(word_key(text))
        if word is None:
            word = Word(text=text, category_id=category.id, enabled=True)
            self.session.add(word)
            by_key[word_key(text)] = word
            report.words_added.append(text)
            return
        # the fallback category never takes a word away from a real one
        moves = word.category_id != category.id and category.slug != FALLBACK_SLUG
        if word.text == text and not moves:
            report.words_unchanged.append(text)
            return
        word.text = text
        if moves:
            word.category_id = category.id
        report.words_updated.append(text)

    def list_categories(self, *, include_empty: bool = False) -> list[CategoryCount]:
        """Categories by name, with the number of enabled words in each."""
        count = func.count(Word.id)
        query = (
            select(WordCategory, count)
            .outerjoin(Word, (Word.category_id == WordCategory.id) & Word.enabled.is_(True))
            .group_by(WordCategory.id)
            .order_by(WordCategory.name)
        )
        if not include_empty:
            query = query.having(count > 0)
        return [CategoryCount(c.id, c.slug, c.name, c.description, n) for c, n in self.session.execute(query)]

    def get_category(self, slug: str) -> WordCategory | None:
        """The category with ``slug``, or None."""
        return self.session.scalar(select(WordCategory).where(WordCategory.slug == slug))

    def list_words(self, category_slug: str | None = None, *, enabled_only: bool = True) -> list[Word]:
        """Words by text (with their category loaded), optionally of one category."""
        query = select(Word).options(joinedload(Word.category)).order_by(Word.text)
        if category_slug is not None:
            query = query.join(Word.category).where(WordCategory.slug == category_slug)
        if enabled_only:
            query = query.where(Word.enabled.is_(True))
        return list(self.session.scalars(query))

    def count_words(self, *, enabled_only: bool = False) -> int:
        """How many words there are."""
        query = select(func.count(Word.id))
        if enabled_only:
            query = query.where(Word.enabled.is_(True))
        return self.session.scalar(query) or 0

    def random_words(
        self,
        count: int,
        *,
        category_slug: str | None = None,
        exclude_ids: Iterable[int] = (),
        rng: random.Random | None = None,
    ) -> list[Word]:
        """Up to ``count`` different enabled words picked at random, none of ``exclude_ids``."""
        query = select(Word.id).where(Word.enabled.is_(True)).order_by(Word.id)
        if category_slug is not None:
            query = query.join(Word.category).where(WordCategory.slug == category_slug)
        excluded = set(exclude_ids)
        candidates = [i for i in self.session.scalars(query) if i not in excluded]
        chosen = (rng or random).sample(candidates, min(count, len(candidates)))
        return self._words_in_order(chosen)

    def _words_in_order(self, ids: Sequence[int]) -> list[Word]:
        if not ids:
            return []
        rows = self.session.scalars(select(Word).options(joinedload(Word.category)).where(Word.id.in_(ids)))
        by_id = {w.id: w for w in rows}
        return [by_id[i] for i in ids]


def ensure_seed_words(session: Session) -> UpsertReport | None:
    """Load the packaged word set when any of its words is missing; None when all were there already."""
    seed = load_seed()
    present = {word_key(text) for text in session.scalars(select(Word.text))}
    if all(word_key(text) in present for text in seed.words):
        return None
    return WordRepository(session).upsert(seed.categories)
