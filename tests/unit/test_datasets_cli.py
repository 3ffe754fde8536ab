"""``inkling data list / fetch / url`` through the sub-app, against a local server and a fake mirror."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import typer
from typer.testing import CliRunner

from inkling.settings import get_settings
from tests.httpserver import LocalServer, serve_directory

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def _load_data_cli() -> ModuleType:
    """``inkling.cli.data``; loaded from its file when the package's other commands are not importable yet."""
    try:
        return importlib.import_module("inkling.cli.data")
    except ImportError:
        path = Path(importlib.util.find_spec("inkling").origin).parent / "cli" / "data.py"
        spec = importlib.util.spec_from_file_location("inkling_cli_data_standalone", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


app: typer.Typer = _load_data_cli().app
runner = CliRunner()


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty fake mirror and cache, no proxies, a wide terminal."""
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("INKLING_DATA_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("INKLING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "250")
    # the module's console read COLUMNS when it was imported (pytest-xdist workers have COLUMNS=80 then)
    monkeypatch.setattr(_load_data_cli().console, "width", 250)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "cat.ndjson").write_text('{"word": "cat", "drawing": [[[0], [0]]]}\n')
    with serve_directory(tmp_path / "served") as server:
        yield server


def test_list_shows_names_urls_and_presence(tmp_path: Path) -> None:
    (tmp_path / "mirror" / "mnist").mkdir(parents=True)
    (tmp_path / "mirror" / "mnist" / "mnist.npz").write_bytes(b"x")
    (tmp_path / "cache" / "quickdraw").mkdir(parents=True)
    (tmp_path / "cache" / "quickdraw" / "categories.txt").write_text("cat\n")
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 2}
    assert "mirror" in lines["mnist"] and "tf-keras-datasets/mnist.npz" in lines["mnist"]
    assert "cache" in lines["quickdraw-categories"]
    assert "mirror only" in lines["doodlenet-tfjs"] and " - " in lines["doodlenet-tfjs"]
    assert "quickdraw-bitmap/<word>" in lines
    assert "[[xs],[ys]]" in result.output  # descriptions are not eaten as markup


def test_fetch_downloads_into_the_cache_with_a_url(server: LocalServer, tmp_path: Path) -> None:
    fetch = ["fetch", "quickdraw-simplified/cat", "--url", server.url("cat.ndjson")]
    result = runner.invoke(app, [*fetch, "-q"])
    assert result.exit_code == 0, result.output
    cached = tmp_path / "cache" / "quickdraw" / "full" / "simplified" / "cat.ndjson"
    assert cached.read_text().startswith('{"word": "cat"')
    assert "downloaded" in result.output and str(cached) in result.output
    again = runner.invoke(app, fetch)
    assert "cache" in again.output and len(server.requests) == 1
    forced = runner.invoke(app, [*fetch, "--force"])
    assert forced.exit_code == 0 and len(server.requests) == 2


def test_fetch_from_the_mirror_and_copy(tmp_path: Path) -> None:
    folder = tmp_path / "mirror" / "pretrained" / "doodlenet_tfjs"
    folder.mkdir(parents=True)
    (folder / "model.json").write_text("{}")
    result = runner.invoke(app, ["fetch", "doodlenet-tfjs", "--dest", str(tmp_path / "copy")])
    assert result.exit_code == 0, result.output
    assert "mirror, copied" in result.output
    assert (tmp_path / "copy" / "model.json").read_text() == "{}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fetch", "nope"], "unknown data source 'nope'"),
        (["fetch", "quickdraw-bitmaps-64class"], "mirror-only"),
        (["url", "sketcher-tfjs"], "no official public URL"),
    ],
)
def test_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert result.output.startswith("error:")


def test_fetch_reports_a_failed_download(server: LocalServer) -> None:
    result = runner.invoke(app, ["fetch", "quickdraw-raw/dog", "--url", server.url("dog.ndjson"), "-q"])
    assert result.exit_code == 1
    assert "HTTP 404" in result.output and "Traceback" not in result.output


def test_url_prints_the_official_url() -> None:
    result = runner.invoke(app, ["url", "quickdraw-bitmap/The Eiffel Tower"])
    assert result.exit_code == 0
    assert result.output.strip() == (
        "https://storage.googleapis.com/quickdraw_dataset/full/numpy_bitmap/The%20Eiffel%20Tower.npy"
    )
