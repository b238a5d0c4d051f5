"""Appraisal's unit of work: its repositories, and the one table from its domain events to their contracts."""
from __future__ import annotations

from staffroom_shared.uow import Contract, UnitOfWork
from staffroom_shared.uow import Reads as ReadsOf

from ..adapters.observation_templates import TemplateRepository
from ..adapters.priorities import ObjectiveTemplateRepository, PriorityRepository
from ..adapters.qa import QaRepository
from ..adapters.recognition import RecognitionRepository
from ..adapters.cpd_evidence import CpdEvidenceRepository
from ..adapters.inductions import InductionRepository
from ..adapters.repository import AppraisalRepository, CycleRepository, StaffCopyRepository
from ..domain import events

# The events' fields are their contracts' (staffroom_shared/contracts/appraisal.py), so each maps as it is, but for
# the withdrawal, whose academy is the envelope's alone.
CONTRACTS = {
    events.CycleOpened: Contract("appraisal.cycle_opened"),
    events.AppraisalOpened: Contract("appraisal.appraisal_opened"),
    events.AppraiserAssigned: Contract("appraisal.appraiser_assigned"),
    events.ObjectivesAgreed: Contract("appraisal.objectives_agreed"),
    events.ReviewCompleted: Contract("appraisal.review_completed"),
    events.DevelopmentNeedIdentified: Contract("appraisal.development_need_identified"),
    events.SignedOff: Contract("appraisal.signed_off"),
    events.Overdue: Contract("appraisal.overdue"),
    events.ReminderSent: Contract("appraisal.reminder_sent"),
    events.Closed: Contract("appraisal.closed"),
    events.RecognitionGiven: Contract("appraisal.recognition_given"),
    events.RecognitionReported: Contract("appraisal.recognition_reported"),
    events.SubjectAccessWithdrawn: Contract("appraisal.subject_access_withdrawn",
                                            payload=lambda event: {"staff_ids": list(event.staff_ids)}),
}


class AppraisalUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    # staff: the directory's copy
    repositories = {"staff": StaffCopyRepository, "cycles": CycleRepository, "appraisals": AppraisalRepository,
                    "priorities": PriorityRepository, "objective_templates": ObjectiveTemplateRepository,
                    "recognition": RecognitionRepository, "templates": TemplateRepository, "qa": QaRepository,
                    "cpd_evidence": CpdEvidenceRepository, "inductions": InductionRepository}
    staff: StaffCopyRepository
    cycles: CycleRepository
    appraisals: AppraisalRepository
    priorities: PriorityRepository
    objective_templates: ObjectiveTemplateRepository
    recognition: RecognitionRepository
    templates: TemplateRepository  # observation templates (issue 24)
    qa: QaRepository  # the QA map's rounds, actions and coaching (issue 24)
    cpd_evidence: CpdEvidenceRepository
    inductions: InductionRepository  # who serves statutory induction, from cpd's events (issue 25)


class Reads(ReadsOf):
    """The same repositories on a request's read session, for the pages (which change nothing)."""

    unit_of_work = AppraisalUnitOfWork
    staff: StaffCopyRepository
    cycles: CycleRepository
    appraisals: AppraisalRepository
    priorities: PriorityRepository
    objective_templates: ObjectiveTemplateRepository
    recognition: RecognitionRepository
    templates: TemplateRepository
    qa: QaRepository
    cpd_evidence: CpdEvidenceRepository
    inductions: InductionRepository
