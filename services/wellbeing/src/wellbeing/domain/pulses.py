"""Pulse series: a short survey run again and again from one template, monthly or each term.

A series makes nothing of its own to answer: each pulse is an ordinary SurveyRun built from the template, so
opening, invitations, closing, results and every anonymity rule are the runs' own, unchanged.
"""
from __future__ import annotations

import enum
import uuid
from datetime import date, timedelta
from typing import Iterator

from staffroom_shared.domain import Aggregate

from .model import RunError, SurveyRun, a_or_an

CADENCES = ("monthly", "termly")
# Each term's pulse opens on a day the trust sets, in that term's months (English school terms).
TERMS = (("autumn", (9, 10, 11, 12)), ("spring", (1, 2, 3, 4)), ("summer", (4, 5, 6, 7)))
MONTHS_OFF = (8,)           # a monthly pulse skips August: schools are closed for the summer holiday
OPEN_DAYS = (2, 21)         # how long a pulse stays open, in days: at least two, and shut before the next opens
LEAD_DAYS = 14              # each pulse is made (scheduled) this many days before it opens, so HR see it coming
PULSE_SET = ("ons4", "enps")  # the short built-in set: ONS's four personal wellbeing questions and eNPS
LONG_PULSE = 10             # more questions than this and the template is warned of as long
TEMPLATE = ("title", "instruments", "questions", "academy_ids", "staff_types", "min_group_size", "outcome",
            "owner_academy_id")
SCHEDULE = ("cadence", "day_of_month", "term_opens", "open_days", "starts_on")


class SeriesStatus(str, enum.Enum):
    ACTIVE = "active"   # pulses are made as their dates come
    PAUSED = "paused"   # no new pulses until resumed; the dates missed meanwhile are skipped
    ENDED = "ended"     # no more pulses, for good


def weekday(day: date) -> date:
    """A Saturday or Sunday moves to the Monday after: nobody is in school to be asked."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def term_day(text: str) -> tuple[int, int]:
    """ "10-15" (month-day) as (10, 15); ValueError if it is no day of the year."""
    month, day = (int(part) for part in text.split("-"))
    date(2024, month, day)  # a leap year, so 02-29 passes here and is refused by the term's months below
    return month, day


class PulseSeries(Aggregate):
    def __init__(self, *, title: str, instruments: list[str], questions: list[dict], academy_ids: list,
                 staff_types: list[str], min_group_size: int, outcome: str, owner_academy_id: uuid.UUID | None,
                 created_by: str, cadence: str, starts_on: date, open_days: int = 7, day_of_month: int | None = None,
                 term_opens: list[str] | None = None, id: uuid.UUID | None = None):
        self.id = id or uuid.uuid4()
        self.title = title
        self.instruments = list(instruments)
        self.questions = list(questions)
        self.academy_ids = [str(a) for a in academy_ids]
        self.staff_types = list(staff_types)
        self.min_group_size = min_group_size
        self.outcome = outcome
        self.owner_academy_id = owner_academy_id
        self.created_by = created_by
        self.cadence = cadence
        self.day_of_month = day_of_month
        self.term_opens = list(term_opens or [])
        self.open_days = open_days
        self.starts_on = starts_on
        self.status = SeriesStatus.ACTIVE
        self.made_until: date | None = None  # the closing day of the latest pulse made: the next opens after it
        self.check()
        self.next_on: date | None = self.opening_after(starts_on)

    # -- the calendar -------------------------------------------------------------------------------------

    def check(self) -> None:
        """The cadence makes sense (the template is checked as a run is, by `sample`)."""
        if self.cadence not in CADENCES:
            raise RunError(f"cadence is monthly or termly, not {self.cadence!r}", "cadence")
        if self.cadence == "monthly" and not (isinstance(self.day_of_month, int) and 1 <= self.day_of_month <= 28):
            raise RunError("a monthly pulse needs the day of the month it opens, 1 to 28", "day_of_month")
        if self.cadence == "termly":
            if len(self.term_opens) != len(TERMS):
                raise RunError("a termly pulse needs the day it opens in each term: autumn, spring and summer",
                               "term_opens")
            for text, (term, months) in zip(self.term_opens, TERMS):
                try:
                    month, _ = term_day(text)
                except ValueError:
                    raise RunError(f"the {term} term's day {text!r} is not a day of the year (month-day, as "
                                   "10-15)", "term_opens") from None
                if month not in months:
                    raise RunError(f"the {term} term's pulse must open in {_months(months)}", "term_opens")
            if term_day(self.term_opens[1]) >= term_day(self.term_opens[2]):
                raise RunError("the spring term's pulse must open before the summer term's", "term_opens")
        low, high = OPEN_DAYS
        if not low <= self.open_days <= high:
            raise RunError(f"a pulse stays open {low} to {high} days", "open_days")

    def _nominal(self, year: int) -> list[date]:
        """The opening days of one calendar year, before weekends move them."""
        if self.cadence == "monthly":
            return [date(year, m, self.day_of_month) for m in range(1, 13) if m not in MONTHS_OFF]
        return sorted(date(year, *term_day(text)) for text in self.term_opens)

    def openings(self, on_or_after: date) -> Iterator[date]:
        """Every opening day from `on_or_after`, in order."""
        year = on_or_after.year - 1  # a late December day may move into January
        while True:
            for day in self._nominal(year):
                if weekday(day) >= on_or_after:
                    yield weekday(day)
            year += 1

    def opening_after(self, day: date) -> date:
        """The first opening on or after `day`, never before the series starts nor while a pulse made is open."""
        floor = max(day, self.starts_on)
        if self.made_until is not None:
            floor = max(floor, self.made_until + timedelta(days=1))
        return next(self.openings(floor))

    def closes_on(self, opens_on: date) -> date:
        return opens_on + timedelta(days=self.open_days - 1)  # open `open_days` days, the closing day included

    def pulse_title(self, opens_on: date) -> str:
        """ "Staff pulse, March 2027"; each term's: "Staff pulse, autumn term 2026"."""
        if self.cadence == "monthly":
            return f"{self.title}, {opens_on:%B %Y}"
        term = next(name for (name, _), text in zip(TERMS, self.term_opens) for year in (opens_on.year, opens_on.year - 1)
                    if weekday(date(year, *term_day(text))) == opens_on)
        return f"{self.title}, {term} term {opens_on.year}"

    # -- what the daily job does ----------------------------------------------------------------------------

    def due(self, today: date) -> list[date]:
        """Opening days whose pulse should be made now: within LEAD_DAYS, and not already over."""
        found = []
        day = self.next_on
        while self.status is SeriesStatus.ACTIVE and day is not None and day <= today + timedelta(days=LEAD_DAYS):
            if self.closes_on(day) > today:  # one whose days have all gone (the job did not run) is skipped
                found.append(day)
            day = next(self.openings(day + timedelta(days=1)))
        return found

    def sample(self, opens_on: date | None = None) -> SurveyRun:
        """The run the template makes for `opens_on` (or its next opening), not stored: building it checks the
        template by the runs' own rules (RunError)."""
        opens_on = opens_on or self.next_on or self.starts_on
        return SurveyRun(**{name: getattr(self, name) for name in TEMPLATE if name != "title"},
                         title=self.pulse_title(opens_on), opens_on=opens_on, closes_on=self.closes_on(opens_on),
                         created_by=self.created_by)

    def pulse(self, opens_on: date, today: date) -> SurveyRun:
        """Make the pulse opening on `opens_on`, scheduled (the daily job opens it on its day)."""
        if opens_on not in self.due(today):
            raise RunError(f"no pulse of this series is due to open on {opens_on}")
        run = self.sample(opens_on)
        run.schedule(today)
        self.made_until = self.closes_on(opens_on)
        self.next_on = self.opening_after(opens_on)
        return run

    # -- what HR do ------------------------------------------------------------------------------------------

    def pause(self) -> None:
        if self.status is not SeriesStatus.ACTIVE:
            raise RunError(f"{a_or_an(self.status.value)} series cannot be paused")
        self.status = SeriesStatus.PAUSED

    def resume(self, today: date) -> None:
        """Go on from today: the days missed while paused are skipped, not made late."""
        if self.status is not SeriesStatus.PAUSED:
            raise RunError(f"{a_or_an(self.status.value)} series cannot be resumed")
        self.status = SeriesStatus.ACTIVE
        self.next_on = self.opening_after(today)

    def end(self) -> None:
        if self.status is SeriesStatus.ENDED:
            raise RunError("this series has ended already")
        self.status = SeriesStatus.ENDED
        self.next_on = None

    def edit(self, today: date, **changes) -> None:
        """Change the template or the calendar; pulses already made keep what they were made with."""
        if self.status is SeriesStatus.ENDED:
            raise RunError("an ended series cannot be changed")
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, [str(a) for a in value] if name == "academy_ids" else value)
        try:
            self.check()
        except RunError:
            for name, value in before.items():  # refused: as it was
                setattr(self, name, value)
            raise
        if self.status is SeriesStatus.ACTIVE and SCHEDULE_CHANGES & changes.keys():
            self.next_on = self.opening_after(today)

    @property
    def warnings(self) -> list[str]:
        """What HR should know before they go on: a long template asked every month or term."""
        asked = len(self.sample().questionnaire().items)
        if asked > LONG_PULSE:
            return [f"This pulse asks {asked} questions. A pulse asked every {'month' if self.cadence == 'monthly' else 'term'}"
                    f" works best with a few (at most {LONG_PULSE}): people stop answering long surveys they are "
                    "sent often. The short pulse set asks 5."]
        return []


SCHEDULE_CHANGES = set(SCHEDULE)


def _months(months: tuple[int, ...]) -> str:
    names = [date(2024, m, 1).strftime("%B") for m in months]
    return ", ".join(names[:-1]) + " or " + names[-1]
