"""Setting up, opening and closing appraisal cycles."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.authz import can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..domain.model import AppraisalError, Cycle, StaffGroup, default_key_dates
from .errors import rule_broken
from .unit_of_work import AppraisalUnitOfWork


def _may_run(principal: Principal, academy_id: uuid.UUID | None) -> None:
    if academy_id is None:
        require(is_trust_hr(principal), "only trust HR can run a trust-wide cycle")
    else:
        require(can_manage_academy(principal, academy_id), "only HR for this academy or the trust can run its cycles")


def create_cycle(uow: AppraisalUnitOfWork, principal: Principal, data: dict) -> Cycle:
    _may_run(principal, data.get("academy_id"))
    school_year = data.pop("school_year", None)
    if school_year is not None:
        data = {**default_key_dates(StaffGroup(data["template"]), school_year), **data}
    with uow:
        try:
            cycle = Cycle(**data)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        uow.cycles.add(cycle)
        uow.audit("cycle.created", "cycle", cycle.id, data)
        uow.commit()
        return cycle


def update_cycle(uow: AppraisalUnitOfWork, principal: Principal, cycle_id: uuid.UUID, changes: dict) -> Cycle:
    with uow:
        cycle = _cycle(uow, cycle_id)
        _may_run(principal, cycle.academy_id)
        try:
            changed = cycle.change(changes)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        if changed:  # nothing changed, nothing to audit: an empty body wrote "cycle.updated {}" (outsider)
            uow.audit("cycle.updated", "cycle", cycle.id, changed)
        uow.commit()
        return cycle


def open_cycle(uow: AppraisalUnitOfWork, principal: Principal, cycle_id: uuid.UUID, today: date | None = None) -> Cycle:
    """Creates an appraisal for everyone the cycle covers, from the local copy of the directory, but for early career
    teachers serving induction during it (counted on the cycle)."""
    today = today or date.today()
    with uow:
        cycle = _cycle(uow, cycle_id)
        _may_run(principal, cycle.academy_id)
        # A staff.joined applied while we open would see the cycle still in draft, and our read of the staff copy
        # would miss the joiner: hold staff writes until we commit.
        uow.staff.hold_writes()
        uow.inductions.hold_writes()  # and an induction starting meanwhile (it would withdraw what we make)
        try:
            created = cycle.open(uow.staff.people(cycle.academy_id), today, uow.inductions.spells())
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        uow.appraisals.add_opened(created)
        uow.audit("cycle.opened", "cycle", cycle.id, {"appraisals": len(created),
                                                       "left_out_for_induction": cycle.left_out_for_induction})
        uow.commit()
        cycle.appraisal_count = len(created)
        return cycle


def close_cycle(uow: AppraisalUnitOfWork, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    with uow:
        cycle = _cycle(uow, cycle_id)
        _may_run(principal, cycle.academy_id)
        try:
            cycle.close()
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        closed = 0
        for appraisal in uow.appraisals.in_progress(cycle.id):
            appraisal.close(f"the cycle '{cycle.name}' was closed before sign-off")
            closed += 1
        uow.audit("cycle.closed", "cycle", cycle.id, {"status": ["open", "closed"], "appraisals_closed": closed})
        uow.commit()
        return cycle


def _cycle(uow: AppraisalUnitOfWork, cycle_id: uuid.UUID) -> Cycle:
    cycle = uow.cycles.get(cycle_id, for_update=True)
    if cycle is None:
        raise NotFound(f"there is no appraisal cycle with id {cycle_id}")
    return cycle
