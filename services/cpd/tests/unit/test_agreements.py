"""Clawback arithmetic: band boundaries (incl. 29 February and month-ends), never more than the cost,
leaving before completion."""
import uuid
from datetime import date
from decimal import Decimal

import pytest

from cpd.domain.agreements import TrainingAgreement, check_schedule, clawback
from cpd.domain.enrolments import Enrolment, EnrolmentStatus
from cpd.domain.errors import CpdError, IllegalTransition, NotAllowed
from cpd.domain.values import add_months

SCHEDULE = [[12, 100], [24, 50]]


def agreement(cost="2400.00", schedule=SCHEDULE, signed=True) -> TrainingAgreement:
    a = TrainingAgreement(enrolment_id=uuid.uuid4(), staff_id=uuid.uuid4(), academy_id=uuid.uuid4(),
                          cost=Decimal(cost), schedule=schedule)
    if signed:
        a.sign(a.staff_id, date(2025, 1, 1))
    return a


def enrolment_for(a: TrainingAgreement, status: EnrolmentStatus, completed_on: date | None = None) -> Enrolment:
    return Enrolment(cohort_id=uuid.uuid4(), programme_id=uuid.uuid4(), staff_id=a.staff_id, academy_id=a.academy_id,
                     cost=a.cost, requested_on=date(2024, 9, 1), status=status, completed_on=completed_on)


@pytest.mark.parametrize("day, months, expected", [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year month-end
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 Feb next year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2024, 12, 31), 12, date(2025, 12, 31)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("completed_on, left_on, percent, amount", [
    (date(2025, 7, 31), date(2026, 7, 31), 100, "2400.00"),  # the last day of "within 12 months"
    (date(2025, 7, 31), date(2026, 8, 1), 50, "1200.00"),  # the next day
    (date(2025, 7, 31), date(2027, 7, 31), 50, "1200.00"),  # the last day of "within 24 months"
    (date(2025, 7, 31), date(2027, 8, 1), 0, "0.00"),
    (date(2024, 2, 29), date(2025, 2, 28), 100, "2400.00"),  # completed on 29 Feb: 12 months is 28 Feb
    (date(2024, 2, 29), date(2025, 3, 1), 50, "1200.00"),
    (date(2024, 2, 29), date(2026, 2, 28), 50, "1200.00"),
    (date(2024, 2, 29), date(2026, 3, 1), 0, "0.00"),
    (date(2025, 8, 31), date(2026, 8, 31), 100, "2400.00"),  # month-end
    (date(2025, 8, 31), date(2026, 9, 1), 50, "1200.00"),
    (date(2025, 7, 31), date(2025, 7, 31), 100, "2400.00"),  # leaving on the day of completion
])
def test_repayable_by_band_at_the_boundaries(completed_on, left_on, percent, amount):
    a = agreement()
    assert a.repayable_percent(left_on, completed_on) == percent
    assert a.repayable(left_on, completed_on) == Decimal(amount)


def test_leaving_before_completion_repays_the_first_bands_share():
    a = agreement(schedule=[[12, 80], [24, 40]])
    assert a.repayable(date(2025, 3, 1), None) == Decimal("1920.00")
    assert a.repayable(date(2025, 3, 1), date(2025, 7, 31)) == Decimal("1920.00")  # left before the completion date


def test_amounts_are_rounded_to_the_penny_half_up():
    a = agreement(cost="999.99", schedule=[[12, 100], [24, 33]])
    assert a.repayable(date(2027, 1, 1), date(2025, 7, 31)) == Decimal("330.00")  # 329.9967
    b = agreement(cost="0.05", schedule=[[12, 50]])
    assert b.repayable(date(2025, 8, 1), date(2025, 7, 31)) == Decimal("0.03")  # 0.025 rounds up


def test_never_more_than_the_cost():
    for left in (date(2025, 1, 2), date(2025, 8, 1), date(2026, 8, 1), date(2030, 1, 1)):
        assert agreement(cost="1234.57").repayable(left, date(2025, 7, 31)) <= Decimal("1234.57")


def test_an_unsigned_agreement_is_owed_nothing():
    assert agreement(signed=False).repayable(date(2025, 8, 1), date(2025, 7, 31)) == Decimal("0.00")


def test_still_on_the_programme_when_leaving_owes_the_first_band():
    a = agreement()
    assert clawback(a, enrolment_for(a, EnrolmentStatus.CONFIRMED), date(2025, 3, 1)) == (100, Decimal("2400.00"))


def test_completed_counts_from_the_completion_date():
    a = agreement()
    e = enrolment_for(a, EnrolmentStatus.COMPLETED, date(2024, 2, 29))
    assert clawback(a, e, date(2025, 3, 1)) == (50, Decimal("1200.00"))
    assert clawback(a, e, date(2026, 3, 1)) == (0, Decimal("0.00"))


@pytest.mark.parametrize("status", [EnrolmentStatus.WAITING, EnrolmentStatus.WITHDRAWN])
def test_a_place_never_taken_up_owes_nothing(status):
    a = agreement()
    assert clawback(a, enrolment_for(a, status), date(2025, 3, 1)) == (0, Decimal("0.00"))


def test_only_the_participant_signs_and_only_once():
    a = agreement(signed=False)
    with pytest.raises(NotAllowed):
        a.sign(uuid.uuid4(), date(2025, 1, 1))
    a.sign(a.staff_id, date(2025, 1, 1))
    with pytest.raises(IllegalTransition):
        a.sign(a.staff_id, date(2025, 1, 2))


@pytest.mark.parametrize("schedule", [[], [[24, 50], [12, 100]], [[12, 50], [24, 100]], [[12, 101]], [[0, 100]],
                                      [[12, 100], [12, 50]]])
def test_a_schedule_runs_shortest_first_and_never_rises(schedule):
    with pytest.raises(CpdError):
        check_schedule(schedule)


def test_never_more_than_the_cost_even_with_a_schedule_stored_wrong():
    a = agreement(cost="800.00")
    a.schedule = [[12, 150]]  # loaded from the database, the constructor's check never ran
    assert a.repayable(date(2025, 8, 1), date(2025, 7, 31)) == Decimal("800.00")
