"""Settings come from INKLING_* variables and refuse placeholder secrets in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from inkling.settings import DEVELOPMENT_SECRET, Settings, get_settings


def test_defaults_use_a_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INKLING_DATABASE_URL", raising=False)
    assert Settings().database_url.startswith("sqlite:///")


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INKLING_DATABASE_URL", "postgresql://u@db/inkling")
    monkeypatch.setenv("INKLING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INKLING_PORT", "9001")
    settings = get_settings()
    assert settings.database_url == "postgresql://u@db/inkling"
    assert settings.data_dir == tmp_path
    assert settings.port == 9001


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKLING_ENVIRONMENT", "production")
    monkeypatch.delenv("INKLING_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="INKLING_SECRET_KEY"):
        Settings()


def test_production_accepts_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKLING_ENVIRONMENT", "production")
    monkeypatch.setenv("INKLING_SECRET_KEY", "a" * 40)
    assert Settings().secret_key != DEVELOPMENT_SECRET


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKLING_ENVIRONMENT", "production")
    monkeypatch.setenv("INKLING_SECRET_KEY", "short")
    with pytest.raises(ValidationError, match="at least"):
        Settings()


def test_the_test_environment_needs_a_secret_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKLING_ENVIRONMENT", "test")
    monkeypatch.delenv("INKLING_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="INKLING_SECRET_KEY"):
        Settings()
