"""``inkling models`` on a real database: load, list, show, activate, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from inkling.cli import app
from inkling.cli import models as models_cli
from inkling.db.engine import make_engine, session_scope
from inkling.registry import find_model, get_active, register_model
from inkling.services.models import SHIPPED_DIR, default_shipped_model

runner = CliRunner()


def invoke(*args: str) -> str:
    """Run ``inkling models ARGS`` and return its output (it must succeed)."""
    result = runner.invoke(app, ["models", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_models_commands_end_to_end(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models_cli, "console", Console(width=200))  # keep table rows on one line
    url = ["--database-url", empty_database_url]
    assert f"{default_shipped_model('doodle').name} v1 (doodle): added, activated" in invoke(
        "load", *url
    )  # migrates an empty database
    assert "already registered" in invoke("load", *url)

    listing = invoke("list", *url)
    assert "doodlenet" in listing and "345" in listing and "yes" in listing
    assert "doodlenet" not in invoke("list", "--task", "digit", *url)

    record = json.loads(invoke("show", "doodlenet", *url))
    assert record["name"] == "doodlenet" and record["version"] == 1 and record["active"] is False
    assert record["meta"]["input"]["size"] == 28 and len(record["meta"]["classes"]) == 345

    engine = make_engine(empty_database_url)
    with session_scope(engine) as session:
        register_model(
            session,
            name="doodlenet",
            task="doodle",
            onnx=(SHIPPED_DIR / "doodlenet.onnx").read_bytes(),
            meta={"classes": ["x"], "metrics": {"top1": 0.91, "top3": 0.97}},
        )
    assert "top1=0.91, top3=0.97" in invoke("list", *url)
    assert "doodlenet v2 is now the active doodle model" in invoke("activate", "doodlenet", *url)
    with session_scope(engine) as session:
        assert get_active(session, "doodle").version == 2
    invoke("activate", "doodlenet", "--version", "1", *url)
    with session_scope(engine) as session:
        assert get_active(session, "doodle").version == 1
        shipped_sha = find_model(session, "doodlenet", 1).sha256
    engine.dispose()

    out = tmp_path / "export" / "doodlenet.onnx"
    assert "wrote" in invoke("export", "doodlenet", "--version", "1", "--out", str(out), "--meta", *url)
    assert out.read_bytes() == (SHIPPED_DIR / "doodlenet.onnx").read_bytes()
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["name"] == "doodlenet" and sidecar["onnx_sha256"] == shipped_sha


def test_models_errors_are_clean(empty_database_url: str) -> None:
    url = ["--database-url", empty_database_url]
    result = runner.invoke(app, ["models", "list", *url])
    assert result.exit_code == 1 and "no models table" in result.output
    invoke("load", *url)
    for args in (["show", "nope"], ["activate", "doodlenet", "--version", "9"], ["list", "--task", "poems"]):
        result = runner.invoke(app, ["models", *args, *url])
        assert result.exit_code == 1, result.output
        assert "error" in result.output and "Traceback" not in result.output
