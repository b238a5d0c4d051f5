"""National professional qualifications (issue 25): who is taking which NPQ, with which lead provider, how it is paid
for, in which cohort, and how it ended. A passed leadership NPQ puts its holder among the trust's future leaders.

The facts are DfE's, as its NPQ registration service models them (DFE-Digital/npq-registration: the ten NPQs and
their short codes, the leadership and specialist course groups, the lead provider's acceptance or rejection of an
application, the training status active, deferred or withdrawn, and the participant outcome passed or failed with a
completion date never in the future) and as DfE's guidance "Funding for national professional qualifications
(NPQs)" (gov.uk, February 2025) gives them: scholarship funding is DfE's to decide when a person registers; without
it the school, the trust or the person pays. docs/cpd.md cites each rule.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from staffroom_shared.domain import Aggregate, DomainEvent

from .errors import CpdError, IllegalTransition
from .values import add_months, in_words


class Group(StrEnum):
    LEADERSHIP = "leadership"
    SPECIALIST = "specialist"


@dataclass(frozen=True)
class Course:
    short_code: str
    name: str  # as DfE names it, after "NPQ for"
    group: Group
    months: int  # how long the course usually runs (providers' published lengths: 12 or 18 months)


COURSES = {course.short_code: course for course in (
    Course("NPQLT", "Leading Teaching", Group.SPECIALIST, 12),
    Course("NPQLTD", "Leading Teacher Development", Group.SPECIALIST, 12),
    Course("NPQLBC", "Leading Behaviour and Culture", Group.SPECIALIST, 12),
    Course("NPQLL", "Leading Literacy", Group.SPECIALIST, 12),
    Course("NPQLPM", "Leading Primary Mathematics", Group.SPECIALIST, 12),
    Course("NPQSENCO", "Special Educational Needs Co-ordinators", Group.LEADERSHIP, 18),
    Course("NPQSL", "Senior Leadership", Group.LEADERSHIP, 18),
    Course("NPQH", "Headship", Group.LEADERSHIP, 18),
    Course("NPQEL", "Executive Leadership", Group.LEADERSHIP, 18),
    Course("NPQEYL", "Early Years Leadership", Group.LEADERSHIP, 18),
)}


class Funding(StrEnum):
    AWAITING = "awaiting"  # registered: DfE says whether a scholarship is given
    SCHOLARSHIP = "scholarship"  # DfE pays the course fees
    ACADEMY = "academy"
    TRUST = "trust"
    SELF = "self"


class Approval(StrEnum):
    """The lead provider's answer to the application (DfE: lead_provider_approval_status)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Training(StrEnum):
    ACTIVE = "active"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"


STATUSES = ("awaiting", "rejected", "active", "deferred", "withdrawn", "passed", "failed")


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


def cohort_name(starts_on: date) -> str:
    """The cohort as providers name it: the term it starts in and the year ("Autumn 2026", "Spring 2027")."""
    term = "Spring" if starts_on.month <= 4 else "Summer" if starts_on.month <= 8 else "Autumn"
    return f"{term} {starts_on.year}"


@dataclass(frozen=True)
class NpqCompleted(DomainEvent):
    """A place ended with an outcome. A passed leadership NPQ puts its holder among the future leaders."""

    place_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    short_code: str
    outcome: Outcome
    completed_on: date
    leadership: bool


@dataclass(eq=False)
class NpqPlace(Aggregate):
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    short_code: str
    lead_provider: str
    cohort_starts_on: date
    funding: Funding
    registered_on: date
    approval: Approval = Approval.PENDING
    training: Training = Training.ACTIVE
    outcome: Outcome | None = None
    completed_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.funding, self.approval, self.training = (Funding(self.funding), Approval(self.approval),
                                                      Training(self.training))
        self.outcome = Outcome(self.outcome) if self.outcome else None
        if self.short_code not in COURSES:
            raise CpdError(f"there is no NPQ called {self.short_code}: choose one of "
                           + ", ".join(f"{c.short_code} ({c.name})" for c in COURSES.values()))

    @property
    def course(self) -> Course:
        return COURSES[self.short_code]

    @property
    def expected_end(self) -> date:
        """When the course usually ends: its length from the cohort's start, to the day (a cohort that started on 9
        October 2026 ends a 12-month course on 9 October 2027, not on 1 October)."""
        return add_months(self.cohort_starts_on, self.course.months)

    @property
    def status(self) -> str:
        """Where the place is, in one word: awaiting (the provider), rejected, active, deferred, withdrawn, passed or
        failed."""
        if self.outcome is not None:
            return self.outcome.value
        if self.approval != Approval.ACCEPTED:
            return "awaiting" if self.approval == Approval.PENDING else "rejected"
        return self.training.value

    @property
    def open(self) -> bool:
        """Still being taken, or waiting for the lead provider: not rejected, withdrawn or ended."""
        return (self.approval != Approval.REJECTED and self.training != Training.WITHDRAWN
                and self.outcome is None)

    @classmethod
    def register(cls, *, others: list["NpqPlace"], today: date, **data) -> "NpqPlace":
        """A place on an NPQ, awaiting the lead provider. Not one the person is taking already, or has passed (DfE
        funds an NPQ once: npq-registration's previously_funded; nobody takes a qualification they hold)."""
        place = cls(registered_on=today, **data)
        for other in others:
            if other.staff_id == place.staff_id and other.short_code == place.short_code:
                if other.open:
                    raise IllegalTransition(f"they already have a place on the NPQ for {place.course.name} "
                                            f"({cohort_name(other.cohort_starts_on)} cohort)")
                if other.outcome == Outcome.PASSED:
                    raise IllegalTransition(f"they passed the NPQ for {place.course.name} on "
                                            f"{in_words(other.completed_on)}")
        return place

    def answer(self, accepted: bool) -> None:
        """The lead provider accepted or rejected the application (recorded by HR)."""
        if self.approval != Approval.PENDING:
            raise IllegalTransition(f"the lead provider has already {self.approval.value} this application")
        self.approval = Approval.ACCEPTED if accepted else Approval.REJECTED

    def set_funding(self, funding: Funding) -> None:
        """DfE's decision on a scholarship, or who pays instead; fixed once the place has ended."""
        if self.outcome is not None:
            raise IllegalTransition("the place has ended: its funding is part of its record")
        self.funding = Funding(funding)

    def _taking(self, doing: str) -> None:
        if self.approval != Approval.ACCEPTED:
            raise IllegalTransition(f"to {doing}, the lead provider must first accept the application; "
                                    + ("it was rejected" if self.approval == Approval.REJECTED
                                       else "it is still waiting for their answer"))
        if self.outcome is not None:
            raise IllegalTransition(f"the place has already ended: {self.outcome.value} on {in_words(self.completed_on)}")

    def defer(self) -> None:
        self._taking("defer the place")
        if self.training != Training.ACTIVE:
            raise IllegalTransition(f"the place is {self.training.value}, not being taken")
        self.training = Training.DEFERRED

    def resume(self) -> None:
        self._taking("resume the place")
        if self.training != Training.DEFERRED:
            raise IllegalTransition(f"the place is {self.training.value}, not deferred")
        self.training = Training.ACTIVE

    def withdraw(self) -> None:
        self._taking("withdraw from the place")
        if self.training == Training.WITHDRAWN:
            raise IllegalTransition("they have already withdrawn")
        self.training = Training.WITHDRAWN

    def complete(self, outcome: Outcome, on: date, today: date) -> None:
        """The outcome, on the day the provider gave it: never in the future, nor before the cohort started (DfE:
        participant outcomes' completion_date_not_in_the_future; issue 24: a completion dated before its cohort
        started was accepted). A passed leadership NPQ is announced for the future leaders (NpqCompleted)."""
        self._taking("record the outcome")
        if self.training != Training.ACTIVE:
            raise IllegalTransition(f"the place is {self.training.value}: resume it before recording the outcome")
        if on > today:
            raise CpdError(f"the outcome is dated {in_words(on)}, which has not happened yet: give the day the "
                           "lead provider gave it")
        if on < self.cohort_starts_on:
            raise CpdError(f"the outcome is dated {in_words(on)}, before the {cohort_name(self.cohort_starts_on)} "
                           f"cohort started on {in_words(self.cohort_starts_on)}")
        self.outcome, self.completed_on = Outcome(outcome), on
        self.record(NpqCompleted(place_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id,
                                 short_code=self.short_code, outcome=self.outcome, completed_on=on,
                                 leadership=self.course.group == Group.LEADERSHIP))
