"""National professional qualifications (domain.npq): the courses, a place's path from registration to its outcome,
and the dates at the boundaries."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from cpd.domain.errors import CpdError, IllegalTransition
from cpd.domain.npq import (
    COURSES, Approval, Funding, Group, NpqCompleted, NpqPlace, Outcome, Training, cohort_name,
)

OAK = uuid.uuid4()
AUTUMN = date(2026, 10, 1)


def place(short_code="NPQH", others=(), staff_id=None, **data) -> NpqPlace:
    return NpqPlace.register(others=list(others), today=date(2026, 7, 1), staff_id=staff_id or uuid.uuid4(),
                             academy_id=OAK, short_code=short_code, lead_provider="Ambition Institute",
                             cohort_starts_on=AUTUMN, funding=Funding.AWAITING, **data)


def taking(short_code="NPQH", **data) -> NpqPlace:
    found = place(short_code, **data)
    found.answer(accepted=True)
    return found


def test_the_ten_npqs_and_their_groups_are_dfes():
    assert sorted(COURSES) == sorted(["NPQLT", "NPQLTD", "NPQLBC", "NPQLL", "NPQLPM", "NPQSENCO", "NPQSL", "NPQH",
                                      "NPQEL", "NPQEYL"])
    assert {c for c, course in COURSES.items() if course.group == Group.LEADERSHIP} == {
        "NPQSENCO", "NPQSL", "NPQH", "NPQEL", "NPQEYL"}
    with pytest.raises(CpdError, match="there is no NPQ called NPQX: choose one of NPQLT \\(Leading Teaching\\)"):
        place("NPQX")


def test_cohorts_are_named_by_the_term_they_start_in_and_a_course_ends_after_its_usual_length():
    assert [cohort_name(date(2027, m, 1)) for m in (1, 4, 5, 8, 9, 12)] == [
        "Spring 2027", "Spring 2027", "Summer 2027", "Summer 2027", "Autumn 2027", "Autumn 2027"]
    assert place("NPQH").expected_end == date(2028, 4, 1)  # 18 months from October 2026
    assert place("NPQLT").expected_end == date(2027, 10, 1)  # 12 months
    later = place("NPQLT")
    later.cohort_starts_on = date(2026, 10, 9)
    assert later.expected_end == date(2027, 10, 9)  # to the day, not the first of the month


def test_a_place_waits_for_the_lead_provider_who_accepts_or_rejects_once():
    found = place()
    assert (found.approval, found.training, found.open) == (Approval.PENDING, Training.ACTIVE, True)
    found.answer(accepted=False)
    assert found.approval == Approval.REJECTED and not found.open
    with pytest.raises(IllegalTransition, match="already rejected"):
        found.answer(accepted=True)
    with pytest.raises(IllegalTransition, match="must first accept the application; it was rejected"):
        found.defer()
    with pytest.raises(IllegalTransition, match="still waiting for their answer"):
        place().complete(Outcome.PASSED, date(2027, 1, 1), date(2027, 1, 1))


def test_nobody_takes_an_npq_twice_at_once_or_again_after_passing_it_but_may_after_failing_or_rejection():
    me = uuid.uuid4()
    first = taking(staff_id=me)
    with pytest.raises(IllegalTransition, match="already have a place on the NPQ for Headship \\(Autumn 2026 cohort\\)"):
        place(others=[first], staff_id=me)
    assert place("NPQSL", others=[first], staff_id=me).short_code == "NPQSL"  # another NPQ
    assert place(others=[first]).staff_id != me  # someone else
    first.complete(Outcome.PASSED, date(2028, 3, 31), date(2028, 4, 2))
    with pytest.raises(IllegalTransition, match="passed the NPQ for Headship on 31 March 2028"):
        place(others=[first], staff_id=me)
    failed, rejected = taking(staff_id=me), place(staff_id=me)
    failed.complete(Outcome.FAILED, AUTUMN, AUTUMN)
    rejected.answer(accepted=False)
    assert place(others=[failed, rejected], staff_id=me).open


def test_deferring_resuming_and_withdrawing():
    found = taking()
    found.defer()
    with pytest.raises(IllegalTransition, match="deferred: resume it before recording the outcome"):
        found.complete(Outcome.PASSED, AUTUMN, AUTUMN)
    with pytest.raises(IllegalTransition, match="deferred, not being taken"):
        found.defer()
    found.resume()
    with pytest.raises(IllegalTransition, match="active, not deferred"):
        found.resume()
    found.withdraw()
    assert not found.open
    with pytest.raises(IllegalTransition, match="already withdrawn"):
        found.withdraw()


def test_the_outcome_is_dated_from_the_cohorts_start_to_today_and_only_once():
    found = taking()
    with pytest.raises(CpdError, match="dated 30 September 2026, before the Autumn 2026 cohort started on "
                                       "1 October 2026"):
        found.complete(Outcome.PASSED, date(2026, 9, 30), date(2027, 1, 1))
    with pytest.raises(CpdError, match="dated 2 January 2027, which has not happened yet"):
        found.complete(Outcome.PASSED, date(2027, 1, 2), date(2027, 1, 1))
    found.complete(Outcome.PASSED, AUTUMN, AUTUMN)  # both boundaries: the start, and today
    with pytest.raises(IllegalTransition, match="already ended: passed on 1 October 2026"):
        found.complete(Outcome.FAILED, AUTUMN, AUTUMN)
    with pytest.raises(IllegalTransition, match="its funding is part of its record"):
        found.set_funding(Funding.TRUST)


def test_a_passed_leadership_npq_is_announced_for_the_future_leaders_and_a_specialist_one_is_not():
    headship, teaching = taking("NPQH"), taking("NPQLT")
    headship.set_funding(Funding.SCHOLARSHIP)
    for found in (headship, teaching):
        found.complete(Outcome.PASSED, date(2027, 6, 30), date(2027, 7, 1))
    [announced] = headship.recorded
    assert isinstance(announced, NpqCompleted) and announced.leadership and announced.outcome == Outcome.PASSED
    assert announced.short_code == "NPQH" and announced.completed_on == date(2027, 6, 30)
    assert [e.leadership for e in teaching.recorded] == [False]
