"""Priorities that cascade (issue 24): who sets which, the objective's link to one, and the roll-up of how far the
people whose objectives serve each priority have got."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.authz import academy_scope, can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from ..adapters.repository import AppraisalFilter
from ..domain.model import Appraisal, AppraisalError
from ..domain.priorities import Level, Priority, below, counts, school_year_of, supporters
from .access import relation
from .errors import rule_broken
from .unit_of_work import AppraisalUnitOfWork, Reads

EDITABLE = ("title", "description", "success_measure", "team", "parent_id")


def _invalid(field: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"location": "json", "pointer": f"#/{field}", "detail": detail}])


def _line_manages(uow: AppraisalUnitOfWork | Reads, principal: Principal) -> bool:
    return principal.staff_id is not None and any(
        p.line_manager_id == principal.staff_id for p in uow.staff.people(principal.academy_id))


def may_set(uow: AppraisalUnitOfWork | Reads, principal: Principal, priority: Priority) -> bool:
    """Trust HR set the trust's; HR of the academy its improvement-plan priorities (the service knows no heads: the
    academy's HR enter them); a team's, its owner, a line manager, or the academy's HR."""
    if priority.level == Level.TRUST:
        return is_trust_hr(principal)
    if can_manage_academy(principal, priority.academy_id):
        return True
    return (priority.level == Level.TEAM and principal.staff_id == priority.owner_id
            and principal.academy_id == priority.academy_id and _line_manages(uow, principal))


def _seen(principal: Principal, priority: Priority | None) -> bool:
    return priority is not None and (priority.seen_by(principal.academy_id)
                                     or can_manage_academy(principal, priority.academy_id))


def _parent(uow, priority: Priority, parent_id: uuid.UUID | None) -> Priority | None:
    if parent_id is None:
        return None
    parent = uow.priorities.get(parent_id)
    if parent is None:
        raise _invalid("parent_id", "there is no such priority; choose one from the list")
    return parent


def create(uow: AppraisalUnitOfWork, principal: Principal, data: dict) -> Priority:
    data = dict(data)
    level = Level(data["level"])
    if level != Level.TRUST:
        data.setdefault("academy_id", None)
        data["academy_id"] = data["academy_id"] or principal.academy_id
    if level == Level.TEAM and not data.get("owner_id"):
        data["owner_id"] = principal.staff_id
    with uow:
        try:
            priority = Priority(**data)
            priority.may_serve(_parent(uow, priority, priority.parent_id))
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        require(may_set(uow, principal, priority), f"you cannot set a {level.label} here")
        if priority.owner_id is not None:
            owner = uow.staff.person(priority.owner_id)
            if owner is None or owner.academy_id != priority.academy_id or not owner.in_post_on(date.today()):
                raise _invalid("owner_id", "the owner is a line manager in post at this academy")
        uow.priorities.add(priority)
        uow.audit("priority.created", "priority", priority.id, {k: v for k, v in data.items() if v is not None})
        uow.commit()
        return priority


def _editable(uow: AppraisalUnitOfWork, principal: Principal, priority_id: uuid.UUID) -> Priority:
    priority = uow.priorities.get(priority_id, for_update=True)
    if not _seen(principal, priority):
        raise NotFound(f"there is no priority with id {priority_id}")
    require(may_set(uow, principal, priority), f"you cannot change this {priority.level.label}")
    return priority


def change(uow: AppraisalUnitOfWork, principal: Principal, priority_id: uuid.UUID, changes: dict) -> Priority:
    with uow:
        priority = _editable(uow, principal, priority_id)
        if "team" in changes and priority.level != Level.TEAM:
            raise _invalid("team", "only a team priority names a team")
        try:
            parent = _parent(uow, priority, changes.get("parent_id")) if "parent_id" in changes else None
            changed = priority.change(changes, parent)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        if changed:
            uow.audit("priority.updated", "priority", priority.id, changed)
        uow.commit()
        return priority


def archive(uow: AppraisalUnitOfWork, principal: Principal, priority_id: uuid.UUID) -> Priority:
    with uow:
        priority = _editable(uow, principal, priority_id)
        try:
            priority.archive()
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        uow.audit("priority.archived", "priority", priority.id, {"archived": [False, True]})
        uow.commit()
        return priority


def delete(uow: AppraisalUnitOfWork, principal: Principal, priority_id: uuid.UUID) -> None:
    """Only a priority nothing links to yet (a typing slip); one that objectives, templates or other priorities
    serve is archived instead, so the record of what they served stays."""
    with uow:
        priority = _editable(uow, principal, priority_id)
        linked = uow.priorities.links(priority.id)
        if linked:
            raise Conflict(f"'{priority.title}' has {linked} objective(s), template(s) or priorities linked to it; "
                           "archive it instead")
        uow.priorities.remove(priority)
        uow.audit("priority.deleted", "priority", priority_id, {"title": priority.title})
        uow.commit()


# -- reads ---------------------------------------------------------------------------------------------------

def _visible_academies(principal: Principal, academy_id: uuid.UUID | None) -> list[uuid.UUID] | None:
    """Trust HR every academy's (or the one asked for); anyone else their own academy's."""
    if is_trust_hr(principal):
        return [academy_id] if academy_id else None
    require(academy_id is None or academy_id == principal.academy_id, "you can see your own academy's priorities only")
    return [principal.academy_id] if principal.academy_id else []


def listing(reads: Reads, principal: Principal, school_year: int | None, academy_id: uuid.UUID | None,
            archived: bool = True) -> list[Priority]:
    found = reads.priorities.list(school_year, _visible_academies(principal, academy_id))
    return [p for p in found if archived or not p.archived]


def one(reads: Reads, principal: Principal, priority_id: uuid.UUID) -> Priority:
    priority = reads.priorities.get(priority_id)
    if not _seen(principal, priority):
        raise NotFound(f"there is no priority with id {priority_id}")
    return priority


def check_link(uow: AppraisalUnitOfWork, appraisal: Appraisal, priority_id: uuid.UUID | None) -> None:
    """An objective of this appraisal may serve this priority (None: serves none)."""
    if priority_id is None:
        return
    priority = uow.priorities.get(priority_id)
    if priority is None:
        raise _invalid("priority_id", "there is no such priority; choose one from the list")
    try:
        priority.may_link(appraisal, school_year_of(uow.cycles.get(appraisal.cycle_id).starts_on))
    except AppraisalError as exc:
        raise _invalid("priority_id", str(exc)) from None


def roll_up(reads: Reads, principal: Principal, school_year: int, academy_id: uuid.UUID | None) -> list[dict]:
    """For each priority the caller can see in the year: the people whose objectives serve it or a priority under
    it, by how far they have got (trust HR: per academy too). HR see their academy's people (trust HR all); a line
    manager their academy's numbers. Names only of the people whose appraisals the caller may see."""
    scope = academy_scope(principal)
    if scope is None:
        scope = [academy_id] if academy_id else None
    elif not scope:
        appraises = reads.appraisals.find(AppraisalFilter(appraiser_id=principal.staff_id), page=1, page_size=1)[1]
        require(appraises > 0 and principal.academy_id is not None, "the roll-up is for HR and line managers")
        scope = [principal.academy_id]
    else:
        require(academy_id is None or academy_id in scope, "you can see your own academy's roll-up only")
    found = reads.priorities.list(school_year, scope)
    appraisals = reads.priorities.serving({p.id for p in found}, scope)
    by_id = {a.id: a for a in appraisals}
    names = reads.staff.names(a.reviewee_id for a in appraisals)
    academies = reads.staff.academy_names()
    rows = []
    for priority in found:
        people = supporters(appraisals, below(priority.id, found))
        row = {"priority": priority, "people": len({s.reviewee_id for s in people}), "counts": counts(people),
               "academy_name": academies.get(priority.academy_id)}
        if scope is None or len(scope) > 1:
            row["academies"] = sorted(
                ({"academy_id": a, "academy_name": academies.get(a), "people": len({s.reviewee_id for s in mine}),
                  "counts": counts(mine)}
                 for a in {s.academy_id for s in people} for mine in [[s for s in people if s.academy_id == a]]),
                key=lambda r: (r["academy_name"] or "", str(r["academy_id"])))
        row["named"] = sorted(
            ({"appraisal_id": s.appraisal_id, "name": names.get(s.reviewee_id), "progress": s.progress.value,
              "objectives": s.objectives}
             for s in people if relation(principal, by_id[s.appraisal_id])),
            key=lambda r: (r["name"] or "", str(r["appraisal_id"])))
        rows.append(row)
    return rows


def current_school_year(today: date | None = None) -> int:
    return school_year_of(today or date.today())
