"""The packaged word set: all 345 official Quick, Draw! words, each in exactly one player category."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path

from inkling.datasets.words import FALLBACK_SLUG, load_seed, word_key

OFFICIAL_WORD_COUNT = 345
# a 6-round game in one category should not run short of words
MIN_WORDS_PER_CATEGORY = 8


def test_the_seed_has_every_official_word_exactly_once() -> None:
    words = load_seed().words
    assert len(words) == OFFICIAL_WORD_COUNT
    assert [w for w, n in Counter(words).items() if n > 1] == []
    assert len({word_key(w) for w in words}) == OFFICIAL_WORD_COUNT


def test_the_seed_matches_the_official_list(data_dir: Path) -> None:
    official = (data_dir / "quickdraw" / "categories.txt").read_text(encoding="utf-8").splitlines()
    assert sorted(load_seed().words) == sorted(w for w in official if w)


def test_official_spellings_are_kept() -> None:
    words = set(load_seed().words)
    assert {"The Eiffel Tower", "The Great Wall of China", "The Mona Lisa", "t-shirt", "teddy-bear"} <= words


def test_categories_are_distinct_named_and_big_enough() -> None:
    seed = load_seed()
    slugs = [c.slug for c in seed.categories]
    assert len(slugs) == len(set(slugs))
    assert 12 <= len(slugs) <= 18
    assert FALLBACK_SLUG not in slugs
    for category in seed.categories:
        assert category.name.strip() and category.description.strip()
        assert len(category.words) >= MIN_WORDS_PER_CATEGORY, category.slug


def test_reviewed_placements() -> None:
    seed = load_seed()
    expected = {
        "flip flops": "clothing",
        "swing set": "sports",
        "waterslide": "sports",
        "microwave": "home",
        "lobster": "animals",
        "octopus": "animals",
        "hot dog": "food-drink",
        "nail": "tools",
        "calculator": "electronics",
        "The Eiffel Tower": "places",
        "smiley face": "shapes",
    }
    assert {word: seed.category_of(word) for word in expected} == expected


def test_the_seed_file_is_plain_versioned_json() -> None:
    text = resources.files("inkling.datasets").joinpath("seed", "categories.json").read_text("utf-8")
    document = json.loads(text)
    assert document["version"] == 1
    assert "CC BY 4.0" in document["license"]
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in document["license"]
