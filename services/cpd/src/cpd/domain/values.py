"""Value types every CPD sub-domain shares: money to the penny, dates as people write them, a member of staff as
CPD knows them, an approval."""
from __future__ import annotations

import calendar
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

PENNY = Decimal("0.01")


def in_words(day: date) -> str:
    """A date as a refusal shows it to the person who typed it: 1 March 2027."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))



@dataclass(frozen=True)
class Approval:
    """An approval of an enrolment: who gave it (None: automatic) and at which stage ('line_manager', 'hr')."""

    enrolment_id: uuid.UUID
    approved_by: uuid.UUID | None
    stage: str


ECT_POST = re.compile(r"\b(early career teacher|ect[12]?)\b", re.IGNORECASE)  # ECT2: induction carries on
NEW_STARTER = timedelta(days=365)  # who is new: as the targets count starters, in their first year
ECT_YEARS = timedelta(days=2 * 365)  # the statutory induction lasts two years


@dataclass(frozen=True)
class Person:
    """One member of staff as CPD's copy of the directory holds them (from staff.* events)."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    first_name: str
    last_name: str
    staff_type: str
    post: str
    start_date: date
    leaving_date: date | None
    line_manager_id: uuid.UUID | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def in_post_on(self, day: date) -> bool:
        return self.leaving_date is None or day < self.leaving_date

    def has_left_by(self, day: date) -> bool:
        """Their leaving date has come (so what follows from leaving is due)."""
        return self.leaving_date is not None and self.leaving_date <= day

    @property
    def early_career_teacher(self) -> bool:
        return self.staff_type == "teaching" and bool(ECT_POST.search(self.post))

    def new_starter_on(self, day: date) -> bool:
        """In their first year: someone long in post whom the directory adds now (a trust's first import) is not."""
        return self.start_date > day - NEW_STARTER

    def in_ect_induction_on(self, day: date) -> bool:
        """A teacher in an ECT post in their first two years."""
        return self.early_career_teacher and self.start_date > day - ECT_YEARS
