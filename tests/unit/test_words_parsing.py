"""Parsing fetched word lists, mapping them to categories, validating word sets, fetching (no network)."""

from __future__ import annotations

import httpx
import pytest

from inkling.datasets.words import (
    FALLBACK_SLUG,
    MAX_WORD_LENGTH,
    CategorySpec,
    WordListError,
    WordSet,
    fetch_word_list,
    load_seed,
    map_words,
    parse_word_list,
    parse_word_set,
    validate_word_set,
)


@pytest.mark.parametrize(
    "body",
    [
        "cat\ndog\nThe Eiffel Tower\n",
        "cat\r\ndog\r\nThe Eiffel Tower\r\n",
        b"\xef\xbb\xbfcat\r\ndog\r\nThe Eiffel Tower",
        "\ufeff  cat  \n\n\t\ndog\nThe   Eiffel Tower\n\n",
        "cat\ndog\ncat\nThe Eiffel Tower\n",
    ],
)
def test_parse_word_list_tolerates_common_formatting(body: str | bytes) -> None:
    assert parse_word_list(body) == ["cat", "dog", "The Eiffel Tower"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html>\n<html><body>Rate limited</body></html>", "HTML"),
        ("  <html>\n<head></head>\n</html>", "HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9\n", "UTF-8"),
        ("cat\n" + "x" * (MAX_WORD_LENGTH + 1) + "\n", "longer than"),
        ("cat\nbell\x07\n", "control"),
        ("\n\n  \r\n", "empty"),
        (b"cat\n" * 300_000, "larger than"),
    ],
)
def test_parse_word_list_rejects_what_is_not_a_word_list(body: str | bytes, message: str) -> None:
    with pytest.raises(WordListError, match=message):
        parse_word_list(body)


def test_map_words_uses_the_seed_and_reports_unknown_words() -> None:
    mapped = map_words(["cat", "apple", "the eiffel tower", "xylophone", "Zeppelin"])
    by_slug = {c.slug: c.words for c in mapped.word_set.categories}
    assert by_slug["animals"] == ("cat",)
    assert by_slug["fruit-vegetables"] == ("apple",)
    assert by_slug["places"] == ("the eiffel tower",)
    assert by_slug[FALLBACK_SLUG] == ("xylophone", "Zeppelin")
    assert mapped.unmapped == ("xylophone", "Zeppelin")
    assert sorted(mapped.word_set.words) == sorted(
        ["cat", "apple", "the eiffel tower", "xylophone", "Zeppelin"]
    )


def test_map_words_without_unknown_words_has_no_fallback() -> None:
    seed = load_seed()
    mapped = map_words(seed.words, seed)
    assert mapped.unmapped == ()
    assert [c.slug for c in mapped.word_set.categories] == [c.slug for c in seed.categories]


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ((), "no categories"),
        ((CategorySpec("Bad Slug", "Bad"),), "bad category slug"),
        ((CategorySpec("a", "A"), CategorySpec("a", "A again")), "twice"),
        ((CategorySpec("a", " "),), "no name"),
        ((CategorySpec("a", "A", words=("cat",)), CategorySpec("b", "B", words=("Cat",))), "in both"),
        ((CategorySpec("a", "A", words=(" cat",)),), "bad word"),
        ((CategorySpec("a", "A", words=("",)),), "bad word"),
    ],
)
def test_validate_word_set_rejects_inconsistent_sets(
    categories: tuple[CategorySpec, ...], message: str
) -> None:
    with pytest.raises(WordListError, match=message):
        validate_word_set(WordSet(categories))


def test_parse_word_set_reads_the_json_document() -> None:
    document = {"version": 2, "categories": [{"slug": "pets", "name": "Pets", "words": ["cat", "dog"]}]}
    word_set = parse_word_set(document)
    assert word_set.version == 2
    assert word_set.category_of("DOG") == "pets"
    assert word_set.get("pets") == CategorySpec("pets", "Pets", "", ("cat", "dog"))
    with pytest.raises(WordListError, match="malformed"):
        parse_word_set({"categories": [{"slug": "pets"}]})


def _client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_fetch_word_list_parses_the_body() -> None:
    client = _client(lambda request: httpx.Response(200, content=b"\xef\xbb\xbfcat\r\ndog\r\n"))
    assert fetch_word_list("https://example.test/categories.txt", client=client) == ["cat", "dog"]


def test_fetch_word_list_reports_http_errors() -> None:
    client = _client(lambda request: httpx.Response(404, text="no"))
    with pytest.raises(WordListError, match="HTTP 404"):
        fetch_word_list("https://example.test/missing.txt", client=client)


def test_fetch_word_list_caps_the_size() -> None:
    client = _client(lambda request: httpx.Response(200, content=b"cat\n" * 1000))
    with pytest.raises(WordListError, match="larger than 100 bytes"):
        fetch_word_list("https://example.test/big.txt", client=client, max_bytes=100)


def test_fetch_word_list_reports_network_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(WordListError, match="could not download"):
        fetch_word_list("https://example.test/categories.txt", client=_client(refuse))
