"""The arrows of DESIGN.md hold: lower layers never import upper ones; serving never imports torch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "inkling"

# what each layer may import from inkling (besides itself); None means no restriction
ALLOWED: dict[str, set[str] | None] = {
    "ink": set(),
    "game": set(),
    "settings": set(),
    "datasets": {"settings", "ink"},
    "db": {"settings", "datasets"},
    "registry": {"db"},
    "inference": {"ink"},
    "services": {"settings", "ink", "game", "db", "registry", "inference", "datasets"},
    "learn": {"settings", "ink", "datasets", "registry", "db", "inference"},
    "restore": {"settings", "ink", "datasets", "registry", "db", "inference", "learn"},
    "web": {"settings", "ink", "game", "db", "registry", "inference", "services", "datasets"},
    "cli": None,
}
# a part of a layer with arrows of its own: the learning loop reads play data and records its decisions
# through the services (examples, lineage, moderation), a consumer of them like web and cli; the rest of
# learn stays below the services, and still nothing on the serving path imports learn
SUBLAYERS: dict[str, set[str]] = {
    "learn/loop": {"settings", "ink", "datasets", "registry", "db", "inference", "services"},
}
TRAINING_ONLY = {"torch", "sklearn", "onnx", "onnxscript", "h5py"}
TRAINING_LAYERS = {"learn", "restore", "cli"}


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE).as_posix()
    for sublayer in SUBLAYERS:
        if relative.startswith(sublayer + "/"):
            return sublayer
    return relative.split("/")[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """Absolute module names imported at module level or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _layer(p) not in {"__init__", "__main__"})


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    top = layer.split("/")[0]
    allowed = SUBLAYERS.get(layer, ALLOWED.get(top))
    if allowed is None:
        return
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "inkling" and len(parts) > 1 and parts[1] != top:
            assert parts[1] in allowed, f"{layer} must not import {name}"
        if top not in TRAINING_LAYERS:
            assert parts[0] not in TRAINING_ONLY, f"{layer} is on the serving path and must not import {name}"
