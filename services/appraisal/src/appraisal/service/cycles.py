"""Setting up, opening and closing appraisal cycles."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert, text

from staffroom_shared.authz import can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import NotFound
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..adapters import documents
from ..adapters.orm import appraisals as appraisals_table
from ..adapters.repository import AppraisalRepository
from ..domain.model import AppraisalError, Cycle, Template, default_key_dates
from . import events
from .errors import rule_broken


def _may_run(principal: Principal, academy_id: uuid.UUID | None) -> None:
    if academy_id is None:
        require(is_trust_hr(principal), "only trust HR can run a trust-wide cycle")
    else:
        require(can_manage_academy(principal, academy_id), "only HR for this academy or the trust can run its cycles")


def create_cycle(uow: UnitOfWork, principal: Principal, data: dict) -> Cycle:
    _may_run(principal, data.get("academy_id"))
    school_year = data.pop("school_year", None)
    if school_year is not None:
        data = {**default_key_dates(Template(data["template"]), school_year), **data}
    with uow:
        try:
            cycle = Cycle(**data)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        uow.session.add(cycle)
        uow.audit("cycle.created", "cycle", cycle.id, data)
        uow.commit()
        return cycle


def update_cycle(uow: UnitOfWork, principal: Principal, cycle_id: uuid.UUID, changes: dict) -> Cycle:
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


def open_cycle(uow: UnitOfWork, principal: Principal, cycle_id: uuid.UUID, today: date | None = None) -> Cycle:
    """Creates an appraisal for everyone the cycle covers, from the local copy of the directory."""
    today = today or date.today()
    with uow:
        repo = AppraisalRepository(uow.session)
        cycle = _cycle(uow, cycle_id)
        _may_run(principal, cycle.academy_id)
        if uow.session.get_bind().dialect.name == "postgresql":
            # A staff.joined applied while we open would see the cycle still in draft, and our read of
            # the staff copy would miss the joiner: hold staff writes until we commit. (SQLite already
            # serialises writers.)
            uow.session.execute(text("LOCK TABLE staff IN SHARE MODE"))
        people = repo.people(cycle.academy_id)
        started = {person.staff_id: person.start_date for person in people}
        try:
            created = cycle.open(people, today)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        # Bulk insert: a trust of 10,000 staff opens in one statement, not 10,000 ORM flushes. It bypasses
        # the session's change tracking, so the read model is written here too.
        if created:
            uow.session.execute(insert(appraisals_table), [_row(a) for a in created])
            documents.store(uow.session, created, new=True)
        for appraisal in created:
            events.emit_opened(uow, appraisal, cycle, started[appraisal.reviewee_id], today)
        uow.emit("appraisal.cycle_opened", {
            "cycle_id": cycle.id, "name": cycle.name, "template": cycle.template.value, "academy_id": cycle.academy_id,
            "starts_on": cycle.starts_on, "objectives_due": cycle.objectives_due, "mid_year_due": cycle.mid_year_due,
            "end_of_year_due": cycle.end_of_year_due, "ends_on": cycle.ends_on, "appraisal_count": len(created),
        }, academy_id=cycle.academy_id)
        uow.audit("cycle.opened", "cycle", cycle.id, {"appraisals": len(created)})
        uow.commit()
        cycle.appraisal_count = len(created)
        return cycle


def close_cycle(uow: UnitOfWork, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    with uow:
        cycle = _cycle(uow, cycle_id)
        _may_run(principal, cycle.academy_id)
        try:
            cycle.close()
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        repo = AppraisalRepository(uow.session)
        closed = 0
        for appraisal in repo.in_progress(cycle.id):
            appraisal.close(f"the cycle '{cycle.name}' was closed before sign-off")
            events.emit_closed(uow, appraisal)
            closed += 1
        uow.audit("cycle.closed", "cycle", cycle.id, {"status": ["open", "closed"], "appraisals_closed": closed})
        uow.commit()
        return cycle


def _row(appraisal) -> dict:
    return {"id": appraisal.id, "cycle_id": appraisal.cycle_id, "reviewee_id": appraisal.reviewee_id,
            "academy_id": appraisal.academy_id, "template": appraisal.template, "appraiser_id": appraisal.appraiser_id,
            "appraiser_set_by_hr": False, "status": appraisal.status, "support_plan": False}


def _cycle(uow: UnitOfWork, cycle_id: uuid.UUID) -> Cycle:
    cycle = AppraisalRepository(uow.session).cycle(cycle_id)
    if cycle is None:
        raise NotFound(f"there is no appraisal cycle with id {cycle_id}")
    return cycle
