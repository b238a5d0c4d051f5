"""Commands on enrolments: request a place, approve or decline, allocate in waiting-list order, withdraw,
attendance, completion and the participant's evaluation. Each runs in one unit of work with its events
and audit row; anything that can give or free a place first locks the cohort row."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Callable

from staffroom_shared.errors import Conflict, Forbidden, Unprocessable
from staffroom_shared.principal import Principal

from ..domain.agreements import TrainingAgreement
from ..domain.catalogue import Cohort, Policy, Programme
from ..domain.enrolments import OPEN_REQUEST, Enrolment, EnrolmentStatus, allocate
from ..domain.errors import CpdError
from ..domain.values import Approval, in_words
from . import impact
from .access import relation, require_relation
from .errors import missing, rule_broken
from .unit_of_work import CpdUnitOfWork

def locked_cohort(uow: CpdUnitOfWork, cohort_id: uuid.UUID) -> tuple[Cohort, int]:
    """The cohort, locked until commit, and its waiting-list counter (read after the lock, so fresh)."""
    found = uow.catalogue.locked_cohort(cohort_id)
    if found is None:
        raise missing("cohort")
    return found


def allocate_places(uow: CpdUnitOfWork, cohort: Cohort, programme: Programme, seq: int,
                    approval: Approval | None = None) -> list[Enrolment]:
    """With the cohort locked: number newcomers on the waiting list and give free places strictly in order
    (the enrolments record cpd.enrolled / cpd.waitlisted). `approval` is the approval that has just made one of
    them a newcomer. Returns those promoted from the waiting list."""
    present = uow.enrolments.in_cohort(cohort.id, cohort.capacity)
    newcomers = [e for e in present if e.status == EnrolmentStatus.WAITING and e.waiting_since is None]
    confirmed = allocate(cohort, present, seq + 1, programme=programme,
                         waiting_before=uow.enrolments.waiting_count(cohort.id), approval=approval)
    if newcomers:
        uow.catalogue.set_waiting_seq(cohort.id, seq + len(newcomers))
    return [e for e in confirmed if e not in newcomers]


def _approved(uow: CpdUnitOfWork, e: Enrolment, programme: Programme, policy: Policy,
              approval: Approval | None = None) -> None:
    """After the last approval: a training agreement to sign first, or straight to the waiting list and a place."""
    if e.status == EnrolmentStatus.AWAITING_AGREEMENT:
        uow.agreements.add(TrainingAgreement.required_for(e, policy, programme))
    elif e.status == EnrolmentStatus.WAITING:
        cohort, seq = locked_cohort(uow, e.cohort_id)
        allocate_places(uow, cohort, programme, seq, approval)


def request_place(uow: CpdUnitOfWork, principal: Principal, cohort_id: uuid.UUID, reason: str,
                  today: date | None = None) -> Enrolment:
    """A member of staff asks for a place on a cohort for themselves."""
    today = today or date.today()
    with uow:
        who = uow.staff.person(principal.staff_id)
        if who is None:
            raise Forbidden("CPD requests are made by members of staff for themselves, and you are not in CPD's "
                            "copy of the staff list (yet): ask HR to check your directory record")
        if who.has_left_by(today):
            raise Conflict(f"you left on {in_words(who.leaving_date)}; leavers cannot request CPD")
        cohort, seq = locked_cohort(uow, cohort_id)  # so two requests at once cannot both look unduplicated
        programme = uow.catalogue.programme(cohort.programme_id)
        if not programme.open_to(who.academy_id):
            raise missing("cohort")
        try:
            programme.must_be_offered()
            cohort.must_not_have_ended(today)
        except CpdError as exc:
            raise rule_broken(exc) from None
        if (existing := uow.enrolments.open_request(principal.staff_id, cohort.id)) is not None:
            raise Conflict(f"you have already asked for a place on this cohort (your request is "
                           f"{existing.status.words}); withdraw it first to ask again")
        policy = uow.catalogue.policy()
        try:
            e = uow.enrolments.add(Enrolment.request(cohort=cohort, programme=programme, who=who, policy=policy,
                                                     on=today, reason=reason))
        except CpdError as exc:
            raise rule_broken(exc) from None
        if e.status == EnrolmentStatus.WAITING:
            allocate_places(uow, cohort, programme, seq)
        elif e.status != EnrolmentStatus.REQUESTED:
            _approved(uow, e, programme, policy)
        uow.audit("enrolment.requested", "enrolment", e.id, {
            "cohort_id": cohort.id, "programme_id": programme.id, "cost": e.cost, "reason": reason,
            "status": [None, e.status.value]})
        uow.commit()
        return e


def _change(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, allowed: tuple[str, ...], doing: str,
            action: Callable[[Enrolment, set[str], uuid.UUID | None], dict | None]) -> Enrolment:
    """Lock the cohort then the enrolment (always in that order, so two changes never deadlock), authorise,
    apply `action` (which returns the audit detail), commit; domain errors become problems."""
    with uow:
        cohort_id = uow.enrolments.cohort_of(enrolment_id)
        if cohort_id is None:
            raise missing("enrolment")
        uow.catalogue.lock_cohort(cohort_id)
        e = uow.enrolments.get(enrolment_id, for_update=True)
        manager_id = uow.staff.line_manager_of(e.staff_id)
        found = relation(principal, staff_id=e.staff_id, academy_id=e.academy_id, line_manager_id=manager_id)
        require_relation(found, *allowed, what="enrolment", doing=doing)
        status_before = e.status
        try:
            detail = action(e, found, manager_id) or {}
        except CpdError as exc:
            raise rule_broken(exc) from None
        if e.status != status_before:
            detail["status"] = [status_before.value, e.status.value]
        uow.audit("enrolment." + doing.replace(" ", "_"), "enrolment", e.id, detail)
        uow.commit()
        return e


def approve(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, note: str | None = None,
            today: date | None = None) -> Enrolment:
    """The line manager approves first; above the approval threshold HR approves next (Enrolment.approve)."""
    today = today or date.today()

    def action(e: Enrolment, found: set[str], manager_id):
        policy = uow.catalogue.policy()
        approval = e.approve(principal.staff_id, as_manager="manager" in found, as_hr="hr" in found,
                             has_manager=manager_id is not None, on=today, policy=policy)
        e.decision_note = note
        programme = uow.catalogue.programme(e.programme_id)
        _approved(uow, e, programme, policy, approval)
        e.approval_settled(approval, programme)  # after the places are given
        return {"stage": approval.stage, "note": note}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "approve", action)


def decline(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, note: str,
            today: date | None = None) -> Enrolment:
    """The line manager declines at their stage; HR (the budget holder) at either."""
    def action(e: Enrolment, found: set[str], _manager_id):
        e.decline(today or date.today(), note, by=principal.staff_id, as_hr="hr" in found,
                  programme=uow.catalogue.programme(e.programme_id))
        return {"note": note}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "decline", action)


def withdraw(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, note: str | None = None) -> Enrolment:
    """The participant (or HR) gives up the request or place; a freed place goes to the next in line."""
    def action(e: Enrolment, _found, _manager_id):
        had_place = e.withdraw(note)
        detail = {"note": note}
        if had_place:
            cohort, seq = locked_cohort(uow, e.cohort_id)
            promoted = allocate_places(uow, cohort, uow.catalogue.programme(e.programme_id), seq)
            detail["promoted"] = [p.id for p in promoted]
        return detail

    return _change(uow, principal, enrolment_id, ("participant", "hr"), "withdraw", action)


def record_attendance(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, percent: int) -> Enrolment:
    def action(e: Enrolment, _found, _manager_id):
        before = e.attendance_percent
        e.record_attendance(percent)
        return {"attendance_percent": [before, percent]}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "record attendance", action)


def complete(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, completed: bool,
             completed_on: date | None = None, today: date | None = None) -> Enrolment:
    today = today or date.today()
    completed_on = completed_on or today
    if completed_on > today:
        raise Unprocessable(f"a programme cannot be completed in the future ({in_words(completed_on)})",
                            errors=[{"location": "json", "pointer": "#/completed_on", "detail": "after today"}])

    def action(e: Enrolment, _found, _manager_id):
        programme = uow.catalogue.programme(e.programme_id)
        cohort = uow.catalogue.cohort(e.cohort_id)
        if cohort is not None and completed_on < cohort.starts_on:
            detail = f"before the cohort starts ({in_words(cohort.starts_on)})"
            raise Unprocessable(f"a programme cannot be completed ({in_words(completed_on)}) {detail}; check the date",
                                errors=[{"location": "json", "pointer": "#/completed_on", "detail": detail}])
        e.complete(completed_on, completed, programme=programme, cohort=cohort, today=today)
        if completed:
            impact.open_record(uow, e, programme, completed_on)
        return {"completed_on": completed_on, "completed": completed}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "record completion", action)


def evaluate(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, rating: int, notes: str) -> Enrolment:
    def action(e: Enrolment, _found, _manager_id):
        before = [e.impact_rating, e.impact_notes]
        e.evaluate(principal.staff_id, rating, notes)
        return {"impact_rating": [before[0], rating], "impact_notes_changed": before[1] != notes}

    return _change(uow, principal, enrolment_id, ("participant",), "evaluate impact", action)


def release_places_on_leaving(uow: CpdUnitOfWork, staff_id: uuid.UUID, left_on: date) -> list[Enrolment]:
    """For the staff.left handler, inside its unit of work (no commit here): the leaver's open requests
    and places are withdrawn, and each freed place goes to the next in line. Call it after
    agreements.clawback_on_leaving, which needs to see a place still held. Returns the enrolments withdrawn."""
    open_ones = uow.enrolments.open_ones_of(staff_id)
    withdrawn = []
    for cohort_id in sorted({e.cohort_id for e in open_ones}, key=str):  # one lock order for every caller
        cohort, seq = locked_cohort(uow, cohort_id)
        freed = False
        for e in (x for x in open_ones if x.cohort_id == cohort_id):
            e = uow.enrolments.get(e.id, for_update=True)
            if e.status not in OPEN_REQUEST:
                continue
            before = e.status
            freed |= e.withdraw(f"left the trust on {in_words(left_on)}")
            uow.audit("enrolment.withdraw", "enrolment", e.id, {"status": [before.value, e.status.value],
                                                                "left_on": left_on})
            withdrawn.append(e)
        if freed:
            allocate_places(uow, cohort, uow.catalogue.programme(cohort.programme_id), seq)
    return withdrawn
