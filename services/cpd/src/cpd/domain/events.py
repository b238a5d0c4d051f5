"""What happens in CPD, in the domain's words: each is recorded by the aggregate whose rule made it happen, and
published through its contract (service.unit_of_work.CONTRACTS) when the unit of work commits.

Events about an enrolment carry what the people told of it need to read it: the enrolment, who, which academy,
the programme (id and title), the cohort and the cost (`Enrolment.about(programme)`)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from staffroom_shared.domain import DomainEvent

from .values import Approval


@dataclass(frozen=True)
class AboutAnEnrolment(DomainEvent):
    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    programme_id: uuid.UUID
    programme_title: str | None
    cohort_id: uuid.UUID
    cost: Decimal


@dataclass(frozen=True)
class EnrolmentRequested(AboutAnEnrolment):
    line_manager_id: uuid.UUID | None
    needs_hr_approval: bool


@dataclass(frozen=True)
class EnrolmentApproved(AboutAnEnrolment):
    approved_by: uuid.UUID | None
    stage: str  # "line_manager", "hr" or "automatic"
    status: str  # where the approval left the enrolment, places given


@dataclass(frozen=True)
class EnrolmentDeclined(AboutAnEnrolment):
    declined_by: uuid.UUID | None
    note: str


@dataclass(frozen=True)
class PlaceConfirmed(AboutAnEnrolment):
    starts_on: date
    from_waiting_list: bool
    programme_kind: str | None
    approval: Approval | None = None  # the approval that has just given this place, if one did
    programme_hours: Decimal | None = None  # the learning hours the place gives, if the programme says


@dataclass(frozen=True)
class JoinedWaitingList(AboutAnEnrolment):
    position: int  # 1 for the next in line


@dataclass(frozen=True)
class AgreementRequired(AboutAnEnrolment):
    agreement_id: uuid.UUID


@dataclass(frozen=True)
class AgreementSigned(AboutAnEnrolment):
    agreement_id: uuid.UUID
    signed_on: date
    schedule: list
    agreement_academy_id: uuid.UUID  # the academy the agreement is with (the envelope's)


@dataclass(frozen=True)
class ClawbackDue(AboutAnEnrolment):
    agreement_id: uuid.UUID
    amount: Decimal
    percent: int
    left_on: date
    completed_on: date | None
    agreement_academy_id: uuid.UUID


@dataclass(frozen=True)
class ProgrammeCompleted(DomainEvent):
    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    programme_id: uuid.UUID
    programme_title: str | None
    category: str | None  # the programme's kind
    appraisal_training: bool
    completed_on: date


@dataclass(frozen=True)
class PlanCreated(DomainEvent):
    plan_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    role: str
    reason: str  # "joined", "promoted", "requested"
    created_on: date
    induction_suggested: bool


@dataclass(frozen=True)
class PlanItemSuggested(DomainEvent):
    plan_id: uuid.UUID
    item_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    title: str
    source: str
    programme_id: uuid.UUID | None
    development_need_id: uuid.UUID | None


@dataclass(frozen=True)
class FutureLeaderNominated(DomainEvent):
    nomination_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    nominated_by: uuid.UUID
    nominated_on: date


@dataclass(frozen=True)
class ShadowingArranged(DomainEvent):
    shadowing_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID  # the future leader's (the nomination's)
    host_staff_id: uuid.UUID
    host_academy_id: uuid.UUID
    starts_on: date
    ends_on: date
    focus: str


@dataclass(frozen=True)
class AboutASecondment(DomainEvent):
    secondment_id: uuid.UUID
    staff_id: uuid.UUID
    home_academy_id: uuid.UUID
    host_academy_id: uuid.UUID
    post: str
    starts_on: date
    ends_on: date
    substantive_post_kept: bool
    recharge_amount: Decimal


@dataclass(frozen=True)
class SecondmentStarted(AboutASecondment):
    pass


@dataclass(frozen=True)
class SecondmentEnded(AboutASecondment):
    pass


@dataclass(frozen=True)
class IntentRecorded(DomainEvent):
    """The participant recorded what they will change in their practice, and their satisfaction (1-5)."""

    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    programme_id: uuid.UUID
    programme_title: str
    completed_on: date
    intent: str
    satisfaction: int
    development_need_id: uuid.UUID | None  # the appraisal development need it served, if the participant says
    appraisal_id: uuid.UUID | None
    recorded_on: date


@dataclass(frozen=True)
class ImpactCheckDue(DomainEvent):
    """The trust's interval since completion has passed: the line manager is asked to record the impact seen."""

    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    line_manager_id: uuid.UUID
    programme_title: str
    completed_on: date
    due_on: date


@dataclass(frozen=True)
class ImpactRecorded(DomainEvent):
    """The line manager recorded the impact seen (1-5 and words)."""

    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    programme_id: uuid.UUID
    programme_title: str
    completed_on: date
    rating: int
    seen: str
    recorded_by: uuid.UUID
    recorded_on: date


@dataclass(frozen=True)
class InductionStarted(DomainEvent):
    """An ECT was registered for statutory induction at the academy: they are serving it from `starts_on`
    (appraisal may exempt them: S1 2.48)."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    starts_on: date
    expected_completion: date
    appropriate_body: str
    programme_type: str
    tutor_id: uuid.UUID | None
    mentor_id: uuid.UUID | None


@dataclass(frozen=True)
class InductionEnded(DomainEvent):
    """Induction at the academy ended: the appropriate body's pass or fail, or the ECT left."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    outcome: str  # "passed", "failed" or "left"
    ended_on: date


@dataclass(frozen=True)
class InductionSupportPlanStarted(DomainEvent):
    """A progress review found the ECT not making satisfactory progress: a support plan started (S1 4.1). Carries
    no word of the plan itself, which only the ECT, tutor and headteacher read."""

    induction_id: uuid.UUID
    support_plan_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    tutor_id: uuid.UUID | None
    review_held_on: date
    started_on: date


@dataclass(frozen=True)
class InductionPeopleAssigned(DomainEvent):
    """HR named or changed the ECT's induction tutor or mentor (S1 2.3, 2.6); either may be none. Not recorded at
    registration: cpd.induction_started carries the tutor and mentor named then."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    tutor_id: uuid.UUID | None
    mentor_id: uuid.UUID | None
    assigned_on: date


@dataclass(frozen=True)
class InductionTimetableRecorded(DomainEvent):
    """The tutor recorded (or corrected) the share of a main pay range teacher's timetable the ECT teaches in a
    term, beside the most the rules allow them then (S1 2.20), both percentages to two places."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    school_year: int
    term_number: int
    percent: Decimal
    cap_percent: Decimal


@dataclass(frozen=True)
class InductionReviewHeld(DomainEvent):
    """The tutor recorded a progress review or formal assessment: when it was due and when held (never its
    outcome; "not making satisfactory progress" is InductionSupportPlanStarted)."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    kind: str  # ItemKind's name in lower case: "progress_review", "first_formal_assessment", ...
    due_on: date
    held_on: date


@dataclass(frozen=True)
class InductionItemDue(DomainEvent):
    """A progress review or formal assessment falls due soon ("due_soon"), or was due and is not recorded
    ("overdue"): the daily job records each once per item and stage."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    kind: str
    stage: str  # "due_soon" or "overdue"
    due_on: date
    school_year: int
    term_number: int
    tutor_id: uuid.UUID | None
