"""Training agreements: the participant signs before a costly place is given; on leaving, what is owed."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.principal import Principal

from ..domain.agreements import TrainingAgreement
from ..domain.errors import CpdError
from .access import relation, require_relation
from .enrolments import allocate_places, locked_cohort
from .errors import missing, rule_broken
from .unit_of_work import CpdUnitOfWork


def sign(uow: CpdUnitOfWork, principal: Principal, agreement_id: uuid.UUID,
         today: date | None = None) -> TrainingAgreement:
    """The participant signs; the enrolment joins the waiting list and gets a place if one is free."""
    today = today or date.today()
    with uow:
        agreement = uow.agreements.get(agreement_id)
        if agreement is None:
            raise missing("training agreement")
        cohort_id = uow.enrolments.cohort_of(agreement.enrolment_id)
        cohort, seq = locked_cohort(uow, cohort_id)  # the cohort first, as every place-changing step does
        agreement = uow.agreements.locked(agreement_id)
        # Agreements are the participant's and HR's: the line manager sees the enrolment, not the contract.
        found = relation(principal, staff_id=agreement.staff_id, academy_id=agreement.academy_id,
                         line_manager_id=None)
        require_relation(found, "participant", what="training agreement",
                         doing="sign their training agreement")
        enrolment = uow.enrolments.get(agreement.enrolment_id, for_update=True)
        programme = uow.catalogue.programme(enrolment.programme_id)
        try:
            agreement.sign(principal.staff_id, today, enrolment=enrolment, programme=programme)
        except CpdError as exc:
            raise rule_broken(exc) from None
        allocate_places(uow, cohort, programme, seq)
        uow.audit("training_agreement.signed", "training_agreement", agreement.id, {
            "signed_on": [None, today], "enrolment_id": enrolment.id, "enrolment_status": enrolment.status.value})
        uow.commit()
        return agreement


def clawback_on_leaving(uow: CpdUnitOfWork, staff_id: uuid.UUID, left_on: date,
                        today: date | None = None) -> list[TrainingAgreement]:
    """For the staff.left handler, inside its unit of work (no commit here): every signed agreement of the
    leaver gets its repayable amount computed and recorded, and each non-zero amount is announced with
    cpd.clawback_due for HR. An agreement already computed is left alone, so a redelivered event is harmless.
    Returns the agreements computed now."""
    today = today or date.today()
    computed = []
    for agreement in uow.agreements.find(staff_id=staff_id, signed_only=True, for_update=True):
        enrolment = uow.enrolments.get(agreement.enrolment_id)
        settled = agreement.settle_clawback(enrolment, left_on, today, uow.catalogue.programme(enrolment.programme_id))
        if settled is None:
            continue
        percent, amount = settled
        uow.audit("training_agreement.clawback_computed", "training_agreement", agreement.id, {
            "left_on": left_on, "completed_on": enrolment.completed_on, "enrolment_status": enrolment.status.value,
            "percent": percent, "clawback_amount": [None, amount]})
        computed.append(agreement)
    return computed
