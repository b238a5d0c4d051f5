"""Survey runs and invitations: plain classes, mapped to tables in adapters (the domain imports no framework).

Anonymity is built into what these classes hold, not bolted on: an Invitation knows who was asked and
whether they have answered, never what; a response (adapters.orm.responses) knows what was answered and at most
the academy it came from (only where that academy's results are shown), never who, when or any finer group.
"""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from .instruments import INSTRUMENTS, Questionnaire, custom_instrument

MIN_GROUP_SIZE = 5  # the smallest group any figure may describe; a run may raise it, never lower it
STAFF_TYPES = ("teaching", "support", "leadership")
STAFF_TYPE_NAMES = {"teaching": "Teaching staff", "support": "Support staff", "leadership": "Leaders"}


class RunStatus(str, enum.Enum):
    DRAFT = "draft"          # HR is still building it; editable
    SCHEDULED = "scheduled"  # fixed; the daily job opens it on opens_on
    OPEN = "open"            # invitations sent, answers accepted
    CLOSED = "closed"        # no more answers; results worked out and published


class InvitationStatus(str, enum.Enum):
    INVITED = "invited"
    SUBMITTED = "submitted"


# Length of service is stored only as one of these bands, worked out when the invitation is made.
SERVICE_BANDS = (("under_2_years", 0, 2), ("2_to_5_years", 2, 5), ("5_to_10_years", 5, 10), ("10_years_plus", 10, None))
SERVICE_BAND_NAMES = {"under_2_years": "Under 2 years", "2_to_5_years": "2 to 5 years", "5_to_10_years": "5 to 10 years",
                      "10_years_plus": "10 years or more"}


def in_words(day: date) -> str:
    """A date as people write it: 27 December 2026."""
    return f"{day.day} {day:%B %Y}"


def staff_types_named(label: str) -> str:
    """A published staff-type group ("support+leadership") in words: "Support staff and leaders"."""
    names = [STAFF_TYPE_NAMES.get(t, t) for t in label.split("+")]
    return " and ".join([names[0], *(n.lower() for n in names[1:])])


def bands_named(label: str) -> str:
    """A published length-of-service range ("under_2_years+2_to_5_years") in words: "Under 5 years"."""
    parts = label.split("+")
    if len(parts) == 1:
        return SERVICE_BAND_NAMES.get(label, label)
    bounds = {name: (low, high) for name, low, high in SERVICE_BANDS}
    low, high = bounds[parts[0]][0], bounds[parts[-1]][1]
    if low == 0:
        return f"Under {high} years"
    return f"{low} years or more" if high is None else f"{low} to {high} years"


def service_band(start_date: date, on: date) -> str:
    years = on.year - start_date.year - ((on.month, on.day) < (start_date.month, start_date.day))
    for name, low, high in SERVICE_BANDS:
        if years >= low and (high is None or years < high):
            return name
    return SERVICE_BANDS[0][0]  # a start date after the survey opens (a joiner announced early)


class RunError(ValueError):
    """A step the run's status does not allow, or dates that make no sense (`field`: the setting at fault)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class SurveyRun:
    def __init__(self, *, title: str, instruments: list[str], questions: list[dict], academy_ids: list[uuid.UUID],
                 staff_types: list[str], opens_on: date, closes_on: date, min_group_size: int, outcome: str,
                 owner_academy_id: uuid.UUID | None, created_by: str, id: uuid.UUID | None = None):
        self.id = id or uuid.uuid4()
        self.title = title
        self.instruments = list(instruments)
        self.questions = list(questions)
        self.academy_ids = [str(a) for a in academy_ids]  # empty: every academy (in the owner's reach)
        self.staff_types = list(staff_types)              # empty: every staff type
        self.opens_on = opens_on
        self.closes_on = closes_on
        self.min_group_size = min_group_size
        self.outcome = outcome
        self.owner_academy_id = owner_academy_id  # None: a trust-wide run, trust HR's
        self.created_by = created_by
        self.status = RunStatus.DRAFT
        self.invited = 0
        self.answered = 0   # ballots in the box when the run closed
        self.set_aside = 0  # of those, how many the database could not hold (counted by nobody, said so to HR)
        self.closed_at: datetime | None = None  # when it closed (early, or after closes_on), for ordering runs
        self.reminded_on: date | None = None
        self.check()

    def check(self) -> None:
        if self.closes_on <= self.opens_on:
            raise RunError("closes_on must be after opens_on", "closes_on")
        if self.min_group_size < MIN_GROUP_SIZE:
            raise RunError(f"min_group_size can be raised from {MIN_GROUP_SIZE}, never lowered", "min_group_size")
        unknown = sorted(set(self.staff_types) - set(STAFF_TYPES))
        if unknown:
            raise RunError(f"unknown staff types: {', '.join(unknown)}", "staff_types")
        if self.owner_academy_id is not None and self.academy_ids != [str(self.owner_academy_id)]:
            raise RunError("an academy's survey covers that academy only", "academy_ids")

    def questionnaire(self) -> Questionnaire:
        """The questions this run asks: its instruments', then its own."""
        parts = [INSTRUMENTS[key] for key in self.instruments]
        if self.questions:
            parts.append(custom_instrument(self.questions))
        return Questionnaire(parts)

    @property
    def academy_uuids(self) -> list[uuid.UUID]:
        return [uuid.UUID(a) for a in self.academy_ids]

    def in_scope(self, academy_id: uuid.UUID, staff_type: str) -> bool:
        return ((not self.academy_ids or str(academy_id) in self.academy_ids)
                and (not self.staff_types or staff_type in self.staff_types))

    def edit(self, **changes) -> None:
        if self.status is not RunStatus.DRAFT:
            raise RunError(f"a {self.status.value} run cannot be changed")
        for name, value in changes.items():
            setattr(self, name, [str(a) for a in value] if name == "academy_ids" else value)
        self.check()

    def schedule(self, today: date) -> None:
        if self.status is not RunStatus.DRAFT:
            raise RunError(f"a {self.status.value} run cannot be scheduled")
        if self.closes_on <= today:
            raise RunError("closes_on has passed; set new dates first", "closes_on")
        self.status = RunStatus.SCHEDULED

    def due_to_open(self, today: date) -> bool:
        return self.status is RunStatus.SCHEDULED and self.opens_on <= today

    def open(self, invited: int) -> None:
        if self.status is not RunStatus.SCHEDULED:
            raise RunError(f"a {self.status.value} run cannot open")
        self.status = RunStatus.OPEN
        self.invited = invited

    def accepting(self, today: date) -> bool:
        return self.status is RunStatus.OPEN and today <= self.closes_on

    def due_to_close(self, today: date) -> bool:
        return self.status is RunStatus.OPEN and today > self.closes_on

    def close(self, *, answered: int, set_aside: int = 0, at: datetime) -> None:
        if self.status is not RunStatus.OPEN:
            raise RunError(f"a {self.status.value} run cannot close")
        self.status = RunStatus.CLOSED
        self.answered = answered
        self.set_aside = set_aside
        self.closed_at = at

    @property
    def counted(self) -> int:
        """Answers in the results: none at all when fewer than the minimum group could be counted."""
        counted = self.answered - self.set_aside
        return counted if counted >= self.min_group_size else 0

    def due_reminder(self, today: date, days_before: int) -> bool:
        """The one 'closing soon' reminder, `days_before` the close (or at once, if it opened later than that)."""
        return (self.status is RunStatus.OPEN and self.reminded_on is None
                and (self.closes_on - today).days <= days_before and today <= self.closes_on)


@dataclass
class Invitation:
    """Who was asked, and whether they have answered: never what. The token itself is never stored."""

    run_id: uuid.UUID
    staff_id: uuid.UUID
    token_hash: str
    academy_id: uuid.UUID
    staff_type: str
    service_band: str
    status: InvitationStatus = InvitationStatus.INVITED
