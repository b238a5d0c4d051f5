"""Kept for callers outside the CPD service (the suite's demo seeding, deploy/e2e.sh) until they import from the
modules that hold each thing: catalogue, enrolments, agreements, plans, future_leaders, values, errors, events.
The service itself does not import this module."""
from __future__ import annotations

from .agreements import TrainingAgreement, check_schedule, clawback
from .catalogue import NPQS, Cohort, DeliveryMode, Policy, Programme, ProgrammeKind
from .enrolments import OPEN_REQUEST, Enrolment, EnrolmentStatus, allocate
from .errors import CpdError, IllegalTransition, NotAllowed
from .future_leaders import Nomination, NominationStatus, Secondment, SecondmentStatus, Shadowing
from .plans import DevelopmentPlan, PlanItem, PlanItemSource, PlanItemStatus
from .values import PENNY, add_months, in_words

__all__ = [
    "NPQS", "OPEN_REQUEST", "PENNY", "Cohort", "CpdError", "DeliveryMode", "DevelopmentPlan", "Enrolment",
    "EnrolmentStatus", "IllegalTransition", "Nomination", "NominationStatus", "NotAllowed", "PlanItem",
    "PlanItemSource", "PlanItemStatus", "Policy", "Programme", "ProgrammeKind", "Secondment", "SecondmentStatus",
    "Shadowing", "TrainingAgreement", "add_months", "allocate", "check_schedule", "clawback", "in_words",
]
