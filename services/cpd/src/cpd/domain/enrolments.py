"""Enrolments: a request for a place, its approvals, the waiting list and allocation, attendance and completion."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from staffroom_shared.domain import Aggregate
from staffroom_shared.money import pounds  # as the portal writes money (it was "£2450.00", outsider 5)

from .catalogue import Cohort, Policy, Programme
from .errors import CpdError, IllegalTransition, NotAllowed
from .events import (
    EnrolmentApproved, EnrolmentDeclined, EnrolmentRequested, JoinedWaitingList, PlaceConfirmed, ProgrammeCompleted,
)
from .values import PENNY, Approval, Person, in_words


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

    @property
    def words(self) -> str:
        """Where the enrolment is, as a refusal tells a person (never the stored value, outsider, issue 24)."""
        return STATUS_WORDS[self]


STATUS_WORDS = {EnrolmentStatus.REQUESTED: "waiting for the line manager's approval",
                EnrolmentStatus.AWAITING_HR: "waiting for HR's approval",
                EnrolmentStatus.AWAITING_AGREEMENT: "waiting for its training agreement to be signed",
                EnrolmentStatus.WAITING: "on the waiting list", EnrolmentStatus.CONFIRMED: "confirmed",
                EnrolmentStatus.COMPLETED: "completed",
                EnrolmentStatus.DID_NOT_COMPLETE: "finished without being completed",
                EnrolmentStatus.DECLINED: "declined", EnrolmentStatus.WITHDRAWN: "withdrawn"}


OPEN_REQUEST = (EnrolmentStatus.REQUESTED, EnrolmentStatus.AWAITING_HR, EnrolmentStatus.AWAITING_AGREEMENT,
                EnrolmentStatus.WAITING, EnrolmentStatus.CONFIRMED)


# Said to someone approving a request that is past approval, in the words of where it is now.
DECIDED = {EnrolmentStatus.AWAITING_AGREEMENT: "approved, and waiting for its training agreement to be signed",
           EnrolmentStatus.WAITING: "approved, and on the waiting list", EnrolmentStatus.CONFIRMED: "approved, with a place",
           EnrolmentStatus.DID_NOT_COMPLETE: "finished without being completed"}


@dataclass(eq=False)
class Enrolment(Aggregate):
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

    @classmethod
    def request(cls, *, cohort: Cohort, programme: Programme, who: Person, policy: Policy, on: date,
                reason: str) -> "Enrolment":
        """A member of staff asks for a place on a cohort of a programme still offered, before the cohort ends.
        A programme that needs no approval (a free internal session) is approved at once."""
        programme.must_be_offered()
        cohort.must_not_have_ended(on)
        e = cls(cohort_id=cohort.id, programme_id=programme.id, staff_id=who.staff_id, academy_id=who.academy_id,
                cost=programme.cost, requested_on=on, reason=reason)
        e.record(EnrolmentRequested(**e.about(programme), line_manager_id=who.line_manager_id,
                                    needs_hr_approval=programme.requires_approval and e.needs_hr(policy)))
        if not programme.requires_approval:
            e.approve_without_asking(policy, programme=programme)
        return e

    def about(self, programme: Programme | None) -> dict:
        """What every event about this enrolment says (AboutAnEnrolment)."""
        return {"enrolment_id": self.id, "staff_id": self.staff_id, "academy_id": self.academy_id,
                "programme_id": self.programme_id, "programme_title": programme.title if programme else None,
                "cohort_id": self.cohort_id, "cost": self.cost}

    def _needs(self, *statuses: EnrolmentStatus, to: str, wanted: str | None = None) -> None:
        if self.status not in statuses:
            wanted = wanted or " or ".join(s.words for s in statuses)
            raise IllegalTransition(f"to {to}, an enrolment must be {wanted}; this one is "
                                    f"{EnrolmentStatus(self.status).words}")

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

    def approve(self, by: uuid.UUID | None, *, as_manager: bool, as_hr: bool, has_manager: bool, on: date,
                policy: Policy) -> Approval:
        """The line manager approves first; above the approval threshold HR approves next. HR stands in for the
        line manager only for someone who has none on record. Announced by `approval_settled` once any place
        it frees up is given."""
        if self.status == EnrolmentStatus.AWAITING_HR:
            if not as_hr and as_manager:  # approved again, from a page open from before: say so
                raise IllegalTransition(
                    "you have approved this request already; HR for the academy approves it next, as "
                    f"the cost ({pounds(self.cost)}) is over {pounds(policy.approval_threshold)}")
            if not as_hr:
                raise NotAllowed(f"the line manager has approved; HR for the academy approves next, as the cost "
                                 f"({pounds(self.cost)}) is over {pounds(policy.approval_threshold)}")
            self.approve_as_hr(by, on, policy)
            return Approval(self.id, by, "hr")
        if self.status != EnrolmentStatus.REQUESTED:  # approved already, or decided: say so, not who approves first
            raise IllegalTransition(f"this request is not waiting for approval: it is "
                                    f"{DECIDED.get(self.status, self.status.words)}")
        if not (as_manager or (as_hr and not has_manager)):
            raise NotAllowed("the line manager approves a CPD request first")
        self.approve_as_manager(by, on, policy)
        return Approval(self.id, by, "line_manager")

    def approval_settled(self, approval: Approval, programme: Programme | None = None) -> None:
        """Announce an approval once the places it led to are given: its status says where the approval left the
        enrolment (a place, or the waiting list), not the moment between (a member of staff was told "you are on
        the waiting list", then "your place is confirmed")."""
        self.record(EnrolmentApproved(**self.about(programme), approved_by=approval.approved_by, stage=approval.stage,
                                      status=self.status.value))

    def approve_without_asking(self, policy: Policy, *, programme: Programme | None = None) -> EnrolmentStatus:
        """Programmes that need no approval (free internal sessions) go straight to a place."""
        self._needs(EnrolmentStatus.REQUESTED, to="be booked")
        self.status = self._after_approval(policy)
        self.record(EnrolmentApproved(**self.about(programme), approved_by=None, stage="automatic",
                                      status=self.status.value))
        return self.status

    def _after_approval(self, policy: Policy) -> EnrolmentStatus:
        # A place is only allocated once nothing else stands in the way (see Cohort allocation).
        return EnrolmentStatus.AWAITING_AGREEMENT if self.needs_agreement(policy) else EnrolmentStatus.WAITING

    def agreement_signed(self) -> None:
        self._needs(EnrolmentStatus.AWAITING_AGREEMENT, to="sign its training agreement")
        self.status = EnrolmentStatus.WAITING

    def decline(self, on: date, note: str, *, by: uuid.UUID | None = None, as_hr: bool = True,
                programme: Programme | None = None) -> None:
        """The line manager declines at their stage; HR (the budget holder) at either."""
        if not as_hr and self.status == EnrolmentStatus.AWAITING_HR:
            raise NotAllowed("the line manager has already approved; HR for the academy decides now")
        self._needs(EnrolmentStatus.REQUESTED, EnrolmentStatus.AWAITING_HR, to="be declined")
        self.status, self.decided_on, self.decision_note = EnrolmentStatus.DECLINED, on, note
        self.record(EnrolmentDeclined(**self.about(programme), declined_by=by, note=note))

    def withdraw(self, note: str | None = None) -> bool:
        """True if this gave up a confirmed place (so the waiting list moves)."""
        self._needs(*OPEN_REQUEST, to="be withdrawn", wanted="still open (waiting for approval, on the waiting list "
                                                             "or with a place)")
        had_place = self.status == EnrolmentStatus.CONFIRMED
        self.status, self.decision_note, self.waiting_since = EnrolmentStatus.WITHDRAWN, note, None
        return had_place

    def record_attendance(self, percent: int) -> None:
        self._needs(EnrolmentStatus.CONFIRMED, to="record attendance")
        if not 0 <= percent <= 100:
            raise CpdError(f"attendance is a percentage from 0 to 100 (got {percent})")
        self.attendance_percent = percent

    def complete(self, on: date, completed: bool = True, *, programme: Programme | None = None,
                 cohort: Cohort | None = None, today: date | None = None) -> None:
        self._needs(EnrolmentStatus.CONFIRMED, to="be marked complete")
        if cohort is not None and on < cohort.starts_on:
            raise CpdError(f"a programme cannot be finished ({in_words(on)}) before its cohort starts "
                           f"({in_words(cohort.starts_on)}); check the date")
        if today is not None and on > today:
            raise CpdError(f"a programme cannot be finished in the future ({in_words(on)}); record it on the day or after")
        self.status = EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.DID_NOT_COMPLETE
        self.completed_on = on
        if completed:
            self.record(ProgrammeCompleted(
                enrolment_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id, programme_id=self.programme_id,
                programme_title=programme.title if programme else None,
                category=programme.kind.value if programme else None,
                appraisal_training=bool(programme and programme.appraisal_training), completed_on=on))

    def evaluate(self, by: uuid.UUID, rating: int, notes: str) -> None:
        self._needs(EnrolmentStatus.COMPLETED, EnrolmentStatus.DID_NOT_COMPLETE, to="be evaluated")
        if by != self.staff_id:
            raise NotAllowed("the participant evaluates the impact of their own CPD")
        if not 1 <= rating <= 5:
            raise CpdError(f"impact is rated from 1 (none) to 5 (transformative) (got {rating})")
        self.impact_rating, self.impact_notes = rating, notes


def allocate(cohort: Cohort, enrolments: list[Enrolment], next_in_line: int, *, programme: Programme | None = None,
             waiting_before: int = 0, approval: Approval | None = None) -> list[Enrolment]:
    """Give free places to those waiting, in order; returns the enrolments newly confirmed.

    `enrolments` are all of the cohort's enrolments (read under a lock on the cohort), so two requests
    can never both take the last place. `next_in_line` numbers anyone newly joining the waiting list.
    Each place given is recorded (PlaceConfirmed: the one `approval` has just made a newcomer says who approved it,
    so the person hears of both in one message, outsider, issue 20), then each newcomer left waiting
    (JoinedWaitingList), with their position behind the `waiting_before` already numbered on the list.
    """
    newcomers = [e for e in enrolments if e.status == EnrolmentStatus.WAITING and e.waiting_since is None]
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
    for e in confirmed:
        e.record(PlaceConfirmed(
            **e.about(programme), starts_on=cohort.starts_on, from_waiting_list=e not in newcomers,
            programme_kind=programme.kind.value if programme else None,
            programme_hours=programme.hours if programme else None,
            approval=approval if approval is not None and approval.enrolment_id == e.id else None))
    # Confirmed places go strictly in order, so everyone numbered before a newcomer still waiting either still
    # waits or has just been given one of these places.
    for number, e in enumerate(newcomers, start=1):
        if e.status == EnrolmentStatus.WAITING:
            e.record(JoinedWaitingList(**e.about(programme), position=waiting_before + number - len(confirmed)))
    return confirmed

