"""The demo's issue 24 data is dated sensibly whatever day it is run: its QA rounds, observation days, priorities'
school year, and the grades that give HR's map its strengths, development and intervention."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from appraisal.domain.observations import Band
from appraisal.domain.qa import band_of
from staffroom.demo import (
    GRADES, LESSON_TEMPLATE, demo_grade, demo_key_dates, demo_qa_rounds, half_terms, observation_days,
    priorities_year,
)

EVERY_DAY = [date(2026, 1, 1) + timedelta(days=n) for n in range(2 * 366)]


def test_half_terms_follow_each_other_from_september_to_the_end_of_july():
    terms = half_terms(2026)
    assert (terms[0][0], terms[0][1], terms[-1][0], terms[-1][2]) == (
        "Autumn 1", date(2026, 9, 1), "Summer 2", date(2027, 7, 31))
    assert all(before[2] + timedelta(days=1) == after[1] for before, after in zip(terms, terms[1:]))


def test_this_half_terms_round_and_the_one_before_can_both_be_observed_in_the_demo_cycle_every_day():
    for today in EVERY_DAY:
        check_rounds(today)


def check_rounds(today: date) -> None:
    (_, before_starts, before_ends), (name, starts, ends) = demo_qa_rounds(today)
    # the round before is the half term before, which the map compares with (over the summer holiday in September)
    assert before_ends + timedelta(days=1) == starts or (before_ends.month, starts.month) == (7, 9), today
    if today.month == 8:
        assert name.startswith("Summer 2") and ends == date(today.year, 7, 31), today  # the summer's last
    else:
        assert starts <= today <= ends, today
    # Each round has days in the demo cycle (from 100 days ago) up to today, when its observations were made.
    cycle_starts = demo_key_dates(today)["starts_on"]
    for first, last in ((before_starts, before_ends), (starts, ends)):
        assert max(first, cycle_starts) <= min(last, today), today


def test_early_september_compares_autumn_1_with_last_summer():
    (before, _, _), (now, starts, _) = demo_qa_rounds(date(2026, 9, 3))
    assert (before, now, starts) == ("Summer 2 2025/26 lesson observations", "Autumn 1 2026/27 lesson observations",
                                     date(2026, 9, 1))


def test_august_shows_the_school_year_just_ended():
    (before, _, _), (now, _, _) = demo_qa_rounds(date(2026, 8, 20))
    assert (before, now) == ("Summer 1 2025/26 lesson observations", "Summer 2 2025/26 lesson observations")


def test_observation_days_fall_within_the_round_on_weekdays():
    days = observation_days(date(2026, 11, 1), date(2026, 12, 7), 9)  # 1 November 2026 is a Sunday
    assert all(date(2026, 11, 1) <= d <= date(2026, 12, 7) and d.weekday() < 5 for d in days), days
    assert observation_days(date(2026, 9, 5), date(2026, 9, 6), 2) == [date(2026, 9, 5)] * 2  # a weekend only: kept


@pytest.mark.parametrize(("today", "year"), [(date(2026, 12, 7), 2026), (date(2026, 9, 3), 2025),
                                             (date(2026, 8, 20), 2025), (date(2027, 3, 1), 2026)])
def test_priorities_are_for_the_school_year_the_demo_cycles_start_in(today, year):
    # appraisal links an objective only to a priority of its cycle's year, counted from 1 August
    assert priorities_year(today) == year


@pytest.mark.parametrize("teachers", range(1, 13))
def test_each_departments_lean_gives_its_band_on_the_map(teachers):
    band = dict(GRADES)

    def cell(profile, criterion, concern=0):
        return band_of(Counter(Band(band[demo_grade(profile, criterion, concern, i)]) for i in range(teachers)))

    criteria = range(len(LESSON_TEMPLATE["criteria"]))
    assert {cell("strong", c) for c in criteria} == {Band.STRENGTH}
    assert {cell("developing", c) for c in criteria} == {Band.DEVELOPMENT}
    assert [cell("concern", c, concern=2) for c in criteria] == [
        Band.DEVELOPMENT, Band.DEVELOPMENT, Band.INTERVENTION, Band.DEVELOPMENT]
