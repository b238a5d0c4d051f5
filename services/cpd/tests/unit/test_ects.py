"""An ECT's induction as kept (domain.ects): registration, the timetable cap, reviews and their support plans,
signatures, the appropriate body's decision and leaving, with the events each records. No database."""
from __future__ import annotations

import uuid
from datetime import date
from fractions import Fraction

import pytest

from cpd.domain.ects import EctInduction, ProgrammeType, schedule_item
from cpd.domain.errors import CpdError, IllegalTransition, NotAllowed
from cpd.domain.events import InductionEnded, InductionReviewHeld, InductionStarted, InductionSupportPlanStarted
from cpd.domain.induction import Decision, ItemKind, SupportPlan, Term, TermCalendar

CALENDAR = TermCalendar([t for y in range(2025, 2030) for t in (
    Term(y, 1, date(y, 9, 1), date(y, 12, 19)), Term(y, 2, date(y + 1, 1, 5), date(y + 1, 4, 1)),
    Term(y, 3, date(y + 1, 4, 19), date(y + 1, 7, 21)))])
ECT, TUTOR = uuid.uuid4(), uuid.uuid4()
PLAN = SupportPlan(("Behaviour",), ("TS7 routines",), ("Coaching",), "Two observations", "Review in 4 weeks")


def _registered(fte=1, **kw) -> EctInduction:
    return EctInduction.register(staff_id=ECT, academy_id=uuid.uuid4(), school="Oak", qts_on=date(2025, 7, 1),
                                 starts_on=date(2025, 9, 1), fte=fte, appropriate_body="Hub",
                                 programme_type=ProgrammeType.SCHOOL_LED, calendar=CALENDAR, on=date(2025, 9, 1),
                                 tutor_id=TUTOR, **kw)


def test_registration_records_induction_started_with_the_expected_completion():
    [started] = _registered().recorded
    assert isinstance(started, InductionStarted) and started.expected_completion == date(2027, 7, 21)


def test_a_half_time_ect_completes_two_school_years_later():
    assert _registered(fte=Fraction(1, 2)).rules(CALENDAR).completes() == date(2029, 7, 20)  # the summer term's last school day (a Friday)


@pytest.mark.parametrize("kw, words", [({"qts_on": date(2025, 10, 1)}, "before qualified teacher status"),
                                       ({"tutor_id": ECT}, "their own induction tutor"),
                                       # outsider F5: what cannot be true is refused, not recorded
                                       ({"served_elsewhere": 12}, "12 terms already served elsewhere would leave "
                                                                  "nothing of a 6 terms induction"),
                                       ({"served_elsewhere": 2, "reduced_to": 2}, "leave nothing"),
                                       ({"qts_on": date(2025, 8, 1), "starts_on": date(2025, 9, 1),
                                         "on": date(2025, 7, 20)}, "is still to come"),
                                       ({"date_of_birth": date(2010, 3, 1)}, "under 18"),
                                       ({"trn": "123456"}, "seven digits"), ({"trn": "12345678"}, "seven digits"),
                                       ({"trn": "12a4567"}, "seven digits"), ({"fte": 0}, "more than 0"),
                                       ({"fte": Fraction(3, 2)}, "no more than 1")])
def test_registration_refusals_say_what_is_wrong(kw, words):
    base = dict(staff_id=ECT, academy_id=uuid.uuid4(), school="Oak", qts_on=date(2025, 7, 1),
                starts_on=date(2025, 9, 1), fte=1, appropriate_body="Hub", programme_type=ProgrammeType.SCHOOL_LED,
                calendar=CALENDAR, on=date(2025, 9, 1), tutor_id=TUTOR)
    with pytest.raises(CpdError, match=words):
        EctInduction.register(**{**base, **kw})


def test_the_teacher_reference_number_and_date_of_birth_are_kept_as_given():
    ect = _registered(trn="12 34 567", date_of_birth=date(2002, 2, 28))
    assert (ect.trn, ect.date_of_birth) == ("1234567", date(2002, 2, 28))


def test_the_timetable_is_capped_at_90_percent_in_year_one_and_95_in_year_two():
    ect = _registered()
    ect.record_timetable(TUTOR, 2025, 1, 90, CALENDAR, date(2025, 9, 5))
    with pytest.raises(CpdError, match="no more than 90%"):
        ect.record_timetable(TUTOR, 2025, 2, Fraction(901, 10), CALENDAR, date(2026, 1, 5))
    ect.record_timetable(TUTOR, 2026, 1, 95, CALENDAR, date(2026, 9, 5))
    with pytest.raises(NotAllowed):
        ect.record_timetable(ECT, 2026, 2, 80, CALENDAR, date(2027, 1, 5))


def test_not_making_satisfactory_progress_needs_and_starts_a_support_plan():
    ect = _registered()
    ect.pull_events()
    item = schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW)
    args = (TUTOR, item, date(2025, 12, 10), "not making satisfactory progress", {"TS7": "Routines"}, "", date(2025, 12, 11))
    with pytest.raises(CpdError, match="support plan"):
        ect.record_review(*args)
    assert ect.reviews == [] and ect.recorded == []
    ect.record_review(*args, support_plan=PLAN)
    held, event = ect.recorded  # the review held, then the plan it started
    assert isinstance(held, InductionReviewHeld) and held.kind == "progress_review"
    assert isinstance(event, InductionSupportPlanStarted) and event.support_plan_id == ect.support_plans[0].id


def test_a_review_is_written_against_the_teachers_standards_and_held_once():
    ect = _registered()
    item = schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW)
    with pytest.raises(CpdError, match="TS1 to TS8"):
        ect.record_review(TUTOR, item, date(2025, 12, 10), "on track", {"TS9": "x"}, "", date(2025, 12, 11))
    ect.record_review(TUTOR, item, date(2025, 12, 10), "on track", {"TS1": "High expectations"}, "", date(2025, 12, 11))
    with pytest.raises(IllegalTransition, match="already recorded"):
        ect.record_review(TUTOR, item, date(2025, 12, 12), "on track", {"TS1": "x"}, "", date(2025, 12, 12))


def test_signatures_are_the_tutors_the_heads_and_the_ects_and_stand():
    ect = _registered()
    item = schedule_item(ect.rules(CALENDAR), 2025, 1, ItemKind.PROGRESS_REVIEW)
    review = ect.record_review(TUTOR, item, date(2025, 12, 10), "on track", {"TS1": "x"}, "", date(2025, 12, 11))
    with pytest.raises(NotAllowed):
        ect.sign(review, "head", ECT, date(2025, 12, 12))
    ect.sign(review, "ect", ECT, date(2025, 12, 12), "I agree")
    with pytest.raises(IllegalTransition):
        ect.sign(review, "ect", ECT, date(2025, 12, 13))
    assert review.ect_comments == "I agree"


def test_an_extension_moves_completion_and_a_pass_ends_induction():
    ect = _registered()
    rules = ect.rules(CALENDAR)
    final = schedule_item(rules, 2026, 3, ItemKind.FINAL_FORMAL_ASSESSMENT)
    with pytest.raises(IllegalTransition, match="final formal assessment"):
        ect.decide(Decision.PASS, date(2027, 8, 1), CALENDAR)
    ect.record_review(TUTOR, final, date(2027, 7, 15), "an extension should be considered", {"TS1": "x"}, "",
                      date(2027, 7, 16))
    ect.pull_events()
    ect.decide(Decision.EXTEND, date(2027, 8, 1), CALENDAR, 1)
    assert ect.status.value == "serving" and ect.rules(CALENDAR).completes() == date(2027, 12, 17)  # one more term: autumn's last school day
    assert ect.recorded == []
    # outsider O10: "passed" was accepted dated 1 January 2020, and before the extension's final assessment was held
    with pytest.raises(IllegalTransition, match="extension"):
        ect.decide(Decision.PASS, date(2027, 12, 20), CALENDAR)
    extended_final = schedule_item(ect.rules(CALENDAR), 2027, 1, ItemKind.FINAL_FORMAL_ASSESSMENT)
    ect.record_review(TUTOR, extended_final, date(2027, 12, 10), "satisfactory", {"TS1": "x"}, "",
                      date(2027, 12, 11))
    with pytest.raises(CpdError, match="held on 10 December 2027"):
        ect.decide(Decision.PASS, date(2020, 1, 1), CALENDAR)
    ect.decide(Decision.PASS, date(2027, 12, 20), CALENDAR)
    assert ect.status.value == "passed" and ect.ended_on == date(2027, 12, 20)


def test_leaving_ends_induction_here_and_says_so():
    ect = _registered()
    ect.pull_events()
    ect.leave(date(2026, 4, 1))
    [ended] = ect.recorded
    assert isinstance(ended, InductionEnded) and (ended.outcome, ended.ended_on) == ("left", date(2026, 4, 1))
    with pytest.raises(IllegalTransition):
        ect.leave(date(2026, 4, 2))
