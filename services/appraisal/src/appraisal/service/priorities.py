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
from ..domain.priorities import (
    NO_SUCH_PRIORITY, Level, Priority, RollUpViewer, Whose, below, counts, school_year_of, seen_supporters,
)
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


def _parent(uow, principal: Principal, parent_id: uuid.UUID | None) -> Priority | None:
    """The priority to serve; one the caller may not see is answered as an id that never was (GET gives 404)."""
    if parent_id is None:
        return None
    parent = uow.priorities.get(parent_id)
    if not _seen(principal, parent):
        raise _invalid("parent_id", NO_SUCH_PRIORITY)
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
            priority.may_serve(_parent(uow, principal, priority.parent_id))
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        require(may_set(uow, principal, priority), f"you cannot set {level.a} here")
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
            parent = _parent(uow, principal, changes.get("parent_id")) if "parent_id" in changes else None
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


def check_link(uow: AppraisalUnitOfWork, principal: Principal, appraisal: Appraisal,
               priority_id: uuid.UUID | None) -> None:
    """An objective of this appraisal may serve this priority (None: serves none). One the caller may not see (an
    appraiser at another academy than their reviewee's: GET gives them 404) is answered as an id that never was,
    before a later check could name it."""
    if priority_id is None:
        return
    priority = uow.priorities.get(priority_id)
    if not _seen(principal, priority):
        raise _invalid("priority_id", NO_SUCH_PRIORITY)
    try:
        priority.may_link(appraisal, school_year_of(uow.cycles.get(appraisal.cycle_id).starts_on))
    except AppraisalError as exc:
        raise _invalid("priority_id", str(exc)) from None


def _roll_up_viewer(reads: Reads, principal: Principal) -> RollUpViewer:
    """Who may read the roll-up, and whose appraisals it is made from: trust HR everyone's; academy HR their
    academy's; a line manager (the appraiser of someone) their own reviewees'. Anyone else: 403."""
    scope = academy_scope(principal)
    if scope is None:
        return RollUpViewer(Whose.TRUST)
    if scope:
        return RollUpViewer(Whose.ACADEMY, academy_id=principal.academy_id)
    appraises = principal.staff_id is not None and reads.appraisals.find(
        AppraisalFilter(appraiser_id=principal.staff_id), page=1, page_size=1)[1] > 0
    require(appraises and principal.academy_id is not None, "the roll-up is for HR and line managers")
    return RollUpViewer(Whose.REVIEWEES, academy_id=principal.academy_id, staff_id=principal.staff_id)


def made_from_words(viewer: RollUpViewer, people: int, academy_name: str | None) -> str:
    """Whose figures the roll-up holds, in plain words, for the API and the page alike."""
    counted = "1 person" if people == 1 else f"{people} people"
    if viewer.whose is Whose.TRUST:
        where = f"at {academy_name}" if academy_name else "across the trust"
        return f"Made from everyone {where} whose objectives serve these priorities ({counted})."
    if viewer.whose is Whose.ACADEMY:
        return (f"Made only from the people at {academy_name or 'your academy'} ({counted} whose objectives serve "
                "these priorities). Other academies' people are not counted here.")
    if not people:
        return ("Made only from the people you appraise, and none of their objectives serves these priorities yet. "
                "It does not show the academy's or a team's figures.")
    whom = "the 1 person you appraise whose objectives serve" if people == 1 else \
        f"the {people} people you appraise whose objectives serve"
    return (f"Made only from {whom} these priorities: each figure is your reviewees', not the academy's or a "
            "team's.")


def roll_up(reads: Reads, principal: Principal, school_year: int, academy_id: uuid.UUID | None) -> dict:
    """For each priority the caller can see in the year: the people whose objectives serve it or a priority under
    it, by how far they have got (trust HR: per academy too), made only from the appraisals the caller may see
    (`made_from` says whose), so that no figure moves when someone they may not see is reviewed. Names only of the
    people whose appraisals the caller may see."""
    viewer = _roll_up_viewer(reads, principal)
    if viewer.whose is Whose.TRUST:
        scope = [academy_id] if academy_id else None
    else:
        require(academy_id is None or academy_id == principal.academy_id, "you can see your own academy's roll-up only")
        scope = [principal.academy_id]
    found = reads.priorities.list(school_year, scope)
    serving = {p.id for p in found}
    if viewer.whose is Whose.REVIEWEES:  # their reviewees wherever they work: a trust priority may be served anywhere
        appraisals = reads.priorities.serving(serving, None, appraiser_id=viewer.staff_id)
    else:
        appraisals = reads.priorities.serving(serving, scope)
    appraisals = [a for a in appraisals if viewer.may_see(a)]
    by_id = {a.id: a for a in appraisals}
    names = reads.staff.names(a.reviewee_id for a in appraisals)
    academies = reads.staff.academy_names()
    rows = []
    for priority in found:
        people = seen_supporters(appraisals, below(priority.id, found), viewer)
        row = {"priority": priority, "people": len({s.reviewee_id for s in people}), "counts": counts(people),
               "academy_name": academies.get(priority.academy_id)}
        if scope is None:
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
    people = len({s.reviewee_id for s in seen_supporters(appraisals, serving, viewer)})
    academy_name = academies.get(scope[0], "an academy") if scope else None
    return {"made_from": {"whom": viewer.whose, "people": people,
                          "words": made_from_words(viewer, people, academy_name)},
            "priorities": rows}


def current_school_year(today: date | None = None) -> int:
    return school_year_of(today or date.today())
