"""Engagement against its benchmarks, for one scope: a rule of the definition (domain), not of the SQL."""
from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

from targets.domain.targets import TARGETS

RUN = uuid.uuid4()


def row(mean=None, favourable=None, n=40):
    return SimpleNamespace(mean=mean, favourable=favourable, n=n, run_id=RUN, title="Spring survey",
                           closes_on=date(2026, 3, 1))


def test_each_benchmark_the_survey_has_a_figure_for_counts_and_one_it_lacks_is_shown_not_counted():
    d = TARGETS["engagement_vs_benchmark"].default()  # eNPS at least 0; ONS life satisfaction at least 7.45
    figure = d.against_benchmarks(None, {"enps": row(mean=12.0)})
    assert (figure.numerator, figure.denominator, figure.value) == (1, 1, 100.0)
    assert [(b["figure"], b["value"], b["met"], b["n"]) for b in figure.benchmarks] == [
        ("enps", 12.0, True, 40), ("ons.life_satisfaction", None, None, None)]
    assert {b["run_title"] for b in figure.benchmarks} == {"Spring survey"}


def test_a_figure_below_its_benchmark_is_counted_and_not_met():
    d = TARGETS["engagement_vs_benchmark"].default()
    figure = d.against_benchmarks(uuid.uuid4(), {"enps": row(mean=-5.0), "ons.life_satisfaction": row(mean=7.5)})
    assert (figure.numerator, figure.denominator) == (1, 2)
