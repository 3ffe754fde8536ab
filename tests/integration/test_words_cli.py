"""``inkling words`` end to end: fetch from a local HTTP server, load, list, on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from inkling.cli.words import app
from inkling.db.engine import make_engine, session_scope
from inkling.db.models import Word
from inkling.settings import get_settings
from tests.httpserver import LocalServer, serve_directory

# the official format, with the mess a mirror might add: BOM, CRLF, blank lines, padding, an unknown word
FIXTURE = "\ufeffcat\r\n  dog \r\n\r\napple\r\nThe Eiffel Tower\r\nxylophone\r\n"
runner = CliRunner()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    """A local HTTP server with a small categories.txt and an HTML error page."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "categories.txt").write_bytes(FIXTURE.encode("utf-8"))
    (root / "page.html").write_text("<!DOCTYPE html><html><body>Not here</body></html>")
    with serve_directory(root) as running:
        yield running


def _words(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return {w.text: w.category.slug for w in session.scalars(select(Word))}
    finally:
        engine.dispose()


def test_fetch_stores_words_by_category_and_reports_unmapped(database_url: str, server: LocalServer) -> None:
    url = server.url("categories.txt")
    result = runner.invoke(app, ["fetch", url, "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "fetched 5 words" in result.output
    assert "xylophone" in result.output and "other" in result.output
    assert _words(database_url) == {
        "cat": "animals",
        "dog": "animals",
        "apple": "fruit-vegetables",
        "The Eiffel Tower": "places",
        "xylophone": "other",
    }

    again = runner.invoke(app, ["fetch", url, "--database-url", database_url])
    assert again.exit_code == 0, again.output
    assert "words: 0 added, 0 updated, 5 unchanged" in again.output


def test_fetch_uses_the_configured_database(
    empty_database_url: str, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INKLING_DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["fetch", server.url("categories.txt")])
    assert result.exit_code == 0, result.output
    assert len(_words(empty_database_url)) == 5


@pytest.mark.parametrize(
    ("path", "fault", "message"),
    [
        ("page.html", None, "HTML page"),
        ("missing.txt", None, "HTTP 404"),
        ("categories.txt", 503, "HTTP 503"),
    ],
)
def test_fetch_fails_clearly_without_a_traceback(
    database_url: str, server: LocalServer, path: str, fault: int | None, message: str
) -> None:
    if fault is not None:
        server.fail(path, status=fault)
    result = runner.invoke(app, ["fetch", server.url(path), "--database-url", database_url])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert _words(database_url) == {}


def test_fetch_fails_clearly_when_the_server_is_down(database_url: str) -> None:
    result = runner.invoke(
        app, ["fetch", "http://127.0.0.1:9/categories.txt", "--timeout", "5", "--database-url", database_url]
    )
    assert result.exit_code == 1
    assert "could not download" in result.output


def test_load_migrates_loads_the_seed_and_is_idempotent(empty_database_url: str) -> None:
    result = runner.invoke(app, ["load", "--database-url", empty_database_url])
    assert result.exit_code == 0, result.output
    assert "345 words in 16 categories" in result.output
    words = _words(empty_database_url)
    assert len(words) == 345 and words["The Eiffel Tower"] == "places"

    again = runner.invoke(app, ["load", "--database-url", empty_database_url])
    assert again.exit_code == 0, again.output
    assert "words: 0 added, 0 updated, 345 unchanged" in again.output


def test_list_and_categories(database_url: str) -> None:
    assert runner.invoke(app, ["load", "--database-url", database_url]).exit_code == 0
    listed = runner.invoke(app, ["list", "--category", "music", "--database-url", database_url])
    assert listed.exit_code == 0, listed.output
    assert "Words (13)" in listed.output and "saxophone" in listed.output and "cat " not in listed.output
    everything = runner.invoke(app, ["list", "--database-url", database_url])
    assert "Words (345)" in everything.output
    categories = runner.invoke(app, ["categories", "--database-url", database_url])
    assert categories.exit_code == 0 and "Categories (16)" in categories.output
    unknown = runner.invoke(app, ["list", "--category", "nope", "--database-url", database_url])
    assert unknown.exit_code == 1 and "no category 'nope'" in unknown.output


def test_list_on_an_unmigrated_database_says_what_to_run(empty_database_url: str) -> None:
    result = runner.invoke(app, ["list", "--database-url", empty_database_url])
    assert result.exit_code == 1
    assert "inkling words load" in result.output
