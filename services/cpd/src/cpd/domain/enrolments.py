"""Enrolments: a request for a place, its approvals, the waiting list and allocation, attendance and completion."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .catalogue import Cohort, Policy
from .errors import CpdError, IllegalTransition, NotAllowed
from .values import PENNY


class EnrolmentStatus(StrEnum):
    REQUESTED = "requested"  # waiting for the line manager
    AWAITING_HR = "awaiting_hr"  # over the cost threshold: HR or the budget holder approves too
    AWAITING_AGREEMENT = "awaiting_agreement"  # approved; a training agreement must be signed first
    WAITING = "waiting"  # approved, on the cohort's waiting list
    CONFIRMED = "confirmed"  # has a place
    COMPLETED = "completed"
    DID_NOT_COMPLETE = "did_not_complete"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


OPEN_REQUEST = (EnrolmentStatus.REQUESTED, EnrolmentStatus.AWAITING_HR, EnrolmentStatus.AWAITING_AGREEMENT,
                EnrolmentStatus.WAITING, EnrolmentStatus.CONFIRMED)


@dataclass(eq=False)
class Enrolment:
    cohort_id: uuid.UUID
    programme_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    cost: Decimal
    requested_on: date
    reason: str = ""
    status: EnrolmentStatus = EnrolmentStatus.REQUESTED
    manager_approved_by: uuid.UUID | None = None
    hr_approved_by: uuid.UUID | None = None
    decided_on: date | None = None
    decision_note: str | None = None
    waiting_since: int | None = None  # order on the waiting list (a sequence, not a time: no ties)
    attendance_percent: int | None = None
    completed_on: date | None = None
    impact_rating: int | None = None  # the participant's evaluation afterwards, 1-5
    impact_notes: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.status = EnrolmentStatus(self.status)
        self.cost = Decimal(self.cost).quantize(PENNY)

    def _needs(self, *statuses: EnrolmentStatus, to: str) -> None:
        if self.status not in statuses:
            wanted = " or ".join(f"'{s.label}'" for s in statuses)
            raise IllegalTransition(f"to {to} the enrolment must be {wanted} (enrolment {self.id} is "
                                    f"'{EnrolmentStatus(self.status).label}')")

    def needs_hr(self, policy: Policy) -> bool:
        return self.cost > policy.approval_threshold

    def needs_agreement(self, policy: Policy) -> bool:
        return self.cost >= policy.agreement_threshold and self.cost > 0

    def approve_as_manager(self, by: uuid.UUID, on: date, policy: Policy) -> EnrolmentStatus:
        self._needs(EnrolmentStatus.REQUESTED, to="be approved by the line manager")
        if by == self.staff_id:
            raise NotAllowed("nobody approves their own CPD request")
        self.manager_approved_by, self.decided_on = by, on
        self.status = EnrolmentStatus.AWAITING_HR if self.needs_hr(policy) else self._after_approval(policy)
        return self.status

    def approve_as_hr(self, by: uuid.UUID | None, on: date, policy: Policy) -> EnrolmentStatus:
        self._needs(EnrolmentStatus.AWAITING_HR, to="be approved by HR")
        if by is not None and by == self.staff_id:
            raise NotAllowed("nobody approves their own CPD request")
        self.hr_approved_by, self.decided_on = by, on
        self.status = self._after_approval(policy)
        return self.status

    def approve_without_asking(self, policy: Policy) -> EnrolmentStatus:
        """Programmes that need no approval (free internal sessions) go straight to a place."""
        self._needs(EnrolmentStatus.REQUESTED, to="be booked")
        self.status = self._after_approval(policy)
        return self.status

    def _after_approval(self, policy: Policy) -> EnrolmentStatus:
        # A place is only allocated once nothing else stands in the way (see Cohort allocation).
        return EnrolmentStatus.AWAITING_AGREEMENT if self.needs_agreement(policy) else EnrolmentStatus.WAITING

    def agreement_signed(self) -> None:
        self._needs(EnrolmentStatus.AWAITING_AGREEMENT, to="sign its training agreement")
        self.status = EnrolmentStatus.WAITING

    def decline(self, on: date, note: str) -> None:
        self._needs(EnrolmentStatus.REQUESTED, EnrolmentStatus.AWAITING_HR, to="be declined")
        self.status, self.decided_on, self.decision_note = EnrolmentStatus.DECLINED, on, note

    def withdraw(self, note: str | None = None) -> bool:
        """True if this gave up a confirmed place (so the waiting list moves)."""
        self._needs(*OPEN_REQUEST, to="be withdrawn")
        had_place = self.status == EnrolmentStatus.CONFIRMED
        self.status, self.decision_note, self.waiting_since = EnrolmentStatus.WITHDRAWN, note, None
        return had_place

    def record_attendance(self, percent: int) -> None:
        self._needs(EnrolmentStatus.CONFIRMED, to="record attendance")
        if not 0 <= percent <= 100:
            raise CpdError(f"attendance is a percentage from 0 to 100 (got {percent})")
        self.attendance_percent = percent

    def complete(self, on: date, completed: bool = True) -> None:
        self._needs(EnrolmentStatus.CONFIRMED, to="be marked complete")
        self.status = EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.DID_NOT_COMPLETE
        self.completed_on = on

    def evaluate(self, by: uuid.UUID, rating: int, notes: str) -> None:
        self._needs(EnrolmentStatus.COMPLETED, EnrolmentStatus.DID_NOT_COMPLETE, to="be evaluated")
        if by != self.staff_id:
            raise NotAllowed("the participant evaluates the impact of their own CPD")
        if not 1 <= rating <= 5:
            raise CpdError(f"impact is rated from 1 (none) to 5 (transformative) (got {rating})")
        self.impact_rating, self.impact_notes = rating, notes


def allocate(cohort: Cohort, enrolments: list[Enrolment], next_in_line: int) -> list[Enrolment]:
    """Give free places to those waiting, in order; returns the enrolments newly confirmed.

    `enrolments` are all of the cohort's enrolments (read under a lock on the cohort), so two requests
    can never both take the last place. `next_in_line` numbers anyone newly joining the waiting list.
    """
    taken = sum(1 for e in enrolments if e.status == EnrolmentStatus.CONFIRMED)
    waiting = [e for e in enrolments if e.status == EnrolmentStatus.WAITING]
    for e in waiting:
        if e.waiting_since is None:
            e.waiting_since, next_in_line = next_in_line, next_in_line + 1
    confirmed = []
    for e in sorted(waiting, key=lambda e: e.waiting_since):
        if taken >= cohort.capacity:
            break
        e.status, e.waiting_since, taken = EnrolmentStatus.CONFIRMED, None, taken + 1
        confirmed.append(e)
    return confirmed

