"""The four induction targets' rules, one induction (review, term) at a time, at their boundaries: the last day
allowed and one day over, an ECT who left first, an extension, the cap itself; and the trust's period setting."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from targets.domain.ects import (
    Induction, ReviewDue, TermTaught, held_on_time, people_due_on, reduction_given, retained, retention_point,
    tutor_and_mentor,
)
from targets.domain.targets import TARGETS, DefinitionError, definition_from

START = date(2026, 9, 1)
DUE = START + timedelta(weeks=2)  # 15 September 2026: the last day a tutor and a mentor may be named
SINCE = date(2026, 1, 1)  # the start of the period the target looks back over
LATER = date(2027, 6, 15)
ACADEMY, PERSON = uuid.uuid4(), uuid.uuid4()


def induction(both_named_on=None, ended_on=None, outcome=None, starts_on=START) -> Induction:
    return Induction(uuid.uuid4(), PERSON, ACADEMY, starts_on, both_named_on, ended_on, outcome)


# -- a tutor and a mentor within N weeks of starting -------------------------------------------------------

def test_both_named_on_the_last_day_allowed_is_in_time():
    assert people_due_on(induction(), 2) == date(2026, 9, 15)
    unit = tutor_and_mentor(induction(both_named_on=DUE), 2, SINCE, LATER)
    assert unit.counted and unit.state is None and unit.due_on == DUE


def test_the_second_named_one_day_over_is_late():
    unit = tutor_and_mentor(induction(both_named_on=DUE + timedelta(days=1)), 2, SINCE, LATER)
    assert not unit.counted and unit.state == "late" and unit.about == "2026-09-16"


def test_nobody_named_counts_as_not_in_time_only_once_the_last_day_has_passed():
    assert tutor_and_mentor(induction(), 2, SINCE, DUE) is None  # the last day itself: still time
    unit = tutor_and_mentor(induction(), 2, SINCE, DUE + timedelta(days=1))
    assert not unit.counted and unit.state == "no_people" and unit.about is None


def test_both_named_early_count_at_once_as_in_time():
    assert tutor_and_mentor(induction(both_named_on=START), 2, SINCE, START).counted


def test_named_after_today_is_not_yet_named():
    # a page read on 20 September: the pair named on 1 October (a rebuild of later events) is not known yet
    unit = tutor_and_mentor(induction(both_named_on=date(2026, 10, 1)), 2, SINCE, date(2026, 9, 20))
    assert unit.state == "no_people"


def test_an_ect_who_left_before_the_weeks_were_up_is_not_counted():
    left = induction(ended_on=DUE - timedelta(days=1), outcome="left")
    assert tutor_and_mentor(left, 2, SINCE, LATER) is None
    # leaving on the last day: the weeks were up while they were here
    assert not tutor_and_mentor(induction(ended_on=DUE, outcome="left"), 2, SINCE, LATER).counted
    # and one who had both before leaving counts as in time
    assert tutor_and_mentor(induction(both_named_on=START, ended_on=START + timedelta(days=3), outcome="left"),
                            2, SINCE, LATER).counted


def test_a_longer_allowance_moves_the_last_day():
    late_by_two = induction(both_named_on=DUE + timedelta(days=1))
    assert tutor_and_mentor(late_by_two, 3, SINCE, LATER).counted


def test_an_extension_changes_nothing_about_when_the_people_were_due():
    extended = induction(both_named_on=DUE)  # still serving after an extension: outcome None
    assert tutor_and_mentor(extended, 2, SINCE, date(2028, 12, 1)).counted


def test_a_start_whose_weeks_ended_before_the_period_is_not_counted():
    assert tutor_and_mentor(induction(), 2, DUE, LATER) is None
    assert tutor_and_mentor(induction(), 2, DUE - timedelta(days=1), LATER) is not None


# -- progress reviews and formal assessments on time ------------------------------------------------------

def review(kind="progress_review", due_on=date(2026, 12, 11), held_on=None) -> ReviewDue:
    return ReviewDue(uuid.uuid4(), PERSON, ACADEMY, kind, due_on, held_on)


def test_a_review_held_on_its_due_date_is_on_time_and_a_day_later_is_late():
    assert held_on_time(review(held_on=date(2026, 12, 11)), False, SINCE, LATER).counted
    late = held_on_time(review(held_on=date(2026, 12, 12)), False, SINCE, LATER)
    assert not late.counted and late.state == "late" and late.about == "progress review"


def test_a_review_not_held_is_overdue_from_the_day_after_its_due_date():
    assert held_on_time(review(), False, SINCE, date(2026, 12, 11)) is None
    overdue = held_on_time(review(kind="first_formal_assessment"), False, SINCE, date(2026, 12, 12))
    assert overdue.state == "overdue" and overdue.about == "first formal assessment" and not overdue.counted


def test_a_review_held_early_counts_at_once():
    assert held_on_time(review(held_on=date(2026, 12, 1)), False, SINCE, date(2026, 12, 1)).counted


def test_a_review_not_held_by_an_induction_that_ended_is_no_longer_owed():
    assert held_on_time(review(), True, SINCE, LATER) is None
    assert not held_on_time(review(held_on=date(2027, 1, 5)), True, SINCE, LATER).counted  # held late still counts


def test_a_final_assessment_moved_by_an_extension_is_judged_against_its_new_due_date():
    moved = review(kind="final_formal_assessment", due_on=date(2028, 12, 15), held_on=date(2028, 12, 14))
    assert held_on_time(moved, False, SINCE, date(2029, 1, 10)).counted


# -- the reduced timetable ------------------------------------------------------------------------------

def term(percent: str, cap: str = "90.00", recorded_on=date(2026, 10, 1)) -> TermTaught:
    return TermTaught(uuid.uuid4(), PERSON, ACADEMY, 2026, 1, Decimal(percent), Decimal(cap), recorded_on)


def test_teaching_exactly_the_cap_is_the_reduction_given():
    assert reduction_given(term("90.00"), SINCE, LATER).counted


def test_a_hundredth_over_the_cap_is_not_and_says_so_in_words():
    unit = reduction_given(term("90.01"), SINCE, LATER)
    assert not unit.counted and unit.state == "over_cap"
    assert unit.about == "term 1 of 2026 to 2027 (90.01% taught, at most 90%)"


def test_a_part_timers_cap_is_their_own():
    assert reduction_given(term("45.00", cap="45.00"), SINCE, LATER).counted  # 0.5 FTE in year one
    assert not reduction_given(term("46.00", cap="45.00"), SINCE, LATER).counted


def test_a_term_recorded_outside_the_period_is_not_counted():
    assert reduction_given(term("95", recorded_on=SINCE), SINCE, LATER) is None
    assert reduction_given(term("95", recorded_on=LATER + timedelta(days=1)), SINCE, LATER) is None


# -- retention after induction --------------------------------------------------------------------------

PASSED = date(2027, 7, 20)
YEAR_ON = date(2028, 7, 20)


def test_retention_is_looked_at_the_given_months_after_passing():
    assert retention_point(induction(ended_on=PASSED, outcome="passed"), 12) == YEAR_ON


def test_in_post_on_the_day_a_year_on_is_retained():
    passed = induction(ended_on=PASSED, outcome="passed")
    assert retained(passed, None, 12, SINCE, YEAR_ON - timedelta(days=1)) is None  # not a year yet
    assert retained(passed, None, 12, SINCE, YEAR_ON).counted
    assert retained(passed, YEAR_ON, 12, SINCE, YEAR_ON + timedelta(days=30)).counted  # last day: that day


def test_leaving_the_day_before_a_year_on_is_not_retained_and_counts_once_gone():
    passed = induction(ended_on=PASSED, outcome="passed")
    last_day = YEAR_ON - timedelta(days=1)
    assert retained(passed, last_day, 12, SINCE, last_day) is None  # still here today
    unit = retained(passed, last_day, 12, SINCE, YEAR_ON)
    assert not unit.counted and unit.state == "left" and unit.due_on == PASSED and unit.about == "2028-07-19"
    gone_early = retained(passed, date(2027, 12, 31), 12, SINCE, date(2028, 2, 1))
    assert gone_early is not None and not gone_early.counted


def test_those_still_serving_after_an_extension_or_who_failed_or_left_are_not_counted():
    assert retained(induction(), None, 12, SINCE, date(2029, 1, 1)) is None  # extended: still serving
    assert retained(induction(ended_on=PASSED, outcome="failed"), date(2027, 8, 31), 12, SINCE, LATER) is None
    assert retained(induction(ended_on=PASSED, outcome="left"), date(2027, 7, 20), 12, SINCE, YEAR_ON) is None


def test_passing_after_an_extension_counts_the_year_from_the_pass():
    extended = induction(ended_on=date(2028, 3, 31), outcome="passed")
    assert retained(extended, None, 12, SINCE, date(2029, 3, 30)) is None
    assert retained(extended, None, 12, SINCE, date(2029, 3, 31)).counted


# -- the trust's period ---------------------------------------------------------------------------------

def test_the_period_is_set_for_the_two_targets_that_have_one_and_shown_in_their_definition():
    d = definition_from("ect_tutor_and_mentor", {"period": 1})
    assert d.period == 1 and "first 1 week of it" in TARGETS[d.key].explained(d)
    assert "{period}" not in TARGETS["ects_retained"].explained(TARGETS["ects_retained"].default())
    assert "12 months" in TARGETS["ects_retained"].explained(TARGETS["ects_retained"].default())


@pytest.mark.parametrize("key, period, fix", [
    ("ect_tutor_and_mentor", 0, "Enter a number of weeks from 1 to 52."),
    ("ect_tutor_and_mentor", 53, "Enter a number of weeks from 1 to 52."),
    ("ects_retained", 61, "Enter a number of months from 1 to 60."),
    ("reviews_on_time", 4, "Leave the period out for this target."),
])
def test_a_period_out_of_range_or_on_a_target_without_one_is_refused(key, period, fix):
    with pytest.raises(DefinitionError) as refused:
        definition_from(key, {"period": period})
    assert refused.value.field == "period" and refused.value.fix == fix
