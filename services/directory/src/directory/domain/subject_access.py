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

from dateutil.relativedelta import relativedelta

from staffroom_shared.bank_holidays import bank_holidays
from staffroom_shared.domain import Aggregate

from .events import SubjectAccessRequested

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

    def ask_again(self, service: str, academy_id: uuid.UUID) -> None:
        """`service` withdrew its answer (it erased something the answer held): it is asked again, alone. The request
        stays answered when it was (its time limit was met; the copy waits for the new answer to be downloaded)."""
        self.record(SubjectAccessRequested(request_id=self.id, staff_id=self.staff_id, received_on=self.received_on,
                                           by_the_person=self.by_the_person, academy_id=academy_id,
                                           asked_of=(service,)))

    @property
    def ready(self) -> bool:
        return self.answered_at is not None

    def may_download(self, staff_id: uuid.UUID | None, hr: bool) -> bool:
        """The person always; trust HR and the DPO a copy they opened, not one the person asked for themselves
        (it holds what HR may not see: whether they answered each survey)."""
        return staff_id == self.staff_id or (hr and not self.by_the_person)
