"""Commands on enrolments: request a place, approve or decline, allocate in waiting-list order, withdraw,
attendance, completion and the participant's evaluation. Each runs in one unit of work with its events
and audit row; anything that can give or free a place first locks the cohort row."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Callable

from staffroom_shared.authz import require
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal
from staffroom_shared.money import pounds  # as the portal writes money (it was "£2450.00", outsider 5)

from ..adapters.repository import CpdRepository, EnrolmentFilter
from ..domain.agreements import TrainingAgreement
from ..domain.catalogue import Cohort, Policy, Programme
from ..domain.enrolments import Enrolment, EnrolmentStatus, allocate
from ..domain.errors import CpdError
from .access import relation, require_relation
from .errors import rule_broken


def ref(e: Enrolment, programme: Programme) -> dict:
    return {"enrolment_id": e.id, "staff_id": e.staff_id, "academy_id": e.academy_id, "programme_id": e.programme_id,
            "programme_title": programme.title, "cohort_id": e.cohort_id, "cost": e.cost}


def locked_cohort(repo: CpdRepository, cohort_id: uuid.UUID) -> tuple[Cohort, int]:
    """The cohort, locked until commit, and its waiting-list counter (read after the lock, so fresh)."""
    seq = repo.lock_cohort(cohort_id)
    if seq is None:
        raise NotFound(f"there is no cohort with id {cohort_id}")
    return repo.session.get(Cohort, cohort_id, populate_existing=True), seq


def allocate_places(uow: UnitOfWork, repo: CpdRepository, cohort: Cohort, programme: Programme,
                    seq: int, approval: dict | None = None) -> list[Enrolment]:
    """With the cohort locked: number newcomers on the waiting list, give free places strictly in order,
    and say so (cpd.enrolled / cpd.waitlisted). `approval` ({enrolment_id, approved_by, stage}) is the approval
    that has just made one of them a newcomer: its place says who approved it, so that the person hears of both
    in one message (outsider, issue 20). Returns those promoted from the waiting list."""
    present = repo.in_cohort(cohort.id, cohort.capacity)
    newcomers = [e for e in present if e.status == EnrolmentStatus.WAITING and e.waiting_since is None]
    confirmed = allocate(cohort, present, seq + 1)
    if newcomers:
        repo.set_waiting_seq(cohort.id, seq + len(newcomers))
    promoted = []
    for e in confirmed:
        from_waiting_list = e not in newcomers
        if from_waiting_list:
            promoted.append(e)
        approved = ({"approved_by": approval["approved_by"], "approval_stage": approval["stage"]}
                    if approval and approval["enrolment_id"] == e.id else {})
        uow.emit("cpd.enrolled", {**ref(e, programme), "starts_on": cohort.starts_on,
                                  "from_waiting_list": from_waiting_list, "programme_kind": programme.kind.value,
                                  **approved}, academy_id=e.academy_id)
    uow.session.flush()
    for e in newcomers:
        if e.status == EnrolmentStatus.WAITING:
            uow.emit("cpd.waitlisted", {**ref(e, programme), "position": repo.waiting_position(e)},
                     academy_id=e.academy_id)
    return promoted


def _approved(uow: UnitOfWork, repo: CpdRepository, e: Enrolment, programme: Programme, policy: Policy,
              approval: dict | None = None) -> None:
    """After the last approval: a training agreement to sign first, or straight to the waiting list and a place."""
    if e.status == EnrolmentStatus.AWAITING_AGREEMENT:
        agreement = TrainingAgreement(enrolment_id=e.id, staff_id=e.staff_id, academy_id=e.academy_id, cost=e.cost,
                                      schedule=[list(band) for band in policy.repayment_schedule])
        uow.session.add(agreement)
        uow.emit("cpd.agreement_required", {**ref(e, programme), "agreement_id": agreement.id},
                 academy_id=e.academy_id)
    elif e.status == EnrolmentStatus.WAITING:
        cohort, seq = locked_cohort(repo, e.cohort_id)
        allocate_places(uow, repo, cohort, programme, seq, approval)


def request_place(uow: UnitOfWork, principal: Principal, cohort_id: uuid.UUID, reason: str,
                  today: date | None = None) -> Enrolment:
    """A member of staff asks for a place on a cohort for themselves."""
    today = today or date.today()
    with uow:
        repo = CpdRepository(uow.session)
        person = repo.person(principal.staff_id)
        if person is None:
            raise Forbidden("CPD requests are made by members of staff for themselves, and you are not in CPD's "
                            "copy of the staff list (yet): ask HR to check your directory record")
        if person["leaving_date"] is not None and person["leaving_date"] <= today:
            raise Conflict(f"you left on {person['leaving_date']}; leavers cannot request CPD")
        cohort, seq = locked_cohort(repo, cohort_id)  # so two requests at once cannot both look unduplicated
        programme = repo.programme(cohort.programme_id)
        if programme.academy_id is not None and programme.academy_id != person["academy_id"]:
            raise NotFound(f"there is no cohort with id {cohort_id}")
        if not programme.active:
            raise Conflict(f"'{programme.title}' is no longer offered")
        if cohort.ends_on < today:
            raise Conflict(f"cohort '{cohort.name}' ended on {cohort.ends_on}; choose a later cohort")
        if (existing := repo.open_request(principal.staff_id, cohort.id)) is not None:
            raise Conflict(f"you have already asked for a place on this cohort (enrolment {existing.id} is "
                           f"'{existing.status.label}'); withdraw it first to ask again")
        policy = repo.policy()
        e = Enrolment(cohort_id=cohort.id, programme_id=programme.id, staff_id=principal.staff_id,
                      academy_id=person["academy_id"], cost=programme.cost, requested_on=today, reason=reason)
        uow.session.add(e)
        uow.emit("cpd.enrolment_requested", {**ref(e, programme), "line_manager_id": person["line_manager_id"],
                                             "needs_hr_approval": programme.requires_approval and e.needs_hr(policy)},
                 academy_id=e.academy_id)
        if not programme.requires_approval:
            e.approve_without_asking(policy)
            uow.emit("cpd.enrolment_approved", {**ref(e, programme), "approved_by": None, "stage": "automatic",
                                                "status": e.status.value}, academy_id=e.academy_id)
            if e.status == EnrolmentStatus.WAITING:
                uow.session.flush()
                allocate_places(uow, repo, cohort, programme, seq)
            else:
                _approved(uow, repo, e, programme, policy)
        uow.audit("enrolment.requested", "enrolment", e.id, {
            "cohort_id": cohort.id, "programme_id": programme.id, "cost": e.cost, "reason": reason,
            "status": [None, e.status.value]})
        uow.commit()
        return e


def _change(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, allowed: tuple[str, ...], doing: str,
            action: Callable[[Enrolment, CpdRepository, set[str], uuid.UUID | None], dict | None]) -> Enrolment:
    """Lock the cohort then the enrolment (always in that order, so two changes never deadlock), authorise,
    apply `action` (which returns the audit detail), commit; domain errors become problems."""
    with uow:
        repo = CpdRepository(uow.session)
        cohort_id = repo.cohort_of_enrolment(enrolment_id)
        if cohort_id is None:
            raise NotFound(f"there is no enrolment with id {enrolment_id}")
        repo.lock_cohort(cohort_id)
        e = repo.enrolment(enrolment_id, for_update=True)
        manager_id = repo.line_manager_of(e.staff_id)
        found = relation(principal, staff_id=e.staff_id, academy_id=e.academy_id, line_manager_id=manager_id)
        require_relation(found, *allowed, what="enrolment", record_id=enrolment_id, doing=doing)
        status_before = e.status
        try:
            detail = action(e, repo, found, manager_id) or {}
        except CpdError as exc:
            raise rule_broken(exc) from None
        if e.status != status_before:
            detail["status"] = [status_before.value, e.status.value]
        uow.audit("enrolment." + doing.replace(" ", "_"), "enrolment", e.id, detail)
        uow.commit()
        return e


DECIDED = {EnrolmentStatus.AWAITING_AGREEMENT: "approved, and waiting for its training agreement to be signed",
           EnrolmentStatus.WAITING: "approved, and on the waiting list", EnrolmentStatus.CONFIRMED: "approved, with a place",
           EnrolmentStatus.DID_NOT_COMPLETE: "finished without being completed"}


def approve(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, note: str | None = None,
            today: date | None = None) -> Enrolment:
    """The line manager approves first; above the approval threshold HR approves next. HR stands in for the
    line manager only for someone who has none on record."""
    today = today or date.today()

    def action(e: Enrolment, repo: CpdRepository, found: set[str], manager_id):
        policy = repo.policy()
        if e.status == EnrolmentStatus.AWAITING_HR:
            if "hr" not in found and "manager" in found:  # approved again, from a page open from before: say so
                raise Conflict("you have approved this request already; HR for the academy approves it next, as "
                               f"the cost ({pounds(e.cost)}) is over {pounds(policy.approval_threshold)}")
            require("hr" in found, f"the line manager has approved; HR for the academy approves next, as the cost "
                                   f"({pounds(e.cost)}) is over {pounds(policy.approval_threshold)}")
            stage = "hr"
            e.approve_as_hr(principal.staff_id, today, policy)
        elif e.status != EnrolmentStatus.REQUESTED:  # approved already, or decided: say so, not who approves first
            raise Conflict(f"this request is not waiting for approval: it is {DECIDED.get(e.status, e.status.label)}")
        else:
            require("manager" in found or ("hr" in found and manager_id is None),
                    "the line manager approves a CPD request first")
            stage = "line_manager"
            e.approve_as_manager(principal.staff_id, today, policy)
        e.decision_note = note
        programme = repo.programme(e.programme_id)
        _approved(uow, repo, e, programme, policy, {"enrolment_id": e.id, "approved_by": principal.staff_id,
                                                    "stage": stage})
        # after the places are given: its status says where the approval left it (a place, or the waiting list), not
        # the moment between (a member of staff was told "you are on the waiting list", then "your place is confirmed")
        uow.emit("cpd.enrolment_approved", {**ref(e, programme), "approved_by": principal.staff_id, "stage": stage,
                                            "status": e.status.value}, academy_id=e.academy_id)
        return {"stage": stage, "note": note}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "approve", action)


def decline(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, note: str,
            today: date | None = None) -> Enrolment:
    """The line manager declines at their stage; HR (the budget holder) at either."""
    def action(e: Enrolment, repo: CpdRepository, found: set[str], _manager_id):
        if "hr" not in found and e.status == EnrolmentStatus.AWAITING_HR:
            raise Forbidden("the line manager has already approved; HR for the academy decides now")
        e.decline(today or date.today(), note)
        uow.emit("cpd.enrolment_declined", {**ref(e, repo.programme(e.programme_id)), "declined_by": principal.staff_id,
                                            "note": note}, academy_id=e.academy_id)
        return {"note": note}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "decline", action)


def withdraw(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, note: str | None = None) -> Enrolment:
    """The participant (or HR) gives up the request or place; a freed place goes to the next in line."""
    def action(e: Enrolment, repo: CpdRepository, _found, _manager_id):
        had_place = e.withdraw(note)
        detail = {"note": note}
        if had_place:
            cohort, seq = locked_cohort(repo, e.cohort_id)
            promoted = allocate_places(uow, repo, cohort, repo.programme(e.programme_id), seq)
            detail["promoted"] = [p.id for p in promoted]
        return detail

    return _change(uow, principal, enrolment_id, ("participant", "hr"), "withdraw", action)


def record_attendance(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, percent: int) -> Enrolment:
    def action(e: Enrolment, _repo, _found, _manager_id):
        before = e.attendance_percent
        e.record_attendance(percent)
        return {"attendance_percent": [before, percent]}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "record attendance", action)


def complete(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, completed: bool,
             completed_on: date | None = None, today: date | None = None) -> Enrolment:
    today = today or date.today()
    completed_on = completed_on or today
    if completed_on > today:
        raise Unprocessable(f"a programme cannot be completed in the future ({completed_on})",
                            errors=[{"location": "json", "pointer": "#/completed_on", "detail": "after today"}])

    def action(e: Enrolment, repo: CpdRepository, _found, _manager_id):
        e.complete(completed_on, completed)
        programme = repo.programme(e.programme_id)
        if completed:
            uow.emit("cpd.completed", {
                "enrolment_id": e.id, "staff_id": e.staff_id, "academy_id": e.academy_id, "programme_id": programme.id,
                "programme_title": programme.title, "category": programme.kind.value,
                "appraisal_training": programme.appraisal_training, "completed_on": completed_on},
                academy_id=e.academy_id)
        return {"completed_on": completed_on, "completed": completed}

    return _change(uow, principal, enrolment_id, ("manager", "hr"), "record completion", action)


def evaluate(uow: UnitOfWork, principal: Principal, enrolment_id: uuid.UUID, rating: int, notes: str) -> Enrolment:
    def action(e: Enrolment, _repo, _found, _manager_id):
        before = [e.impact_rating, e.impact_notes]
        e.evaluate(principal.staff_id, rating, notes)
        return {"impact_rating": [before[0], rating], "impact_notes_changed": before[1] != notes}

    return _change(uow, principal, enrolment_id, ("participant",), "evaluate impact", action)


def release_places_on_leaving(uow: UnitOfWork, staff_id: uuid.UUID, left_on: date) -> list[Enrolment]:
    """For the staff.left handler, inside its unit of work (no commit here): the leaver's open requests
    and places are withdrawn, and each freed place goes to the next in line. Call it after
    agreements.clawback_on_leaving, which needs to see a place still held. Returns the enrolments withdrawn."""
    from ..domain.enrolments import OPEN_REQUEST

    repo = CpdRepository(uow.session)
    open_ones = [e for e in repo.enrolments(EnrolmentFilter(staff_id=staff_id), page=1, page_size=10_000)[0]
                 if e.status in OPEN_REQUEST]
    withdrawn = []
    for cohort_id in sorted({e.cohort_id for e in open_ones}, key=str):  # one lock order for every caller
        cohort, seq = locked_cohort(repo, cohort_id)
        freed = False
        for e in (x for x in open_ones if x.cohort_id == cohort_id):
            e = repo.enrolment(e.id, for_update=True)
            if e.status not in OPEN_REQUEST:
                continue
            before = e.status
            freed |= e.withdraw(f"left the trust on {left_on}")
            uow.audit("enrolment.withdraw", "enrolment", e.id, {"status": [before.value, e.status.value],
                                                                "left_on": left_on})
            withdrawn.append(e)
        if freed:
            allocate_places(uow, repo, cohort, repo.programme(cohort.programme_id), seq)
    return withdrawn
