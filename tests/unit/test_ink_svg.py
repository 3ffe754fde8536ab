"""Inline SVG of ink: one polyline per stroke, a viewBox around the drawing, nothing but numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from inkling.ink import parse_ink
from inkling.web.ink_svg import ink_to_svg
from inkling.web.templating import templates

RAW = [[[10, 20, 30], [5, 5, 25], [0, 16, 40]], [[50], [60], [70]]]
SVG = "{http://www.w3.org/2000/svg}"


def test_one_polyline_per_stroke_and_a_square_viewbox_around_the_drawing() -> None:
    svg = ink_to_svg(RAW, size=120, title="a cat")
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.get("width") == root.get("height") == "120"
    x, y, w, h = map(float, root.get("viewBox").split())
    assert w == h and x <= 10 and y <= 5 and x + w >= 50 and y + h >= 60
    lines = root.findall(f"{SVG}g/{SVG}polyline")
    assert len(lines) == 2
    assert lines[0].get("points") == "10,5 20,5 30,25"
    assert lines[1].get("points") == "50,60 50,60"  # a dot still shows
    assert root.find(f"{SVG}title").text == "a cat"


def test_simplified_ink_and_ink_objects_render_the_same() -> None:
    simplified = [[s[0], s[1]] for s in RAW]
    assert ink_to_svg(simplified) == ink_to_svg(parse_ink(RAW))


def test_hostile_values_never_reach_the_markup() -> None:
    svg = str(ink_to_svg([[["<script>", 1, float("nan"), True], [1, 2, 3, 4]]], title='"><b>x</b>'))
    assert "<script>" not in svg and "<b>" not in svg and "nan" not in svg.lower()
    assert 'points="1,2 1,2"' in svg  # only the one numeric pair survives
    ET.fromstring(svg)


def test_empty_or_garbage_ink_gives_an_empty_drawing() -> None:
    for ink in ([], None, "abc", [[1, 2]], [[[], []]]):
        root = ET.fromstring(str(ink_to_svg(ink)))
        assert root.findall(f"{SVG}g/{SVG}polyline") == []


def test_templates_have_the_ink_svg_global() -> None:
    html = templates.env.from_string("{{ ink_svg(ink, size=40) }}").render(ink=RAW)
    assert html.startswith("<svg") and "&lt;" not in html
