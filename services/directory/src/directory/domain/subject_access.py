"""Subject access requests (UK GDPR Article 15; issue 21): when one must be answered, and when it is complete.

The time limit is the ICO's: from the day the request is received (working day or not) to the corresponding
calendar date in the next month; the last day of that month if it has no such date (31 January: 28 or 29
February); and, if that day is a weekend or a bank holiday, the next working day (ico.org.uk, "SAR checklist for
SMEs: I need to complete a SAR"; docs/privacy.md). Bank holidays are England and Wales's: see bank_holidays.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from functools import cache

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

from staffroom_shared.domain import Aggregate

from .events import SubjectAccessRequested

# Bank holidays moved or added by proclamation (gov.uk/bank-holidays), by year: what the rules below do not give.
_PROCLAIMED = {
    2020: ({date(2020, 5, 4)}, {date(2020, 5, 8)}),  # early May moved to VE Day's 75th anniversary
    2022: ({date(2022, 5, 30)}, {date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}),  # jubilee; state funeral
    2023: (set(), {date(2023, 5, 8)}),  # the coronation
}


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales's bank holidays in `year`: New Year's Day, Good Friday, Easter Monday, the first and last
    Mondays of May, the last Monday of August, Christmas Day and Boxing Day (Banking and Financial Dealings Act
    1971, Schedule 1, with Good Friday and Christmas Day as common-law holidays); a New Year's Day, Christmas Day or
    Boxing Day on a weekend has its substitute on the next weekday not already a holiday; and the years changed
    by proclamation. The `holidays` package, which keeps this, cannot be installed beside python-dateutil 4."""
    days = {_weekday_on_or_after(date(year, 1, 1)), easter(year) - timedelta(days=2), easter(year) + timedelta(days=1),
            date(year, 5, 1) + relativedelta(weekday=MO(1)), date(year, 5, 31) + relativedelta(weekday=MO(-1)),
            date(year, 8, 31) + relativedelta(weekday=MO(-1))}
    christmas = _weekday_on_or_after(date(year, 12, 25))
    days |= {christmas, _weekday_on_or_after(max(date(year, 12, 26), christmas + timedelta(days=1)))}
    removed, added = _PROCLAIMED.get(year, (set(), set()))
    return frozenset((days - removed) | added)


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def respond_by(received_on: date) -> date:
    """The last day to answer a request received on `received_on`."""
    day = received_on + relativedelta(months=1)  # relativedelta keeps to the month's last day when it is shorter
    while day.weekday() >= 5 or day in bank_holidays(day.year):
        day += timedelta(days=1)
    return day


@dataclass(eq=False)
class SubjectAccessRequest(Aggregate):
    staff_id: uuid.UUID
    requested_by: str  # who opened it: the person themselves, trust HR or the data protection officer
    received_on: date
    opened_at: datetime
    respond_by: date = None  # type: ignore[assignment]  (worked out from received_on)
    answered_at: datetime | None = None  # when the last service's answer arrived: the bundle is ready
    by_the_person: bool = False  # they asked themselves: the copy is theirs alone
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.respond_by is None:
            self.respond_by = respond_by(self.received_on)

    @classmethod
    def open(cls, *, academy_id: uuid.UUID, **data) -> "SubjectAccessRequest":
        """A new request, for a person in `academy_id`: announced, so that every service answers it."""
        request = cls(**data)
        request.record(SubjectAccessRequested(request_id=request.id, staff_id=request.staff_id,
                                              received_on=request.received_on, by_the_person=request.by_the_person,
                                              academy_id=academy_id))
        return request

    def take_answer(self, services_answered: set[str], expected: tuple[str, ...], now: datetime) -> bool:
        """Note that `services_answered` have answered; True when that completes the request."""
        if self.answered_at is None and set(expected) <= services_answered:
            self.answered_at = now
            return True
        return False

    @property
    def ready(self) -> bool:
        return self.answered_at is not None

    def may_download(self, staff_id: uuid.UUID | None, hr: bool) -> bool:
        """The person always; trust HR and the DPO a copy they opened, not one the person asked for themselves
        (it holds what HR may not see: whether they answered each survey)."""
        return staff_id == self.staff_id or (hr and not self.by_the_person)
