"""A subject access request's deadline, as the ICO counts it, and when a request is complete."""
from datetime import date, datetime, timezone

import pytest

from directory.domain.subject_access import SubjectAccessRequest, bank_holidays, respond_by


@pytest.mark.parametrize("received, due", [
    (date(2026, 9, 3), date(2026, 10, 5)),    # the ICO's own example: 3 October 2026 is a Saturday, so Monday
    (date(2026, 10, 21), date(2026, 11, 23)),  # 21 November is a Saturday
    (date(2027, 4, 21), date(2027, 5, 21)),   # the corresponding date, a Friday
    (date(2026, 8, 31), date(2026, 9, 30)),   # no 31 September: the last day of the month
    (date(2028, 1, 30), date(2028, 2, 29)),   # no 30 February: the last day, in a leap year
    (date(2027, 1, 31), date(2027, 3, 1)),    # 28 February 2027 is a Sunday
    (date(2026, 11, 25), date(2026, 12, 29)),  # Christmas Day, a Saturday, a Sunday, then Boxing Day's holiday
    (date(2027, 4, 29), date(2027, 6, 1)),    # 29 May is a Saturday, 31 May the spring bank holiday
    (date(2027, 2, 28), date(2027, 3, 30)),   # 28 March 2027 is a Sunday, the 29th Easter Monday
])
def test_the_deadline_is_the_corresponding_day_next_month_or_the_next_working_day(received, due):
    assert respond_by(received) == due


def test_a_request_is_complete_when_every_service_has_answered_and_only_then():
    now = datetime(2026, 12, 6, 10, tzinfo=timezone.utc)
    request = SubjectAccessRequest(staff_id=None, requested_by="hr", received_on=now.date(), opened_at=now)
    expected = ("directory", "appraisal", "cpd")
    assert request.respond_by == date(2027, 1, 6) and not request.ready
    assert request.take_answer({"directory", "appraisal"}, expected, now) is False and not request.ready
    assert request.take_answer({"directory", "appraisal", "cpd"}, expected, now) is True and request.ready
    assert request.take_answer({"directory", "appraisal", "cpd"}, expected, now) is False  # once


@pytest.mark.parametrize("year, days", [  # as gov.uk/bank-holidays lists England and Wales's
    (2021, ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"]),  # Christmas on a Saturday
    (2022, ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"]),
    (2023, ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]),
    (2026, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),  # Boxing Day on a Saturday
    (2027, ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"]),
])
def test_england_and_waless_bank_holidays(year, days):
    assert sorted(bank_holidays(year)) == [date.fromisoformat(f"{year}-{d}") for d in days]
