"""Enrolment rules: approval routing at the thresholds, agreement before a place, waiting-list order."""
import uuid
from datetime import date
from decimal import Decimal

import pytest

from cpd.domain.catalogue import Cohort, Policy
from cpd.domain.enrolments import Enrolment, EnrolmentStatus, allocate
from cpd.domain.errors import IllegalTransition, NotAllowed

POLICY = Policy(approval_threshold=Decimal("500.00"), agreement_threshold=Decimal("1000.00"))
MANAGER, HR = uuid.uuid4(), uuid.uuid4()
TODAY = date(2026, 11, 23)


def cohort(capacity=2) -> Cohort:
    return Cohort(programme_id=uuid.uuid4(), name="Spring", starts_on=date(2027, 1, 10), ends_on=date(2027, 3, 1),
                  capacity=capacity)


def enrolment(cost="100.00", c: Cohort | None = None, **kw) -> Enrolment:
    return Enrolment(cohort_id=(c or cohort()).id, programme_id=uuid.uuid4(), staff_id=uuid.uuid4(),
                     academy_id=uuid.uuid4(), cost=Decimal(cost), requested_on=TODAY, **kw)


# -- approval routing at the thresholds ------------------------------------------------------------

def test_cost_exactly_at_the_approval_threshold_needs_only_the_line_manager():
    e = enrolment("500.00")
    assert e.approve_as_manager(MANAGER, TODAY, POLICY) == EnrolmentStatus.WAITING


def test_one_penny_above_the_approval_threshold_goes_to_hr_next():
    e = enrolment("500.01")
    assert e.approve_as_manager(MANAGER, TODAY, POLICY) == EnrolmentStatus.AWAITING_HR
    assert e.approve_as_hr(HR, TODAY, POLICY) == EnrolmentStatus.WAITING
    assert (e.manager_approved_by, e.hr_approved_by) == (MANAGER, HR)


def test_one_penny_below_the_agreement_threshold_needs_no_agreement():
    e = enrolment("999.99")
    e.approve_as_manager(MANAGER, TODAY, POLICY)
    assert e.approve_as_hr(HR, TODAY, POLICY) == EnrolmentStatus.WAITING


def test_cost_exactly_at_the_agreement_threshold_needs_a_signed_agreement_before_a_place():
    e = enrolment("1000.00")
    e.approve_as_manager(MANAGER, TODAY, POLICY)
    assert e.approve_as_hr(HR, TODAY, POLICY) == EnrolmentStatus.AWAITING_AGREEMENT
    c = cohort(capacity=5)
    e.cohort_id = c.id
    assert allocate(c, [e], 1) == []  # no place while the agreement is unsigned
    e.agreement_signed()
    assert allocate(c, [e], 1) == [e] and e.status == EnrolmentStatus.CONFIRMED


def test_a_free_programme_booked_without_approval_needs_no_agreement_even_with_a_zero_threshold():
    e = enrolment("0.00")
    assert e.approve_without_asking(Policy(agreement_threshold=Decimal("0.00"))) == EnrolmentStatus.WAITING


def test_signing_an_agreement_that_is_not_awaited_is_illegal():
    e = enrolment("100.00")
    with pytest.raises(IllegalTransition):
        e.agreement_signed()


def test_nobody_approves_their_own_request():
    e = enrolment("600.00")
    with pytest.raises(NotAllowed):
        e.approve_as_manager(e.staff_id, TODAY, POLICY)
    e.approve_as_manager(MANAGER, TODAY, POLICY)
    with pytest.raises(NotAllowed):
        e.approve_as_hr(e.staff_id, TODAY, POLICY)


def test_hr_cannot_approve_before_the_line_manager():
    with pytest.raises(IllegalTransition, match="must be waiting for HR's approval; this one is waiting for the line manager's"):
        enrolment("600.00").approve_as_hr(HR, TODAY, POLICY)


def test_a_declined_request_cannot_then_be_approved():
    e = enrolment()
    e.decline(TODAY, "not this term")
    with pytest.raises(IllegalTransition):
        e.approve_as_manager(MANAGER, TODAY, POLICY)


# -- waiting list --------------------------------------------------------------------------------

def waiting(c: Cohort, n: int) -> list[Enrolment]:
    people = [enrolment(c=c) for _ in range(n)]
    for e in people:
        e.approve_as_manager(MANAGER, TODAY, POLICY)
    return people


def test_places_go_in_the_order_people_joined_the_waiting_list_never_beyond_capacity():
    c = cohort(capacity=2)
    people = waiting(c, 5)
    confirmed = allocate(c, people, 1)
    assert confirmed == people[:2]
    assert [e.waiting_since for e in people[2:]] == [3, 4, 5]
    assert sum(e.status == EnrolmentStatus.CONFIRMED for e in people) == 2


def test_a_freed_place_goes_to_the_first_in_line_not_the_latest():
    c = cohort(capacity=1)
    people = waiting(c, 3)
    allocate(c, people, 1)
    late = waiting(c, 1)[0]
    allocate(c, people + [late], 4)
    assert people[0].withdraw() is True
    assert allocate(c, people + [late], 5) == [people[1]]
    assert people[2].status == late.status == EnrolmentStatus.WAITING
    assert people[2].waiting_since < late.waiting_since


def test_withdrawing_from_the_waiting_list_frees_no_place():
    c = cohort(capacity=1)
    people = waiting(c, 2)
    allocate(c, people, 1)
    assert people[1].withdraw() is False and people[1].waiting_since is None


def test_attendance_and_completion_need_a_confirmed_place():
    e = enrolment()
    with pytest.raises(IllegalTransition):
        e.record_attendance(90)
    with pytest.raises(IllegalTransition):
        e.complete(TODAY)


def test_only_the_participant_evaluates_and_only_afterwards():
    c = cohort()
    e = waiting(c, 1)[0]
    allocate(c, [e], 1)
    with pytest.raises(IllegalTransition):
        e.evaluate(e.staff_id, 4, "useful")
    e.complete(TODAY)
    with pytest.raises(NotAllowed):
        e.evaluate(MANAGER, 4, "useful")
    e.evaluate(e.staff_id, 4, "useful")
    assert e.impact_rating == 4
