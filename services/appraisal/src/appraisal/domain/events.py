"""What happens in appraisal, as the aggregates record it (issue 22). service/unit_of_work.py publishes each as its
versioned contract (appraisal.*); the fields are the contract's, so the table there needs no translation."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from staffroom_shared.domain import DomainEvent


@dataclass(frozen=True)
class CycleOpened(DomainEvent):
    cycle_id: uuid.UUID
    name: str
    template: str
    academy_id: uuid.UUID | None
    starts_on: date
    objectives_due: date
    mid_year_due: date
    end_of_year_due: date
    ends_on: date
    appraisal_count: int


@dataclass(frozen=True)
class AppraisalEvent(DomainEvent):
    """Whose appraisal, in which cycle and academy, and who appraises it when this happened."""

    appraisal_id: uuid.UUID
    cycle_id: uuid.UUID
    reviewee_id: uuid.UUID
    appraiser_id: uuid.UUID | None
    academy_id: uuid.UUID


@dataclass(frozen=True)
class AppraisalOpened(AppraisalEvent):
    template: str
    objectives_due: date
    mid_year_due: date
    end_of_year_due: date
    starts_on: date | None  # the reviewee's first day, if still to come


@dataclass(frozen=True)
class AppraiserAssigned(AppraisalEvent):
    previous_appraiser_id: uuid.UUID | None
    by_hr: bool


@dataclass(frozen=True)
class ObjectivesAgreed(AppraisalEvent):
    agreed_on: date
    due_on: date
    on_time: bool
    objective_count: int


@dataclass(frozen=True)
class ReviewCompleted(AppraisalEvent):
    stage: str
    overall_outcome: str
    teaching_judgement: str | None
    pay_recommendation: str | None
    completed_on: date
    due_on: date
    on_time: bool
    appraiser_untrained: bool


@dataclass(frozen=True)
class DevelopmentNeedIdentified(AppraisalEvent):
    need_id: uuid.UUID
    stage: str
    area: str
    description: str
    suggested_support: str | None
    identified_on: date


@dataclass(frozen=True)
class SignedOff(AppraisalEvent):
    signed_off_on: date


@dataclass(frozen=True)
class Overdue(AppraisalEvent):
    milestone: str
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class ReminderSent(AppraisalEvent):
    milestone: str
    due_on: date
    days_overdue: int
    sent_by_id: uuid.UUID | None
    note: str | None


@dataclass(frozen=True)
class Closed(AppraisalEvent):
    """Ended without sign-off: the reviewee left, moved, the cycle closed, or HR withdrew it."""

    status: str
    reason: str


@dataclass(frozen=True)
class RecognitionGiven(DomainEvent):
    """A colleague gave another recognition or feedback (issue 24): who to whom, never the words."""

    recognition_id: uuid.UUID
    giver_id: uuid.UUID
    recipient_id: uuid.UUID
    academy_id: uuid.UUID  # the recipient's
    kind: str
    shared_with_line_manager: bool


@dataclass(frozen=True)
class RecognitionReported(DomainEvent):
    """The recipient reported recognition or feedback to HR (issue 24): which one and whose HR, never the words or
    the recipient's reason. Giver and recipient are named only so that neither is the HR contact told of it."""

    recognition_id: uuid.UUID
    giver_id: uuid.UUID
    recipient_id: uuid.UUID
    academy_id: uuid.UUID  # the recipient's: whose HR judge it
    kind: str


@dataclass(frozen=True)
class SubjectAccessWithdrawn(DomainEvent):
    """What appraisal answered to subject access requests about these people held words since erased (recognition
    HR removed, issue 24): the directory drops those answers and asks again."""

    staff_ids: tuple[uuid.UUID, ...]
    academy_id: uuid.UUID  # the recipient's
