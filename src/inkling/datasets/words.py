"""Word sets: the packaged, reviewed categories of the 345 Quick, Draw! words, and fetched word lists."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

import httpx

OFFICIAL_CATEGORIES_URL = (
    "https://raw.githubusercontent.com/googlecreativelab/quickdraw-dataset/master/categories.txt"
)
SEED_PACKAGE = "inkling.datasets"
SEED_RESOURCE = "seed/categories.json"
# the longest word the ``words.text`` column holds
MAX_WORD_LENGTH = 128
# a word list larger than this is not a word list (the official one is about 3 KB)
MAX_BODY_BYTES = 1_000_000
MAX_WORDS = 10_000
FALLBACK_SLUG = "other"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class WordListError(ValueError):
    """A word list or word set that cannot be used; the message is meant for people."""


@dataclass(frozen=True)
class CategorySpec:
    """A category of words as data: slug, display name, one-line description, words."""

    slug: str
    name: str
    description: str = ""
    words: tuple[str, ...] = ()


FALLBACK_CATEGORY = CategorySpec(
    FALLBACK_SLUG, "Miscellaneous", "Words that are not sorted into a category yet."
)


@dataclass(frozen=True)
class WordSet:
    """Categories, each word in exactly one of them."""

    categories: tuple[CategorySpec, ...]
    version: int = 1
    source: str = ""

    @property
    def words(self) -> list[str]:
        """Every word, category by category."""
        return [word for category in self.categories for word in category.words]

    def category_of(self, word: str) -> str | None:
        """The slug of the category holding ``word`` (matched ignoring case and spacing), or None."""
        return self._index.get(word_key(word))

    def get(self, slug: str) -> CategorySpec | None:
        """The category with ``slug``, or None."""
        return next((category for category in self.categories if category.slug == slug), None)

    @cached_property
    def _index(self) -> dict[str, str]:
        return {word_key(word): category.slug for category in self.categories for word in category.words}


@dataclass(frozen=True)
class MappedWords:
    """A fetched word list sorted into categories, with the words no category knew."""

    word_set: WordSet
    unmapped: tuple[str, ...] = field(default=())


def normalise_word(word: str) -> str:
    """A word without surrounding whitespace and with inner runs of whitespace made one space."""
    return _SPACES.sub(" ", word).strip()


def word_key(word: str) -> str:
    """The key two spellings of one word share (case and spacing ignored)."""
    return normalise_word(word).casefold()


def validate_word_set(word_set: WordSet) -> WordSet:
    """Check slugs, names and words, and that each word is in exactly one category; return it."""
    if not word_set.categories:
        raise WordListError("the word set has no categories")
    slugs: set[str] = set()
    seen: dict[str, str] = {}
    for category in word_set.categories:
        if not _SLUG.fullmatch(category.slug):
            raise WordListError(f"bad category slug {category.slug!r} (use lowercase letters, digits, '-')")
        if category.slug in slugs:
            raise WordListError(f"category {category.slug!r} appears twice")
        slugs.add(category.slug)
        if not category.name.strip():
            raise WordListError(f"category {category.slug!r} has no name")
        for word in category.words:
            _check_word(word)
            key = word_key(word)
            if key in seen:
                raise WordListError(f"{word!r} is in both {seen[key]!r} and {category.slug!r}")
            seen[key] = category.slug
    return word_set


def _check_word(word: str) -> None:
    if not word or word != normalise_word(word):
        raise WordListError(f"bad word {word!r} (empty, or stray whitespace)")
    if len(word) > MAX_WORD_LENGTH:
        raise WordListError(f"word longer than {MAX_WORD_LENGTH} characters: {word[:40]!r}...")
    if _CONTROL.search(word):
        raise WordListError(f"word with control characters: {word!r}")


def parse_word_set(data: Mapping[str, Any]) -> WordSet:
    """Build and validate a word set from its JSON document (``{"version", "categories": [...]}``)."""
    try:
        categories = tuple(
            CategorySpec(
                slug=str(item["slug"]),
                name=str(item["name"]),
                description=str(item.get("description", "")),
                words=tuple(str(word) for word in item["words"]),
            )
            for item in data["categories"]
        )
    except (KeyError, TypeError) as error:
        raise WordListError(f"malformed word set: missing or bad field {error}") from error
    word_set = WordSet(categories, version=int(data.get("version", 1)), source=str(data.get("source", "")))
    return validate_word_set(word_set)


def load_seed() -> WordSet:
    """The reviewed categories of the 345 Quick, Draw! words shipped inside the package."""
    text = resources.files(SEED_PACKAGE).joinpath(*SEED_RESOURCE.split("/")).read_text(encoding="utf-8")
    return parse_word_set(json.loads(text))


def parse_word_list(body: bytes | str) -> list[str]:
    """Words from a ``categories.txt``-style body: one a line; BOM, CRLF, blanks and padding tolerated."""
    text = _decode(body) if isinstance(body, bytes) else body
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_BODY_BYTES:
        raise WordListError(f"word list is larger than {MAX_BODY_BYTES} characters")
    head = text.lstrip()[:512].lower()
    if head.startswith("<") or "<html" in head or "<!doctype" in head:
        raise WordListError("got an HTML page, not a word list (one word a line)")
    words: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        word = normalise_word(line)
        if not word:
            continue
        if len(word) > MAX_WORD_LENGTH:
            raise WordListError(f"line {number} is longer than {MAX_WORD_LENGTH} characters: not a word list")
        if _CONTROL.search(word):
            raise WordListError(f"line {number} has control characters: not a text word list")
        if word_key(word) not in seen:
            seen.add(word_key(word))
            words.append(word)
    if not words:
        raise WordListError("the word list is empty")
    if len(words) > MAX_WORDS:
        raise WordListError(f"the word list has {len(words)} words, more than {MAX_WORDS}")
    return words


def _decode(body: bytes) -> str:
    if len(body) > MAX_BODY_BYTES:
        raise WordListError(f"word list is larger than {MAX_BODY_BYTES} bytes")
    if b"\x00" in body:
        raise WordListError("got binary data, not a text word list")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WordListError(f"word list is not UTF-8 text ({error.reason} at byte {error.start})") from error


def map_words(words: Iterable[str], seed: WordSet | None = None) -> MappedWords:
    """Sort ``words`` into the seed's categories; words it does not know go to ``other``, and are reported."""
    seed = seed or load_seed()
    buckets: dict[str, list[str]] = {category.slug: [] for category in seed.categories}
    unmapped: list[str] = []
    for word in words:
        slug = seed.category_of(word)
        if slug is None:
            unmapped.append(word)
        else:
            buckets[slug].append(word)
    categories = [
        CategorySpec(c.slug, c.name, c.description, tuple(buckets[c.slug]))
        for c in seed.categories
        if buckets[c.slug]
    ]
    if unmapped:
        fallback = seed.get(FALLBACK_SLUG) or FALLBACK_CATEGORY
        categories = [c for c in categories if c.slug != fallback.slug]
        categories.append(CategorySpec(fallback.slug, fallback.name, fallback.description, tuple(unmapped)))
    word_set = validate_word_set(WordSet(tuple(categories), seed.version, seed.source))
    return MappedWords(word_set, tuple(unmapped))


def fetch_word_list(
    url: str = OFFICIAL_CATEGORIES_URL,
    *,
    timeout: float = 30.0,
    max_bytes: int = MAX_BODY_BYTES,
    client: httpx.Client | None = None,
) -> list[str]:
    """Download and parse a word list, refusing bodies over ``max_bytes``; errors are WordListError."""
    own_client = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=timeout)
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise WordListError(f"HTTP {response.status_code} {response.reason_phrase} for {url}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise WordListError(f"{url} is larger than {max_bytes} bytes: not a word list")
    except httpx.HTTPError as error:
        raise WordListError(f"could not download {url}: {type(error).__name__}: {error}") from error
    finally:
        if own_client:
            client.close()
    return parse_word_list(bytes(body))
