"""axe-core in the browser tests: inject the npm package's script into a page and list its findings.

`make test` installs it (``npm ci`` in tests/e2e/axe); nothing is fetched from a CDN at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")  # impacts that fail a page


@lru_cache(maxsize=1)
def axe_source() -> str | None:
    """axe-core's script, or None when it is not installed (run ``make test`` or ``npm ci`` there)."""
    return AXE_JS.read_text(encoding="utf-8") if AXE_JS.is_file() else None


def blocking_violations(page: Any) -> list[str]:
    """The page's critical and serious axe violations, one line each (rule, impact, first elements)."""
    source = axe_source()
    if source is None:
        raise FileNotFoundError(f"axe-core is not installed at {AXE_JS}")
    page.evaluate(source)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in BLOCKING
    ]
