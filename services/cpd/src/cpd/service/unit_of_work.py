"""CPD's unit of work: its repositories (`uow.catalogue`, `uow.enrolments`, ...) and the one table from its domain
events to the versioned contracts they are published as. `CpdReads` holds the same repositories for the API's reads."""
from __future__ import annotations

from dataclasses import fields

from staffroom_shared.uow import Contract, Reads, UnitOfWork

from ..adapters.catalogue import Catalogue
from ..adapters.enrolments import Agreements, Enrolments
from ..adapters.impact import ImpactRecords
from ..adapters.inductions import Inductions
from ..adapters.future_leaders import Nominations, Secondments
from ..adapters.npq import NpqPlaces
from ..adapters.plans import Plans
from ..adapters.staff_copy import StaffCopy
from ..domain import events, npq


def _facts(event, *, leave_out=()) -> dict:
    return {f.name: getattr(event, f.name) for f in fields(event) if f.name not in leave_out}


def _place_confirmed(event: events.PlaceConfirmed) -> dict:
    """Says who approved the place only when an approval has just given it."""
    payload = _facts(event, leave_out=("approval",))
    if event.approval is not None:
        payload.update(approved_by=event.approval.approved_by, approval_stage=event.approval.stage)
    return payload


def _with_the_agreement(event) -> dict:
    return _facts(event, leave_out=("agreement_academy_id",))


def _the_agreements_academy(event):
    return event.agreement_academy_id


def _home_academy(event: events.AboutASecondment):
    return event.home_academy_id


CONTRACTS = {
    events.EnrolmentRequested: Contract("cpd.enrolment_requested"),
    events.EnrolmentApproved: Contract("cpd.enrolment_approved"),
    events.EnrolmentDeclined: Contract("cpd.enrolment_declined"),
    events.PlaceConfirmed: Contract("cpd.enrolled", payload=_place_confirmed),
    events.JoinedWaitingList: Contract("cpd.waitlisted"),
    events.AgreementRequired: Contract("cpd.agreement_required"),
    events.AgreementSigned: Contract("cpd.agreement_signed", payload=_with_the_agreement,
                                     academy=_the_agreements_academy),
    events.ClawbackDue: Contract("cpd.clawback_due", payload=_with_the_agreement, academy=_the_agreements_academy),
    events.ProgrammeCompleted: Contract("cpd.completed"),
    events.PlanCreated: Contract("cpd.plan_created"),
    events.PlanItemSuggested: Contract("cpd.plan_item_suggested"),
    events.FutureLeaderNominated: Contract("cpd.future_leader_nominated"),
    events.ShadowingArranged: Contract("cpd.shadowing_arranged"),
    events.SecondmentStarted: Contract("cpd.secondment_started", academy=_home_academy),
    events.SecondmentEnded: Contract("cpd.secondment_ended", academy=_home_academy),
    events.IntentRecorded: Contract("cpd.intent_recorded"),
    events.ImpactCheckDue: Contract("cpd.impact_check_due"),
    events.ImpactRecorded: Contract("cpd.impact_recorded"),
    events.InductionStarted: Contract("cpd.induction_started"),
    events.InductionEnded: Contract("cpd.induction_ended"),
    events.InductionSupportPlanStarted: Contract("cpd.induction_support_plan_started"),
    events.InductionPeopleAssigned: Contract("cpd.induction_people_assigned"),
    events.InductionTimetableRecorded: Contract("cpd.induction_timetable_recorded"),
    events.InductionReviewHeld: Contract("cpd.induction_review_held"),
    events.InductionItemDue: Contract("cpd.induction_item_due"),
    npq.NpqCompleted: Contract("cpd.npq_completed"),
}


class CpdUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    repositories = {"staff": StaffCopy, "catalogue": Catalogue, "enrolments": Enrolments, "agreements": Agreements,
                    "plans": Plans, "nominations": Nominations, "secondments": Secondments,
                    "impact": ImpactRecords, "inductions": Inductions, "npq_places": NpqPlaces}
    staff: StaffCopy
    catalogue: Catalogue
    enrolments: Enrolments
    agreements: Agreements
    plans: Plans
    nominations: Nominations
    secondments: Secondments
    impact: ImpactRecords
    inductions: Inductions
    npq_places: NpqPlaces

    def collect(self) -> None:
        keep_induction_summaries(self)
        super().collect()


def keep_induction_summaries(uow) -> None:
    """Before a commit: every induction the unit of work read has its summary made true to it as it now stands (a
    review recorded, an absence, new term dates...), so lists read it as it is (EctInduction.summary_of)."""
    calendars: dict = {}
    for ect in uow.inductions.seen:
        if ect.academy_id not in calendars:
            calendars[ect.academy_id] = uow.inductions.calendar(ect.academy_id)
        ect.refresh_summary(calendars[ect.academy_id])


class CpdReads(Reads):
    """The same repositories on a page's read session, for the API's views (nothing is committed through them)."""

    unit_of_work = CpdUnitOfWork
