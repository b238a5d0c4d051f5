"""The chart macros, rendered on their own."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

import staffroom_portal

TEMPLATES = Path(staffroom_portal.__file__).parent / "templates"


def _line(**kwargs) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    return str(env.get_template("_charts.html").module.line(**kwargs))


def test_a_point_without_a_figure_says_why_in_the_words_its_page_gives():
    """Outsider 4, issue 20: a target with nobody to count showed "not shown", as if it were a hidden survey group."""
    points = [{"label": "1 December 2026", "value": None}, {"label": "2 December 2026", "value": 50}]
    target = _line(title="Daily figure", points=points, unit="%", max=100, missing="nothing to count")
    assert "<td>nothing to count</td>" in target and "not shown" not in target
    assert "<td>not shown</td>" in _line(title="Trend", points=points)  # a survey's hidden group, as before
