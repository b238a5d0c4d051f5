"""The daily job's choice of what to announce of an ECT's reviews and assessments (domain.ects.due_stage and
EctInduction.announce_due), and the induction events the tutor's and HR's changes record. No database: the schedule
comes from the rules on the academy's term dates, as the job gets it."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from cpd.domain.ects import DUE_SOON_DAYS, EctInduction, InductionStatus, ProgrammeType, due_stage, schedule_item
from cpd.domain.errors import CpdError
from cpd.domain.events import InductionItemDue, InductionPeopleAssigned, InductionReviewHeld, InductionTimetableRecorded
from cpd.domain.induction import ItemKind, Term, TermCalendar

CALENDAR = TermCalendar([t for y in range(2025, 2030) for t in (
    Term(y, 1, date(y, 9, 1), date(y, 12, 19)), Term(y, 2, date(y + 1, 1, 5), date(y + 1, 4, 1)),
    Term(y, 3, date(y + 1, 4, 19), date(y + 1, 7, 21)))])
ECT, TUTOR, MENTOR = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
DAY = timedelta(days=1)
# The schedule of a full-timer starting 1 September 2025 on these terms (test_induction.py checks it): the first
# progress review is due on the autumn term's last school day, the first formal assessment when the first year ends.
AUTUMN_REVIEW = date(2025, 12, 19)
FIRST_ASSESSMENT = date(2026, 7, 21)


def _registered(on=date(2025, 9, 1), fte=1, tutor=TUTOR) -> EctInduction:
    ect = EctInduction.register(staff_id=ECT, academy_id=uuid.uuid4(), school="Oak", qts_on=date(2025, 7, 1),
                                starts_on=date(2025, 9, 1), fte=fte, appropriate_body="Hub",
                                programme_type=ProgrammeType.SCHOOL_LED, calendar=CALENDAR, on=on, tutor_id=tutor)
    ect.pull_events()
    return ect


def _said(ect: EctInduction, today: date, days: int = DUE_SOON_DAYS) -> list[tuple]:
    ect.announce_due(CALENDAR, today, days)
    return [(e.kind, e.stage, e.due_on) for e in ect.recorded if isinstance(e, InductionItemDue)]


def _clear(ect: EctInduction) -> None:
    ect.pull_events()


# -- the stage on a day ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("today, stage", [
    (AUTUMN_REVIEW - timedelta(days=15), None),  # the day before the fortnight's notice begins
    (AUTUMN_REVIEW - timedelta(days=14), "due_soon"),  # the fortnight's first day
    (AUTUMN_REVIEW - DAY, "due_soon"),  # the day before it is due
    (AUTUMN_REVIEW, "due_soon"),  # the day it is due: still in time
    (AUTUMN_REVIEW + DAY, "overdue"),  # the day after
])
def test_an_item_is_due_soon_from_its_notice_up_to_its_day_and_overdue_from_the_day_after(today, stage):
    assert due_stage(AUTUMN_REVIEW, today, 14) == stage


def test_no_notice_says_due_soon_on_the_day_alone_and_a_negative_one_is_refused():
    assert due_stage(AUTUMN_REVIEW, AUTUMN_REVIEW - DAY, 0) is None
    assert due_stage(AUTUMN_REVIEW, AUTUMN_REVIEW, 0) == "due_soon"
    with pytest.raises(CpdError, match="cannot be negative"):
        due_stage(AUTUMN_REVIEW, AUTUMN_REVIEW, -1)


# -- what the job announces --------------------------------------------------------------------------------------

def test_nothing_is_announced_the_day_before_the_notice_begins():
    assert _said(_registered(), AUTUMN_REVIEW - timedelta(days=15)) == []


def test_due_soon_is_announced_once_from_its_first_day_and_overdue_once_the_day_after():
    ect = _registered()
    assert _said(ect, AUTUMN_REVIEW - timedelta(days=14)) == [("progress_review", "due_soon", AUTUMN_REVIEW)]
    _clear(ect)
    assert _said(ect, AUTUMN_REVIEW - timedelta(days=14)) == []  # the same day again
    assert _said(ect, AUTUMN_REVIEW) == []  # the day it is due: already said
    assert _said(ect, AUTUMN_REVIEW + DAY) == [("progress_review", "overdue", AUTUMN_REVIEW)]
    _clear(ect)
    assert _said(ect, AUTUMN_REVIEW + 2 * DAY) == []  # overdue is said once
    [a, b] = ect.announcements
    assert (a.stage, a.announced_on, b.stage, b.announced_on) == (
        "due_soon", AUTUMN_REVIEW - timedelta(days=14), "overdue", AUTUMN_REVIEW + DAY)


def test_an_item_already_held_is_not_announced():
    ect = _registered()
    item = schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW)
    ect.record_review(TUTOR, item, date(2025, 12, 1), "on track", {"TS1": "x"}, "", date(2025, 12, 1))
    _clear(ect)
    assert _said(ect, AUTUMN_REVIEW - DAY) == []
    assert _said(ect, AUTUMN_REVIEW + DAY) == []


def test_an_item_held_after_due_soon_is_not_then_said_to_be_overdue():
    ect = _registered()
    assert len(_said(ect, AUTUMN_REVIEW - DAY)) == 1
    item = schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW)
    ect.record_review(TUTOR, item, AUTUMN_REVIEW, "on track", {"TS1": "x"}, "", AUTUMN_REVIEW)
    _clear(ect)
    assert _said(ect, AUTUMN_REVIEW + DAY) == []


def test_a_job_that_missed_the_notice_says_overdue_alone():
    assert _said(_registered(), AUTUMN_REVIEW + timedelta(days=3)) == [("progress_review", "overdue", AUTUMN_REVIEW)]


def test_a_formal_assessment_is_announced_with_its_kind_term_and_tutor():
    ect = _registered()
    for review in schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW), \
            schedule_item(ect.rules(CALENDAR), 2025, 2, ItemKind.PROGRESS_REVIEW):
        ect.record_review(TUTOR, review, review.due, "on track", {"TS1": "x"}, "", review.due)
    _clear(ect)
    ect.announce_due(CALENDAR, FIRST_ASSESSMENT - timedelta(days=14))
    [event] = ect.recorded
    assert (event.kind, event.stage, event.due_on, event.school_year, event.term_number, event.tutor_id) == (
        "first_formal_assessment", "due_soon", FIRST_ASSESSMENT, 2025, 3, TUTOR)
    assert (event.induction_id, event.staff_id, event.academy_id) == (ect.id, ECT, ect.academy_id)


def test_items_due_before_the_induction_was_registered_are_history_not_announced():
    ect = _registered(on=date(2026, 1, 10))  # registered in spring; the autumn review was due before
    assert _said(ect, date(2026, 1, 10)) == []
    assert _said(ect, date(2026, 4, 1) - timedelta(days=14)) == [("progress_review", "due_soon", date(2026, 4, 1))]


def test_the_notice_is_the_setting_given():
    ect = _registered()
    assert _said(ect, AUTUMN_REVIEW - timedelta(days=8), days=7) == []
    assert _said(ect, AUTUMN_REVIEW - timedelta(days=7), days=7) == [("progress_review", "due_soon", AUTUMN_REVIEW)]


def test_an_ended_induction_announces_nothing():
    ect = _registered()
    ect.status = InductionStatus.FAILED  # as a decision leaves it (which needs a final assessment recorded first)
    assert _said(ect, AUTUMN_REVIEW + DAY) == []


def test_an_ect_who_left_announces_nothing():
    ect = _registered()
    ect.leave(date(2025, 11, 1))
    _clear(ect)
    assert _said(ect, AUTUMN_REVIEW + DAY) == []


def test_an_induction_whose_schedule_cannot_be_worked_out_announces_nothing():
    short = TermCalendar(CALENDAR.terms[:3])  # term dates that stop before the ECT completes
    ect = _registered()
    assert ect.announce_due(short, AUTUMN_REVIEW) == 0 and ect.recorded == []


# -- the events HR's and the tutor's changes record --------------------------------------------------------------

def test_naming_or_changing_the_tutor_and_mentor_is_recorded_and_naming_the_same_again_is_not():
    ect = _registered()
    ect.assign(TUTOR, MENTOR, date(2025, 9, 10))
    [event] = ect.recorded
    assert isinstance(event, InductionPeopleAssigned)
    assert (event.tutor_id, event.mentor_id, event.assigned_on) == (TUTOR, MENTOR, date(2025, 9, 10))
    _clear(ect)
    ect.assign(TUTOR, MENTOR, date(2025, 9, 11))
    assert ect.recorded == []
    ect.assign(None, MENTOR, date(2025, 9, 12))
    [event] = ect.recorded
    assert (event.tutor_id, event.mentor_id) == (None, MENTOR)


def test_the_timetable_recorded_carries_the_cap_the_rules_give_to_two_places():
    ect = _registered(fte=Fraction(3, 5))
    ect.record_timetable(TUTOR, 2025, 1, Fraction(105, 2), CALENDAR, date(2025, 9, 5))
    [event] = ect.recorded
    assert isinstance(event, InductionTimetableRecorded)
    assert (event.school_year, event.term_number, event.percent, event.cap_percent) == (
        2025, 1, Decimal("52.50"), Decimal("54.00"))  # 90% of a timetable, at 0.6 FTE


def test_two_thirds_of_a_post_in_year_two_has_a_cap_of_63_33_percent():
    ect = _registered(fte=Fraction(2, 3))
    ect.record_timetable(TUTOR, 2027, 1, 60, CALENDAR, date(2027, 9, 5))
    [event] = ect.recorded
    assert (event.percent, event.cap_percent) == (Decimal("60.00"), Decimal("63.33"))  # 95% of two thirds


def test_a_refused_timetable_records_nothing():
    ect = _registered()
    with pytest.raises(CpdError):
        ect.record_timetable(TUTOR, 2025, 1, 91, CALENDAR, date(2025, 9, 5))
    assert ect.recorded == []


def test_a_review_held_records_when_it_was_due_and_held_but_not_its_outcome():
    ect = _registered()
    item = schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW)
    ect.record_review(TUTOR, item, date(2025, 12, 10), "on track", {"TS1": "x"}, "", date(2025, 12, 11))
    [event] = ect.recorded
    assert isinstance(event, InductionReviewHeld)
    assert (event.kind, event.due_on, event.held_on) == ("progress_review", AUTUMN_REVIEW, date(2025, 12, 10))
    assert not hasattr(event, "outcome")
