"""The catalogue: programmes and their cohorts, and the trust's CPD policy (thresholds, repayment schedule)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import CpdError, IllegalTransition
from .values import PENNY, in_words

TENTH = Decimal("0.1")
MAX_HOURS = 5000  # learning hours in one place: a two-year programme full time is about 3,000


class ProgrammeKind(StrEnum):
    INTERNAL_COURSE = "internal_course"
    EXTERNAL_COURSE = "external_course"
    NPQ = "npq"
    ECT_INDUCTION = "ect_induction"  # the two-year early career induction for new teachers
    STAFF_INDUCTION = "staff_induction"  # the trust's induction for every new starter
    MIDDLE_LEADERSHIP = "middle_leadership"
    APPRAISAL_TRAINING = "appraisal_training"  # line managers, before they run appraisals
    MENTOR_TRAINING = "mentor_training"  # ECT mentors' own training (issue 25: shown on the mentor's page)
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
    hours: Decimal | None = None  # learning hours a place gives, to the tenth (targets' hours per head); None: not known
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
        if self.hours is not None:
            self.hours = Decimal(str(self.hours)).quantize(TENTH)
        self.check()

    def check(self) -> None:
        if self.cost < 0:
            raise CpdError("a programme's cost cannot be negative")
        if self.hours is not None and not 0 <= self.hours <= MAX_HOURS:
            raise CpdError(f"a programme's hours run from 0 to {MAX_HOURS} (got {self.hours})")
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

    def open_to(self, academy_id: uuid.UUID | None) -> bool:
        """Offered to the academy's staff: trust-wide, or the academy's own (active or not)."""
        return self.academy_id is None or self.academy_id == academy_id

    def available_to(self, academy_id: uuid.UUID | None) -> bool:
        return self.active and self.open_to(academy_id)

    def must_be_offered(self) -> None:
        if not self.active:
            raise IllegalTransition(f"'{self.title}' is no longer offered")


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

    def must_not_have_ended(self, on: date) -> None:
        if self.ends_on < on:
            raise IllegalTransition(f"cohort '{self.name}' ended on {self.ends_on:%-d %B %Y}; choose a later cohort")


@dataclass(frozen=True)
class Policy:
    """The trust's CPD settings."""

    approval_threshold: Decimal = Decimal("500.00")  # above this, HR/budget holder approves after the manager
    agreement_threshold: Decimal = Decimal("1000.00")  # at or above this, a training agreement is needed
    # (months after completion, percent repayable if leaving within them), shortest first
    repayment_schedule: tuple[tuple[int, int], ...] = ((12, 100), (24, 50))

