"""Commands on the catalogue: programmes, cohorts, the trust's CPD settings and academy budgets (HR)."""
from __future__ import annotations

import uuid
from decimal import Decimal

from staffroom_shared.authz import can_manage_academy, require, require_role
from staffroom_shared.errors import Conflict
from staffroom_shared.principal import Principal

from ..domain.agreements import check_schedule
from ..domain.catalogue import Cohort, Policy, Programme
from ..domain.enrolments import EnrolmentStatus
from ..domain.errors import CpdError
from .access import may_manage_programme
from .enrolments import allocate_places, locked_cohort
from .errors import missing, rule_broken
from .unit_of_work import CpdUnitOfWork

PROGRAMME_FIELDS = ("title", "kind", "provider", "delivery_mode", "cost", "description", "duration", "hours", "tags",
                    "npq", "levy_funded", "off_the_job_percent", "requires_approval")


def _may_run(principal: Principal, academy_id: uuid.UUID | None) -> None:
    require(may_manage_programme(principal, academy_id),
            "trust HR runs trust-wide programmes; academy HR runs their own academy's" if academy_id is None
            else "only HR for this academy (or trust HR) runs its programmes")


def _programme(uow: CpdUnitOfWork, principal: Principal, programme_id: uuid.UUID) -> Programme:
    programme = uow.catalogue.programme(programme_id)
    if programme is None:
        raise missing("programme")
    _may_run(principal, programme.academy_id)
    return programme


def create_programme(uow: CpdUnitOfWork, principal: Principal, data: dict) -> Programme:
    _may_run(principal, data.get("academy_id"))
    with uow:
        try:
            programme = Programme(**data)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.catalogue.add_programme(programme)
        uow.audit("programme.created", "programme", programme.id, data)
        uow.commit()
        return programme


def update_programme(uow: CpdUnitOfWork, principal: Principal, programme_id: uuid.UUID, changes: dict) -> Programme:
    with uow:
        programme = _programme(uow, principal, programme_id)
        before = {n: getattr(programme, n) for n in changes}
        try:
            for name, value in changes.items():
                setattr(programme, name, value)
            programme.__post_init__()  # normalises and re-checks the whole programme
        except CpdError as exc:
            raise rule_broken(exc) from None
        changed = {n: [before[n], getattr(programme, n)] for n in changes if before[n] != getattr(programme, n)}
        uow.audit("programme.updated", "programme", programme.id, changed)
        uow.commit()
        return programme


def set_programme_active(uow: CpdUnitOfWork, principal: Principal, programme_id: uuid.UUID, active: bool) -> Programme:
    """Deactivate (no new requests; existing enrolments carry on) or offer again."""
    with uow:
        programme = _programme(uow, principal, programme_id)
        if programme.active == active:  # a second click on the same button: said in the words of the page
            raise Conflict(f"'{programme.title}' is already {'offered' if active else 'no longer offered'}")
        programme.active = active
        uow.audit("programme.activated" if active else "programme.deactivated", "programme", programme.id,
                  {"active": [not active, active]})
        uow.commit()
        return programme


def create_cohort(uow: CpdUnitOfWork, principal: Principal, programme_id: uuid.UUID, data: dict) -> Cohort:
    with uow:
        programme = _programme(uow, principal, programme_id)
        if not programme.active:
            raise Conflict(f"'{programme.title}' is no longer offered; offer it again before adding dates")
        try:
            cohort = Cohort(programme_id=programme.id, **data)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.catalogue.add_cohort(cohort)
        uow.audit("cohort.created", "cohort", cohort.id, {"programme_id": programme.id, **data})
        uow.commit()
        return cohort


def update_cohort(uow: CpdUnitOfWork, principal: Principal, cohort_id: uuid.UUID, changes: dict) -> Cohort:
    """Rename, move dates or change capacity; more places go to those waiting, in order."""
    with uow:
        cohort, seq = locked_cohort(uow, cohort_id)
        programme = _programme(uow, principal, cohort.programme_id)
        before = {n: getattr(cohort, n) for n in changes}
        if "capacity" in changes:
            taken = sum(1 for e in uow.enrolments.in_cohort(cohort.id, cohort.capacity) if e.status == EnrolmentStatus.CONFIRMED)
            if changes["capacity"] < taken:
                raise Conflict(f"the cohort '{cohort.name}' has {taken} confirmed places; its places cannot go "
                               f"below that (withdraw places first)")
        for name, value in changes.items():
            setattr(cohort, name, value)
        try:
            cohort.__post_init__()
        except CpdError as exc:
            raise rule_broken(exc) from None
        promoted = allocate_places(uow, cohort, programme, seq)
        detail = {n: [before[n], getattr(cohort, n)] for n in changes if before[n] != getattr(cohort, n)}
        if promoted:
            detail["promoted"] = [e.id for e in promoted]
        uow.audit("cohort.updated", "cohort", cohort.id, detail)
        uow.commit()
        return cohort


def update_settings(uow: CpdUnitOfWork, principal: Principal, data: dict) -> Policy:
    require_role(principal, "trust_hr")
    try:
        check_schedule(data["repayment_schedule"])
    except CpdError as exc:
        raise rule_broken(exc) from None
    with uow:
        before = uow.catalogue.policy()
        values = {"approval_threshold": data["approval_threshold"], "agreement_threshold": data["agreement_threshold"],
                  "repayment_schedule": [list(band) for band in data["repayment_schedule"]]}
        uow.catalogue.save_policy(**values)
        uow.audit("settings.updated", "settings", 1, {
            "approval_threshold": [before.approval_threshold, values["approval_threshold"]],
            "agreement_threshold": [before.agreement_threshold, values["agreement_threshold"]],
            "repayment_schedule": [[list(b) for b in before.repayment_schedule], values["repayment_schedule"]]})
        uow.commit()
        return uow.catalogue.policy()


def set_budget(uow: CpdUnitOfWork, principal: Principal, academy_id: uuid.UUID, year_starting: int,
               amount: Decimal) -> dict:
    require(can_manage_academy(principal, academy_id), "only HR for this academy (or trust HR) sets its CPD budget")
    with uow:
        before = uow.catalogue.budget(academy_id, year_starting)
        uow.catalogue.set_budget(academy_id, year_starting, amount, new=before is None)
        uow.audit("budget.set", "budget", f"{academy_id}/{year_starting}", {"amount": [before, amount]})
        uow.commit()
        return {"academy_id": academy_id, "year_starting": year_starting, "amount": amount}
