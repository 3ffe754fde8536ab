"""Server-side SVG charts (no JavaScript): horizontal bar charts with titles, labels and tooltips.

``bar_chart(bars, title=...)`` returns inline SVG markup; templates call it as the Jinja global
``bar_chart``. Text is escaped and numbers are formatted here, so data cannot inject markup. Each chart
is ``role="img"`` with a ``<title>`` and ``<desc>`` for screen readers, and each bar has its own
``<title>`` tooltip; pages show the same numbers in a table next to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640  # viewBox width; the SVG scales to its container
LABEL_WIDTH = 150  # room for the bar labels on the left
VALUE_WIDTH = 70  # room for the value text right of the longest bar
BAR_HEIGHT = 18
GAP = 6
TOP = 8
AXIS = 22  # room for the axis ticks under the bars
INK = "#1d1d1f"  # the palette of inkling.css
ACCENT = "#ffcd00"
MUTED = "#6b6b6b"
LOW = "#e57373"  # bars flagged as bad (e.g. recognition under half)
GRID = "#e8e4d8"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text shown at its end, an optional link and a "low" flag."""

    label: str
    value: float
    text: str
    low: bool = False
    tooltip: str | None = None


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _clip(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str = "",
    max_value: float | None = None,
    ticks: Sequence[tuple[float, str]] = (),
    css_class: str = "chart",
) -> Markup:
    """A horizontal bar chart of ``bars`` (top to bottom), scaled to ``max_value`` (default: the largest)."""
    uid = next(_ids)
    if not bars:
        ticks = ()  # no axis without data: only the "No data yet" line
    top = max((b.value for b in bars), default=0.0)
    scale_max = max_value if max_value and max_value > 0 else (top or 1.0)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(TOP + len(bars) * (BAR_HEIGHT + GAP) + (AXIS if ticks else 4), 40)
    parts = [
        f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="chart{uid}-t chart{uid}-d" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="chart{uid}-t">{escape(title)}</title>',
        f'<desc id="chart{uid}-d">{escape(description or title)}</desc>',
    ]
    bottom = TOP + len(bars) * (BAR_HEIGHT + GAP)
    for value, text in ticks:
        x = LABEL_WIDTH + plot * min(max(value / scale_max, 0.0), 1.0)
        parts.append(
            f'<line x1="{_num(x)}" y1="{TOP - 4}" x2="{_num(x)}" y2="{bottom}" stroke="{GRID}"/>'
            f'<text x="{_num(x)}" y="{bottom + 14}" text-anchor="middle" fill="{MUTED}">{escape(text)}</text>'
        )
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        length = plot * min(max(bar.value / scale_max, 0.0), 1.0)
        fill = LOW if bar.low else ACCENT
        tip = escape(bar.tooltip or f"{bar.label}: {bar.text}")
        label = escape(_clip(bar.label))  # no links in here: a role="img" holds nothing interactive
        parts.append(
            f'<g class="bar"><title>{tip}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" '
            f'fill="{INK}">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_num(max(length, 1.5))}" height="{BAR_HEIGHT}" '
            f'rx="3" fill="{fill}" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{_num(LABEL_WIDTH + max(length, 1.5) + 6)}" y="{y + BAR_HEIGHT - 5}" '
            f'fill="{INK}">{escape(bar.text)}</text></g>'
        )
    if not bars:
        parts.append(
            f'<text x="{WIDTH // 2}" y="{height // 2 + 4}" text-anchor="middle" '
            f'fill="{MUTED}">No data yet</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def seconds(ms: float | None) -> str:
    """``3.2 s`` for 3200 ms; an em dash for none."""
    return "—" if ms is None else f"{ms / 1000:.1f} s"


def percent(rate: float) -> str:
    """``67 %`` for 0.667."""
    return f"{rate * 100:.0f} %"
