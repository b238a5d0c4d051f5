"""Training agreements: the participant signs before a costly place is given; on leaving, what is owed."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.errors import NotFound
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..adapters.repository import CpdRepository
from ..domain.agreements import TrainingAgreement, clawback
from ..domain.errors import CpdError
from .access import relation, require_relation
from .enrolments import allocate_places, locked_cohort, ref
from .errors import rule_broken


def sign(uow: UnitOfWork, principal: Principal, agreement_id: uuid.UUID, today: date | None = None) -> TrainingAgreement:
    """The participant signs; the enrolment joins the waiting list and gets a place if one is free."""
    today = today or date.today()
    with uow:
        repo = CpdRepository(uow.session)
        agreement = repo.agreement(agreement_id)
        if agreement is None:
            raise NotFound(f"there is no training agreement with id {agreement_id}")
        cohort_id = repo.cohort_of_enrolment(agreement.enrolment_id)
        cohort, seq = locked_cohort(repo, cohort_id)  # the cohort first, as every place-changing step does
        agreement = repo.agreement(agreement_id, for_update=True)
        uow.session.refresh(agreement)
        # Agreements are the participant's and HR's: the line manager sees the enrolment, not the contract.
        found = relation(principal, staff_id=agreement.staff_id, academy_id=agreement.academy_id,
                         line_manager_id=None)
        require_relation(found, "participant", what="training agreement", record_id=agreement_id,
                         doing="sign their training agreement")
        enrolment = repo.enrolment(agreement.enrolment_id, for_update=True)
        try:
            agreement.sign(principal.staff_id, today)
            enrolment.agreement_signed()
        except CpdError as exc:
            raise rule_broken(exc) from None
        programme = repo.programme(enrolment.programme_id)
        uow.emit("cpd.agreement_signed", {**ref(enrolment, programme), "agreement_id": agreement.id,
                                          "signed_on": today, "schedule": agreement.schedule},
                 academy_id=agreement.academy_id)
        uow.session.flush()
        allocate_places(uow, repo, cohort, programme, seq)
        uow.audit("training_agreement.signed", "training_agreement", agreement.id, {
            "signed_on": [None, today], "enrolment_id": enrolment.id, "enrolment_status": enrolment.status.value})
        uow.commit()
        return agreement


def clawback_on_leaving(uow: UnitOfWork, staff_id: uuid.UUID, left_on: date,
                        today: date | None = None) -> list[TrainingAgreement]:
    """For the staff.left handler, inside its unit of work (no commit here): every signed agreement of the
    leaver gets its repayable amount computed and recorded, and each non-zero amount is announced with
    cpd.clawback_due for HR. An agreement already computed is left alone, so a redelivered event is harmless.
    Returns the agreements computed now."""
    today = today or date.today()
    repo = CpdRepository(uow.session)
    computed = []
    for agreement in repo.agreements(staff_id=staff_id, signed_only=True, for_update=True):
        if agreement.clawback_computed_on is not None:
            continue
        enrolment = repo.enrolment(agreement.enrolment_id)
        percent, amount = clawback(agreement, enrolment, left_on)
        agreement.clawback_amount, agreement.clawback_computed_on = amount, today
        uow.audit("training_agreement.clawback_computed", "training_agreement", agreement.id, {
            "left_on": left_on, "completed_on": enrolment.completed_on, "enrolment_status": enrolment.status.value,
            "percent": percent, "clawback_amount": [None, amount]})
        if amount > 0:
            uow.emit("cpd.clawback_due", {
                **ref(enrolment, repo.programme(enrolment.programme_id)), "agreement_id": agreement.id,
                "amount": amount, "percent": percent, "left_on": left_on,
                "completed_on": enrolment.completed_on},
                academy_id=agreement.academy_id)
        computed.append(agreement)
    return computed
