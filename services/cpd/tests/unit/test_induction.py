"""Statutory induction rules at their boundary dates: terms, full-time and part-time length, a change of FTE, a move
between schools, a mid-term start, 29 and 30 days' absence, family leave, extensions, reductions, the schedule,
working-day deadlines, the reduced timetable, outcomes and whether an ECT is serving induction."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from cpd.domain.errors import CpdError
from cpd.domain.induction import (
    Absence, Decision, FirstAssessmentOutcome, FtePeriod, Induction, ItemKind, Leave, Post, ProgressOutcome,
    ReductionReason, SupportPlan, Term, TermCalendar, check_reduction, decide, final_deadlines, gives_reduction,
    is_working_day, report_deadline, timetable_cap, working_days_deadline,
)

HALF = Fraction(1, 2)


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=4)


def school_year(y: int) -> list[Term]:
    """An academy's year: autumn 1 Sep to 18 Dec, spring 4 Jan to 25 Mar, summer 12 Apr to 21 Jul, a week's half
    term in each (the weeks of 26 October, 15 February and 24 May)."""
    return [Term(y, 1, date(y, 9, 1), date(y, 12, 18), (_week_of(date(y, 10, 26)),)),
            Term(y, 2, date(y + 1, 1, 4), date(y + 1, 3, 25), (_week_of(date(y + 1, 2, 15)),)),
            Term(y, 3, date(y + 1, 4, 12), date(y + 1, 7, 21), (_week_of(date(y + 1, 5, 24)),))]


CALENDAR = TermCalendar([t for y in range(2026, 2033) for t in school_year(y)])
AUTUMN_26, SPRING_27, SUMMER_27, AUTUMN_27, SPRING_28, SUMMER_28, AUTUMN_28, SPRING_29 = CALENDAR.terms[:8]
START = date(2026, 9, 1)


def post(starts=START, ends=None, fte=1, school="Amethyst Primary") -> Post:
    return Post(school, (FtePeriod(starts, ends, Fraction(fte)),))


def induction(*posts: Post, starts=START, **kwargs) -> Induction:
    return Induction(starts, posts or (post(),), CALENDAR, **kwargs)


def nth_school_day(term: Term, n: int) -> date:
    return term.school_days[n - 1]


def school_days_after(day: date, n: int) -> date:
    """The nth working day of a term after `day` (skipping holidays and half terms)."""
    days = [d for t in CALENDAR.terms for d in t.school_days if d > day]
    return days[n - 1]


# --- 1. Terms ---

def test_a_term_runs_from_its_first_day_to_its_last():
    assert CALENDAR.term_of(date(2026, 9, 1)) == AUTUMN_26
    assert CALENDAR.term_of(date(2026, 12, 18)) == AUTUMN_26
    assert (AUTUMN_26.starts, AUTUMN_26.ends, AUTUMN_26.school_year, AUTUMN_26.number) == (
        date(2026, 9, 1), date(2026, 12, 18), 2026, 1)


def test_a_holiday_belongs_to_the_term_just_ended():
    assert CALENDAR.term_of(date(2027, 1, 3)) == AUTUMN_26
    assert CALENDAR.term_of(date(2027, 1, 4)) == SPRING_27
    assert CALENDAR.term_of(date(2027, 8, 31)) == SUMMER_27


def test_a_term_counts_neither_bank_holidays_nor_half_term_in_its_school_days():
    assert date(2027, 5, 3) not in SUMMER_27.school_days  # May Day
    assert date(2026, 10, 28) not in AUTUMN_26.school_days  # half term
    assert len(SPRING_27.school_days) == 54
    assert SUMMER_27.last_school_day == date(2027, 7, 21)


def test_a_day_outside_the_academys_term_dates_is_refused():
    with pytest.raises(CpdError, match="outside the term dates"):
        CALENDAR.term_of(date(2026, 8, 31))


@pytest.mark.parametrize("terms, words", [
    ([Term(2026, 1, date(2026, 9, 1), date(2026, 12, 18)), Term(2026, 2, date(2026, 12, 18), date(2027, 3, 1))],
     "cannot overlap"),
    ([], "there are none"),
])
def test_impossible_term_dates_are_refused(terms, words):
    with pytest.raises(CpdError, match=words):
        TermCalendar(terms)


def test_a_fourth_term_or_one_ending_before_it_starts_is_refused():
    with pytest.raises(CpdError, match="three terms"):
        Term(2026, 4, date(2026, 9, 1), date(2026, 12, 18))
    with pytest.raises(CpdError, match="cannot end"):
        Term(2026, 1, date(2026, 12, 18), date(2026, 9, 1))


# --- 2. Length ---

def test_full_time_induction_is_six_terms_ending_on_the_last_school_day_of_the_second_summer():
    ect = induction()
    assert ect.required_terms() == 6
    assert ect.first_year_ends() == date(2027, 7, 21)
    assert ect.completes() == date(2028, 7, 21)
    assert ect.served_terms(date(2028, 7, 20)) < 6 <= ect.served_terms(date(2028, 7, 21))


def test_half_time_induction_lasts_four_school_years():
    ect = induction(post(fte=HALF))
    assert ect.first_year_ends() == date(2028, 7, 21)  # term 3 "or equivalent": the sixth term at 0.5
    assert ect.completes() == date(2030, 7, 19)  # the last school day of the fourth summer (21 July is a Sunday)


def test_a_change_of_fte_counts_each_period_at_its_own_rate():
    ect = induction(Post("Amethyst Primary", (FtePeriod(START, date(2027, 8, 31), Fraction(1)),
                                              FtePeriod(date(2027, 9, 1), None, HALF))))
    assert ect.served_terms(date(2027, 8, 31)) == 3
    assert ect.completes() == date(2029, 7, 20)  # three terms full-time, then three terms at 0.5 take two years


def test_half_time_ect_leaving_after_two_and_a_half_terms_has_served_one_and_a_quarter():
    halfway_through_summer = nth_school_day(SUMMER_27, 33)  # 33 of the term's 66 school days
    ect = induction(post(ends=halfway_through_summer, fte=HALF))
    assert ect.served_terms(halfway_through_summer) == Fraction(5, 4)  # S1 2.34


def test_full_time_ect_leaving_after_two_and_a_half_terms_has_three_and_a_half_to_go():
    ect = induction(post(ends=nth_school_day(SUMMER_27, 33)))
    assert ect.required_terms() - ect.served_terms(date(2027, 8, 31)) == Fraction(7, 2)


def test_a_move_between_schools_carries_the_terms_served():
    left_on = nth_school_day(SUMMER_27, 33)
    moved = induction(post(ends=left_on, fte=HALF), post(starts=AUTUMN_27.starts, school="Beryl Academy"))
    # 1.25 served at 0.5 FTE, then 4.75 terms full-time from the autumn: four terms, then three quarters of one
    assert moved.served_terms(AUTUMN_27.ends) == Fraction(5, 4) + 1
    recorded_elsewhere = induction(post(starts=AUTUMN_27.starts, school="Beryl Academy"), starts=AUTUMN_27.starts,
                                   served_elsewhere=Fraction(5, 4))
    assert moved.completes() == recorded_elsewhere.completes()
    assert SPRING_29.starts < moved.completes() < SPRING_29.ends
    assert moved.served_terms(moved.completes()) >= 6 > moved.served_terms(moved.completes() - timedelta(days=1))


def test_employment_shorter_than_a_term_does_not_count_but_one_term_does():
    autumn_days = AUTUMN_26.school_days
    short = induction(post(ends=autumn_days[-2]), post(starts=SPRING_27.starts, school="Beryl Academy"))
    whole = induction(post(ends=autumn_days[-1]), post(starts=SPRING_27.starts, school="Beryl Academy"))
    assert short.served_terms(date(2027, 1, 3)) == 0
    assert whole.served_terms(date(2027, 1, 3)) == 1


def test_a_part_time_post_of_one_term_counts_though_it_is_less_than_a_term_full_time():
    ect = induction(post(ends=AUTUMN_26.ends, fte=HALF), post(starts=SPRING_27.starts, school="Beryl Academy"))
    assert ect.served_terms(date(2027, 1, 3)) == HALF  # S1 2.33: one term of employment, not one term FTE


@pytest.mark.parametrize("fte", [0, Fraction(3, 2), -1])
def test_an_fte_of_nothing_or_more_than_full_time_is_refused(fte):
    with pytest.raises(CpdError, match="full-time equivalent"):
        FtePeriod(START, None, fte)


def test_overlapping_fte_periods_or_posts_and_backward_dates_are_refused():
    with pytest.raises(CpdError, match="overlap"):
        Post("A", (FtePeriod(START, date(2027, 1, 10), Fraction(1)), FtePeriod(date(2027, 1, 10), None, HALF)))
    with pytest.raises(CpdError, match="overlap"):
        induction(post(ends=date(2027, 3, 1)), post(starts=date(2027, 2, 1), school="B"))
    with pytest.raises(CpdError, match="cannot end"):
        FtePeriod(START, date(2026, 8, 1), Fraction(1))
    with pytest.raises(CpdError, match="cannot end"):
        Absence(date(2027, 1, 5), date(2027, 1, 4), Leave.SICKNESS)
    with pytest.raises(CpdError, match="cannot fit"):
        Absence(date(2027, 1, 4), date(2027, 1, 8), Leave.SICKNESS, days=6)


def test_induction_ends_unfinished_when_the_term_dates_run_out():
    short_calendar = TermCalendar(list(CALENDAR.terms[:4]))
    with pytest.raises(CpdError, match="add later term dates"):
        Induction(START, (post(),), short_calendar).completes()


# --- 3. Absence ---

def sick(first: date, days: int, kind=Leave.SICKNESS, extend=False) -> Absence:
    last = school_days_after(first - timedelta(days=1), days)
    return Absence(first, last, kind, extend=extend)


def test_29_days_absence_in_a_year_does_not_extend_it():
    ect = induction(absences=(sick(date(2027, 1, 4), 29),))
    assert ect.first_year_ends() == date(2027, 7, 21)
    assert ect.completes() == date(2028, 7, 21)


def test_30_days_absence_extends_that_year_by_the_30_days():
    ect = induction(absences=(sick(date(2027, 1, 4), 30),))
    assert ect.first_year_ends() == school_days_after(date(2027, 7, 21), 30)
    assert ect.completes() == school_days_after(date(2028, 7, 21), 30)
    assert ect.first_year_ends() == date(2027, 10, 12)  # 22 school days in September, 8 in October


def test_absences_are_added_up_within_a_year_but_not_across_years():
    across = induction(absences=(sick(date(2027, 1, 4), 20), sick(date(2027, 9, 1), 20)))
    within = induction(absences=(sick(date(2027, 1, 4), 20), sick(date(2027, 5, 4), 10)))
    assert across.completes() == date(2028, 7, 21)
    assert within.completes() == school_days_after(date(2028, 7, 21), 30)


@pytest.mark.parametrize("kind", [Leave.MATERNITY, Leave.PATERNITY, Leave.SHARED_PARENTAL, Leave.ADOPTION,
                                  Leave.PARENTAL_BEREAVEMENT, Leave.CARERS])
def test_family_leave_does_not_count_towards_the_30_days(kind):
    ect = induction(absences=(sick(date(2027, 1, 4), 40, kind), sick(date(2027, 5, 4), 29)))
    assert ect.completes() == date(2028, 7, 21)


def test_the_ect_may_choose_to_extend_by_their_family_leave():
    ect = induction(absences=(sick(date(2027, 1, 4), 40, Leave.MATERNITY, extend=True),))
    assert ect.completes() == school_days_after(date(2028, 7, 21), 40)


def test_a_part_timers_days_absent_extend_by_their_own_working_days():
    ect = induction(post(fte=HALF), absences=(Absence(date(2027, 1, 4), date(2027, 3, 25), Leave.SICKNESS, days=30),))
    # 30 of their working days at 0.5 FTE take 60 school days to make up
    assert ect.first_year_ends() == school_days_after(date(2028, 7, 21), 60)


# --- 4. Extensions and reductions ---

def test_an_extension_of_one_term_moves_completion_to_the_end_of_the_next_term():
    assert induction(extensions=(Fraction(1),)).completes() == AUTUMN_28.last_school_day


def test_a_fractional_extension_ends_within_a_term():
    ect = induction(extensions=(Fraction(3, 2),))
    assert ect.completes() == nth_school_day(SPRING_29, len(SPRING_29.school_days) // 2)


@pytest.mark.parametrize("terms", [0, -1])
def test_an_extension_of_no_length_is_refused(terms):
    with pytest.raises(CpdError, match="more than 0 terms"):
        induction(extensions=(Fraction(terms),))


def test_induction_reduced_to_one_term_has_only_the_final_assessment():
    ect = induction(reduced_to=Fraction(1))
    assert ect.completes() == AUTUMN_26.last_school_day
    schedule = ect.schedule()
    assert [(i.kind, i.term) for i in schedule.items] == [(ItemKind.FINAL_FORMAL_ASSESSMENT, AUTUMN_26)]
    assert schedule.first_year_ends is None


def test_a_reduction_below_one_term_is_refused():
    with pytest.raises(CpdError, match="no less than one term"):
        induction(reduced_to=Fraction(1, 2))
    with pytest.raises(CpdError, match="no less than one term"):
        check_reduction(induction(), Fraction(1, 2), ReductionReason.PRIOR_EXPERIENCE, START, True, True)


def test_a_reduction_needs_the_ects_agreement_and_the_standards_met():
    with pytest.raises(CpdError, match="must agree"):
        check_reduction(induction(), Fraction(3), ReductionReason.PRIOR_EXPERIENCE, START, False, True)
    with pytest.raises(CpdError, match="Teachers' Standards"):
        check_reduction(induction(), Fraction(3), ReductionReason.PRIOR_EXPERIENCE, START, True, False)
    assert check_reduction(induction(), Fraction(3), ReductionReason.PRIOR_EXPERIENCE, START, True, True) == 3


def test_a_part_time_reduction_waits_until_two_school_years_are_covered():
    ect = induction(post(fte=Fraction(3, 5)))
    two_years_less_a_day = nth_school_day(SUMMER_28, len(SUMMER_28.school_days) - 1)
    with pytest.raises(CpdError, match="covered two full school years"):
        check_reduction(ect, Fraction(4), ReductionReason.PART_TIME, two_years_less_a_day, True, True)
    served = ect.served_terms(SUMMER_28.ends)
    assert served == Fraction(18, 5)  # 3.6 terms at 0.6 FTE
    assert check_reduction(ect, served, ReductionReason.PART_TIME, SUMMER_28.ends, True, True) == served
    with pytest.raises(CpdError, match="already served"):
        check_reduction(ect, Fraction(3), ReductionReason.PART_TIME, SUMMER_28.ends, True, True)


# --- 5. The schedule ---

def kinds(schedule) -> list[tuple[ItemKind, Term]]:
    return [(i.kind, i.term) for i in schedule.items]


def test_full_time_schedule_is_reviews_in_terms_1_2_4_5_and_assessments_in_3_and_6():
    schedule = induction().schedule()
    review, first, final = ItemKind.PROGRESS_REVIEW, ItemKind.FIRST_FORMAL_ASSESSMENT, ItemKind.FINAL_FORMAL_ASSESSMENT
    assert kinds(schedule) == [(review, AUTUMN_26), (review, SPRING_27), (first, SUMMER_27), (review, AUTUMN_27),
                               (review, SPRING_28), (final, SUMMER_28)]
    assert [i.due for i in schedule.items] == [date(2026, 12, 18), date(2027, 3, 25), date(2027, 7, 21),
                                               date(2027, 12, 17), date(2028, 3, 24), date(2028, 7, 21)]
    assert schedule.completes == date(2028, 7, 21)


def test_a_formal_assessment_report_is_due_10_working_days_from_the_meeting_not_the_due_date():
    # outsider F6: the final assessment is due on 21 July 2028; held early, on Monday 3 July, its report is due at
    # the appropriate body by Friday 14 July [S1 2.61], not 3 August (10 working days from the due date)
    assert report_deadline(ItemKind.FINAL_FORMAL_ASSESSMENT, date(2028, 7, 3)) == date(2028, 7, 14)
    assert report_deadline(ItemKind.FIRST_FORMAL_ASSESSMENT, date(2027, 7, 21)) == date(2027, 8, 3)
    assert report_deadline(ItemKind.FINAL_FORMAL_ASSESSMENT, None) is None  # not held: no day to count from
    assert report_deadline(ItemKind.PROGRESS_REVIEW, date(2027, 7, 21)) is None  # S1 2.54 sets none


def test_reviews_can_be_due_some_weeks_before_the_end_of_term():
    schedule = induction().schedule(weeks_before_term_end=2)
    assert schedule.items[0].due == date(2026, 12, 4)
    assert schedule.items[2].due == date(2027, 7, 7)  # the first assessment too
    assert schedule.items[-1].due == date(2028, 7, 21)  # the final one is on completion


def test_a_half_time_ect_has_a_review_every_term_and_the_first_assessment_in_the_sixth():
    items = induction(post(fte=HALF)).schedule().items
    assert len(items) == 12
    assert [i.kind for i in items].count(ItemKind.PROGRESS_REVIEW) == 10
    assert (items[5].kind, items[5].term) == (ItemKind.FIRST_FORMAL_ASSESSMENT, SUMMER_28)
    assert items[-1].kind is ItemKind.FINAL_FORMAL_ASSESSMENT


def test_a_mid_term_starter_is_reviewed_at_the_same_point_of_the_next_term():
    starts = nth_school_day(AUTUMN_26, 38)  # about halfway through the autumn term
    schedule = induction(post(starts=starts), starts=starts).schedule()
    first = schedule.items[0]
    assert (first.kind, first.term) == (ItemKind.PROGRESS_REVIEW, SPRING_27)
    assert first.due == nth_school_day(SPRING_27, 27)  # 37 of 74 days in, so 27 of spring's 54
    assert schedule.first_year_ends == nth_school_day(AUTUMN_27, 37)
    assert (schedule.items[2].kind, schedule.items[2].term) == (ItemKind.FIRST_FORMAL_ASSESSMENT, AUTUMN_27)
    assert AUTUMN_28.starts < schedule.completes < AUTUMN_28.ends


def test_a_review_less_than_a_term_before_a_formal_assessment_is_dropped():
    items = induction(post(fte=Fraction(4, 5))).schedule().items
    # at 0.8 FTE the first year ends in the autumn of the second school year; the summer review before it is
    # less than a term earlier, so only the assessment is done
    assert [(i.kind, i.term) for i in items[:3]] == [(ItemKind.PROGRESS_REVIEW, AUTUMN_26),
                                                     (ItemKind.PROGRESS_REVIEW, SPRING_27),
                                                     (ItemKind.FIRST_FORMAL_ASSESSMENT, AUTUMN_27)]


def test_a_start_in_the_holiday_is_a_start_at_the_beginning_of_term():
    starts = date(2026, 8, 27)
    with_summer_before = TermCalendar([Term(2025, 3, date(2026, 4, 13), date(2026, 7, 22)), *CALENDAR.terms])
    schedule = Induction(starts, (post(starts=starts),), with_summer_before).schedule()
    assert (schedule.items[0].term, schedule.items[0].due) == (AUTUMN_26, date(2026, 12, 18))


def test_no_review_in_a_term_between_posts():
    ect = induction(post(ends=SPRING_27.ends), post(starts=AUTUMN_27.starts, school="Beryl Academy"))
    terms = [i.term for i in ect.schedule().items]
    assert SUMMER_27 not in terms and SPRING_27 in terms and AUTUMN_27 in terms


def test_absence_moves_the_final_assessment():
    schedule = induction(absences=(sick(date(2028, 1, 4), 30),)).schedule()
    assert schedule.items[-1].term == AUTUMN_28
    assert schedule.items[-1].due == schedule.completes == school_days_after(date(2028, 7, 21), 30)


# --- 6. Deadlines ---

def test_the_event_day_is_the_first_of_the_working_days():
    assert working_days_deadline(date(2028, 7, 3), 10) == date(2028, 7, 14)  # Monday to Friday week
    assert working_days_deadline(date(2028, 7, 3), 3) == date(2028, 7, 5)


def test_weekends_and_bank_holidays_are_not_working_days():
    assert working_days_deadline(date(2028, 7, 1), 1) == date(2028, 7, 3)  # a Saturday starts on Monday
    assert not is_working_day(date(2027, 12, 28))  # Boxing Day substitute
    assert working_days_deadline(date(2027, 12, 24), 3) == date(2027, 12, 30)
    assert working_days_deadline(date(2027, 3, 25), 2) == date(2027, 3, 30)  # over Good Friday and Easter Monday


def test_the_deadlines_after_the_final_assessment():
    dl = final_deadlines(completed_on=date(2028, 7, 21), final_meeting_on=date(2028, 7, 17),
                         recommendation_received=date(2028, 7, 24), decided_on=date(2028, 8, 18),
                         notice_received=date(2028, 8, 21))
    assert dl.report_to_appropriate_body == date(2028, 7, 28)
    assert dl.recommendation == date(2028, 8, 3)
    assert dl.representations == date(2028, 8, 4)
    assert dl.decision == date(2028, 8, 18)
    assert dl.notification == date(2028, 8, 22)
    assert dl.appeal == date(2028, 9, 18)  # over the late summer bank holiday, 28 August
    assert final_deadlines(date(2028, 7, 21)).decision is None


def test_a_deadline_of_no_days_is_refused():
    with pytest.raises(CpdError, match="at least one working day"):
        working_days_deadline(START, 0)


# --- 7. Reduced timetable ---

def test_the_cap_is_90_percent_in_year_one_and_95_in_year_two_pro_rata():
    assert timetable_cap(1, Fraction(22), Fraction(1)) == Fraction(99, 5)  # 19.8 of 22 hours
    assert timetable_cap(2, Fraction(22), Fraction(1)) == Fraction(209, 10)  # 20.9
    assert timetable_cap(1, Fraction(22), HALF) == Fraction(99, 10)


def test_a_timetable_at_the_cap_gives_the_reduction_and_one_above_does_not():
    assert gives_reduction(1, Fraction(99, 5), Fraction(22), Fraction(1))
    assert not gives_reduction(1, Fraction(20), Fraction(22), Fraction(1))


def test_the_year_of_a_term_follows_the_induction_served():
    full, half = induction(), induction(post(fte=HALF))
    assert full.timetable_cap(SUMMER_27, Fraction(20)) == 18
    assert full.timetable_cap(AUTUMN_27, Fraction(20)) == 19
    assert half.timetable_cap(AUTUMN_27, Fraction(20)) == 9  # still year one at 0.5 FTE
    assert not half.gives_reduction(AUTUMN_27, Fraction(19, 2), Fraction(20))
    with pytest.raises(CpdError, match="first and a second year"):
        timetable_cap(3, Fraction(20), Fraction(1))


# --- 8. Outcomes ---

def plan(**changes) -> SupportPlan:
    fields = dict(areas_to_improve=("behaviour management",), objectives=("TS7: consistent routines",),
                  support=("weekly observation by the head of year",), evidence="three observations",
                  next_period_plan="fortnightly reviews of routines")
    return SupportPlan(**{**fields, **changes})


def test_not_making_satisfactory_progress_starts_a_support_plan():
    assert ProgressOutcome.NOT_SATISFACTORY.needs_support_plan
    assert not ProgressOutcome.ON_TRACK.needs_support_plan
    assert FirstAssessmentOutcome.NOT_SATISFACTORY.value == "not making satisfactory progress"
    assert plan().objectives == ("TS7: consistent routines",)


@pytest.mark.parametrize("field, words", [("objectives", "the objectives"), ("support", "the support in place"),
                                          ("areas_to_improve", "the areas to improve")])
def test_a_support_plan_must_say_what_is_to_improve_and_how(field, words):
    with pytest.raises(CpdError, match=words):
        plan(**{field: ("  ",)})


def test_after_the_first_assessment_the_consequences_must_be_explained():
    with pytest.raises(CpdError, match="failing induction would mean"):
        plan(after_first_assessment=True)
    assert plan(after_first_assessment=True, consequences_explained=True)


def test_an_extension_decision_names_its_length_and_pass_or_fail_none():
    assert decide(Decision.EXTEND, Fraction(3, 2)) == Fraction(3, 2)
    assert decide(Decision.PASS) is None
    with pytest.raises(CpdError, match="how long"):
        decide(Decision.EXTEND)
    with pytest.raises(CpdError, match="has no extension"):
        decide(Decision.FAIL, Fraction(1))


# --- 9. Serving induction ---

def test_serving_induction_from_the_start_until_the_decision():
    ect = induction()
    assert not ect.serving_on(date(2026, 8, 31))
    assert ect.serving_on(START)
    assert ect.serving_on(date(2028, 7, 30), decided_on=date(2028, 8, 18))  # completed, awaiting the decision
    assert not ect.serving_on(date(2028, 8, 18), decided_on=date(2028, 8, 18))


def test_not_serving_induction_between_posts():
    ect = induction(post(ends=date(2027, 3, 25)), post(starts=date(2027, 9, 1), school="Beryl Academy"))
    assert ect.serving_on(date(2027, 3, 25))
    assert not ect.serving_on(date(2027, 6, 1))
    assert ect.serving_on(date(2027, 9, 1))


# --- outsider F5: impossible lengths -----------------------------------------------------------------------

@pytest.mark.parametrize("served, kwargs", [
    (Fraction(12), {}), (Fraction(6), {}), (Fraction(3), {"reduced_to": Fraction(3)}),
    (Fraction(4), {"reduced_to": Fraction(2)}),
])
def test_terms_served_elsewhere_that_leave_nothing_to_serve_are_refused(served, kwargs):
    with pytest.raises(CpdError, match="leave nothing of a"):
        induction(served_elsewhere=served, **kwargs)


def test_terms_served_elsewhere_short_of_the_length_leave_the_rest_to_serve():
    ect = induction(served_elsewhere=Fraction(11, 2))
    assert ect.served_terms(START) < ect.required_terms() == 6
