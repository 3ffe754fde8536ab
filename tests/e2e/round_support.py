"""Move a game page on from a round in a browser test, whatever the round's own countdown did meanwhile.

A named round moves on by itself a few seconds after the pen rests; on a loaded machine that can beat
the test's own click on "Next", and a round can run out of time before a slow test gives up. These
helpers accept either order of events and leave the check to the wait for the next word card.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

NEXT_WAIT_MS = 5_000  # how long "Next" may take to be pressable before the countdown counts as the winner


def give_up(page: Any, number: int) -> None:
    """Give up round ``number`` if it is still being drawn, then wait for its end (or the next round)."""
    page.evaluate("document.getElementById('give-up').click()")  # does nothing once the round has closed
    page.wait_for_function(
        "!document.getElementById('round-end').hidden"
        f" || document.getElementById('round-number').textContent !== '{number}'"
        " || location.pathname.startsWith('/games/')"
    )


def press_next(page: Any, *, touch: bool = False) -> None:
    """Press "Next" on the round-end panel (a tap with ``touch``), unless the countdown already moved on."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with suppress(PlaywrightTimeout):  # the named round's countdown pressed it first: the next card tells
        (page.tap if touch else page.click)("#next", timeout=NEXT_WAIT_MS)
