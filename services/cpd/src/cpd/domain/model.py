"""CPD: the catalogue, cohorts and their waiting lists, enrolments and approvals, training agreements."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

PENNY = Decimal("0.01")


def in_words(day: date) -> str:
    """A date as a refusal shows it to the person who typed it: 1 March 2027."""
    return f"{day.day} {day:%B %Y}"


class CpdError(Exception):
    """A rule was broken; the message says what and how to put it right."""


class IllegalTransition(CpdError):
    """The enrolment (or plan item, nomination, secondment) is not at the stage this step needs (HTTP 409)."""


class NotAllowed(CpdError):
    """The step is valid, but not for this person (HTTP 403)."""


class ProgrammeKind(StrEnum):
    INTERNAL_COURSE = "internal_course"
    EXTERNAL_COURSE = "external_course"
    NPQ = "npq"
    ECT_INDUCTION = "ect_induction"  # the two-year early career induction for new teachers
    STAFF_INDUCTION = "staff_induction"  # the trust's induction for every new starter
    MIDDLE_LEADERSHIP = "middle_leadership"
    APPRAISAL_TRAINING = "appraisal_training"  # line managers, before they run appraisals
    APPRENTICESHIP = "apprenticeship"


NPQS = {
    "NPQLT": "Leading Teaching", "NPQLBC": "Leading Behaviour and Culture",
    "NPQLPM": "Leading Primary Mathematics", "NPQLTD": "Leading Teacher Development",
    "NPQLL": "Leading Literacy", "NPQSENCO": "Special Educational Needs Co-ordinators",
    "NPQSL": "Senior Leadership", "NPQH": "Headship", "NPQEL": "Executive Leadership",
    "NPQEYL": "Early Years Leadership",
}
APPRENTICESHIP_OFF_THE_JOB_MINIMUM = 20  # percent of paid hours, the apprenticeship funding rules' minimum


class DeliveryMode(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    BLENDED = "blended"


@dataclass(eq=False)
class Programme:
    title: str
    kind: ProgrammeKind
    provider: str
    delivery_mode: DeliveryMode
    cost: Decimal  # per place
    academy_id: uuid.UUID | None = None  # None: offered trust-wide
    description: str = ""
    duration: str = ""  # as providers write it: "18 months", "3 twilight sessions"
    tags: list[str] = field(default_factory=list)
    npq: str | None = None
    levy_funded: bool = False
    off_the_job_percent: int | None = None
    requires_approval: bool = True  # free internal sessions can be booked straight away
    active: bool = True
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind, self.delivery_mode = ProgrammeKind(self.kind), DeliveryMode(self.delivery_mode)
        self.cost = Decimal(self.cost).quantize(PENNY)
        self.check()

    def check(self) -> None:
        if self.cost < 0:
            raise CpdError("a programme's cost cannot be negative")
        if self.kind == ProgrammeKind.NPQ and self.npq not in NPQS:
            raise CpdError(f"an NPQ names which one: {', '.join(NPQS)}")
        if self.kind != ProgrammeKind.NPQ and self.npq is not None:
            raise CpdError("only an NPQ programme names an NPQ")
        if self.kind == ProgrammeKind.APPRENTICESHIP:
            if self.off_the_job_percent is None or self.off_the_job_percent < APPRENTICESHIP_OFF_THE_JOB_MINIMUM:
                got = "" if self.off_the_job_percent is None else f" (got {self.off_the_job_percent}%)"
                raise CpdError(f"an apprenticeship records its off-the-job training time, at least "
                               f"{APPRENTICESHIP_OFF_THE_JOB_MINIMUM}% of paid hours{got}")
        elif self.levy_funded or self.off_the_job_percent is not None:
            raise CpdError("levy funding and off-the-job time apply to apprenticeships only")

    @property
    def appraisal_training(self) -> bool:
        return self.kind == ProgrammeKind.APPRAISAL_TRAINING

    def available_to(self, academy_id: uuid.UUID | None) -> bool:
        return self.active and (self.academy_id is None or self.academy_id == academy_id)


@dataclass(eq=False)
class Cohort:
    programme_id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    location: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise CpdError(f"a cohort has at least one place (got {self.capacity})")
        if self.ends_on < self.starts_on:
            raise CpdError(f"the cohort ends ({in_words(self.ends_on)}) before it starts ({in_words(self.starts_on)})")


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


@dataclass(frozen=True)
class Policy:
    """The trust's CPD settings."""

    approval_threshold: Decimal = Decimal("500.00")  # above this, HR/budget holder approves after the manager
    agreement_threshold: Decimal = Decimal("1000.00")  # at or above this, a training agreement is needed
    # (months after completion, percent repayable if leaving within them), shortest first
    repayment_schedule: tuple[tuple[int, int], ...] = ((12, 100), (24, 50))


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


# -- training agreements and clawback --------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(eq=False)
class TrainingAgreement:
    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    cost: Decimal
    schedule: list[list[int]]  # [[months, percent], ...], shortest first, percents falling
    signed_on: date | None = None
    clawback_amount: Decimal | None = None
    clawback_computed_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.cost = Decimal(self.cost).quantize(PENNY)
        check_schedule(self.schedule)

    def sign(self, by: uuid.UUID, on: date) -> None:
        if self.signed_on is not None:
            raise IllegalTransition(f"training agreement {self.id} was signed on {self.signed_on}")
        if by != self.staff_id:
            raise NotAllowed("only the participant signs their training agreement")
        self.signed_on = on

    def repayable(self, left_on: date, completed_on: date | None) -> Decimal:
        """What is owed if the participant leaves on `left_on`, by the schedule; never more than the cost.

        Leaving before completing (or before a completion date is known) owes the first band's share.
        "Within N months" includes the day N months after completion.
        """
        if self.signed_on is None or self.cost == 0:
            return Decimal("0.00")
        amount = (self.cost * Decimal(self.repayable_percent(left_on, completed_on)) / Decimal(100)).quantize(
            PENNY, rounding=ROUND_HALF_UP)
        return min(amount, self.cost)

    def repayable_percent(self, left_on: date, completed_on: date | None) -> int:
        """The schedule's percentage for leaving on `left_on` (0 unsigned or past the last band)."""
        if self.signed_on is None:
            return 0
        if completed_on is None or left_on < completed_on:
            return self.schedule[0][1]
        return next((p for months, p in self.schedule if left_on <= add_months(completed_on, months)), 0)


# The place was never taken up (or was given up for the next in line): the trust paid nothing for it.
_NO_PLACE_TAKEN = (EnrolmentStatus.AWAITING_AGREEMENT, EnrolmentStatus.WAITING, EnrolmentStatus.DECLINED,
                   EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REQUESTED, EnrolmentStatus.AWAITING_HR)


def clawback(agreement: TrainingAgreement, enrolment: Enrolment, left_on: date) -> tuple[int, Decimal]:
    """(percent, amount) owed under a signed agreement by a participant leaving on `left_on`.

    Still on the programme (a confirmed place) is leaving before completion: the first band. A programme
    finished without completing counts from the day it was marked so, as a completed one does.
    """
    if agreement.signed_on is None or enrolment.status in _NO_PLACE_TAKEN:
        return 0, Decimal("0.00")
    finished = enrolment.completed_on if enrolment.status in (
        EnrolmentStatus.COMPLETED, EnrolmentStatus.DID_NOT_COMPLETE) else None
    amount = agreement.repayable(left_on, finished)
    return (agreement.repayable_percent(left_on, finished) if amount else 0), amount


def check_schedule(schedule) -> None:
    if not schedule:
        raise CpdError("a repayment schedule has at least one band, e.g. [[12, 100], [24, 50]]")
    months = [m for m, _ in schedule]
    percents = [p for _, p in schedule]
    if months != sorted(set(months)) or months[0] < 1:
        raise CpdError("repayment bands must be in months after completion, shortest first, each longer")
    if any(not 0 <= p <= 100 for p in percents) or percents != sorted(percents, reverse=True):
        raise CpdError("repayment percentages run from 100 down to 0 and never rise")


# -- personal development plans ---------------------------------------------------------------

class PlanItemSource(StrEnum):
    INDUCTION = "induction"
    PROMOTION = "promotion"
    DEVELOPMENT_NEED = "development_need"  # from an appraisal review
    APPRAISAL_OBJECTIVE = "appraisal_objective"
    OWN_GOAL = "own_goal"
    ROLE = "role"  # the usual development for the person's staff type and post, suggested when they join


class PlanItemStatus(StrEnum):
    SUGGESTED = "suggested"  # proposed by the system; the person decides
    ACCEPTED = "accepted"
    DONE = "done"
    DISMISSED = "dismissed"


@dataclass(eq=False)
class PlanItem:
    plan_id: uuid.UUID
    title: str
    source: PlanItemSource
    status: PlanItemStatus = PlanItemStatus.SUGGESTED
    detail: str = ""
    programme_id: uuid.UUID | None = None  # a suggested programme: never an enrolment by itself
    appraisal_id: uuid.UUID | None = None
    objective_id: uuid.UUID | None = None
    development_need_id: uuid.UUID | None = None
    due_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.source, self.status = PlanItemSource(self.source), PlanItemStatus(self.status)

    def move_to(self, status: PlanItemStatus) -> None:
        allowed = {
            PlanItemStatus.SUGGESTED: {PlanItemStatus.ACCEPTED, PlanItemStatus.DISMISSED},
            PlanItemStatus.ACCEPTED: {PlanItemStatus.DONE, PlanItemStatus.DISMISSED},
            PlanItemStatus.DONE: set(), PlanItemStatus.DISMISSED: {PlanItemStatus.ACCEPTED},
        }
        status = PlanItemStatus(status)
        if status not in allowed[self.status]:
            raise IllegalTransition(f"a plan item that is '{self.status.value}' cannot become '{status.value}'")
        self.status = status


@dataclass(eq=False)
class DevelopmentPlan:
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    role: str  # the post the plan is for
    created_on: date
    created_because: str  # "joined", "promoted", "requested"
    items: list[PlanItem] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def suggest(self, item: PlanItem) -> PlanItem | None:
        """Add a suggestion unless the same development need (or programme for the same reason) is there."""
        for existing in self.items:
            same_need = item.development_need_id is not None and existing.development_need_id == item.development_need_id
            same_programme = (item.programme_id is not None and existing.programme_id == item.programme_id
                              and existing.source == item.source)
            if same_need or same_programme:
                return None
        item.plan_id = self.id
        self.items.append(item)
        return item


# -- future leaders ---------------------------------------------------------------------------

class NominationStatus(StrEnum):
    NOMINATED = "nominated"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(eq=False)
class Nomination:
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    nominated_by: uuid.UUID
    nominated_on: date
    reason: str
    status: NominationStatus = NominationStatus.NOMINATED
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.status = NominationStatus(self.status)
        if self.nominated_by == self.staff_id:
            raise NotAllowed("nobody nominates themselves as a future leader")

    def respond(self, by: uuid.UUID, accept: bool) -> None:
        if by != self.staff_id:
            raise NotAllowed("only the nominee accepts or declines a nomination")
        if self.status != NominationStatus.NOMINATED:
            raise IllegalTransition(f"this nomination was already {self.status.value}")
        self.status = NominationStatus.ACCEPTED if accept else NominationStatus.DECLINED


@dataclass(eq=False)
class Shadowing:
    nomination_id: uuid.UUID
    staff_id: uuid.UUID
    host_staff_id: uuid.UUID
    host_academy_id: uuid.UUID
    starts_on: date
    ends_on: date
    focus: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise CpdError("a shadowing placement ends after it starts")
        if self.host_staff_id == self.staff_id:
            raise CpdError("the host is someone other than the future leader")


class SecondmentStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    ENDED = "ended"
    CANCELLED = "cancelled"


@dataclass(eq=False)
class Secondment:
    nomination_id: uuid.UUID | None
    staff_id: uuid.UUID
    home_academy_id: uuid.UUID
    host_academy_id: uuid.UUID
    post: str
    starts_on: date
    ends_on: date  # fixed term
    substantive_post_kept: bool = True
    recharge_amount: Decimal = Decimal("0.00")  # what the host academy pays the home academy
    status: SecondmentStatus = SecondmentStatus.PLANNED
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.status = SecondmentStatus(self.status)
        self.recharge_amount = Decimal(self.recharge_amount).quantize(PENNY)
        if self.ends_on <= self.starts_on:
            raise CpdError("a secondment is for a fixed term: it ends after it starts")
        if self.home_academy_id == self.host_academy_id:
            raise CpdError("a secondment is to another academy in the trust")
        if self.recharge_amount < 0:
            raise CpdError("a recharge cannot be negative")

    def start(self, today: date) -> bool:
        """Started on its start date (by the daily job); True when it changed."""
        if self.status == SecondmentStatus.PLANNED and today >= self.starts_on:
            self.status = SecondmentStatus.STARTED
            return True
        return False

    def end(self, today: date) -> bool:
        if self.status == SecondmentStatus.STARTED and today >= self.ends_on:
            self.status = SecondmentStatus.ENDED
            return True
        return False

    def cancel(self) -> None:
        if self.status != SecondmentStatus.PLANNED:
            raise IllegalTransition(f"a secondment that has {self.status.value} cannot be cancelled")
        self.status = SecondmentStatus.CANCELLED
