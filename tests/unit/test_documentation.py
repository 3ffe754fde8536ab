"""Every CLI command and every setting is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.main import get_command

from inkling.cli import app
from inkling.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _command_paths(command: typer.core.TyperGroup | typer.core.TyperCommand, prefix: str) -> list[str]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [prefix]
    paths = []
    for name, sub in subcommands.items():
        paths.extend(_command_paths(sub, f"{prefix} {name}"))
    return paths


COMMANDS = _command_paths(get_command(app), "inkling")


def test_the_cli_has_commands() -> None:
    assert "inkling serve" in COMMANDS
    assert "inkling db upgrade" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"`{command}" in README.read_text(), f"{command} is not documented in README.md"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    variable = f"INKLING_{field.upper()}"
    assert variable in README.read_text(), f"{variable} is not documented in README.md"
