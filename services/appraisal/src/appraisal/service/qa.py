"""The QA map's use cases (issue 24): HR calendar QA rounds (one, or a series every few weeks); the map of a round as
a viewer may see it, with each cell's movement since the round before; the strong colleagues a cell could pair with
those who want coaching; actions from a cell (a shared strength's coaching links, a challenge, an intervention) and
their reviews; staff asking for coaching."""
from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from staffroom_shared.authz import can_manage_academy, is_academy_hr_for, is_trust_hr, require
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from ..domain.model import AppraisalError, StaffGroup
from ..domain.observations import Band, Template, department_as_kept, same_department
from ..domain.qa import (
    ActionKind, CellKey, CoachingLink, CoachingRequest, QaAction, QaRound, Seen, View, Viewer, cells,
    check_round_dates, coaching_criterion, dashboard_order, latest_bands, movement, previous_round, series_dates, series_names,
    suggest_pairs, teachers_in, viewers_cells,
)
from .errors import rule_broken
from .unit_of_work import AppraisalUnitOfWork, Reads


def _problem(pointer: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"location": "json", "pointer": pointer, "detail": detail}])


# -- who may do what ---------------------------------------------------------------------------------------------

def may_manage_rounds(principal: Principal, academy_ids: list[uuid.UUID]) -> bool:
    """Trust HR calendar rounds for any academies; academy HR for their own academy only."""
    return is_trust_hr(principal) or (bool(academy_ids) and all(is_academy_hr_for(principal, a) for a in academy_ids))


def may_see_round(principal: Principal, qa_round: QaRound) -> bool:
    """The calendar is no secret in the academies a round covers: their staff and HR see it; trust HR see all."""
    return is_trust_hr(principal) or principal.academy_id in qa_round.academy_ids


# What someone is told of a round they may not see: the same as of an id that was never a round, before any other
# check could name it, its dates or its academies (outsider, issue 24: a Hillcrest line manager read an Oakfield-only
# round's name and dates from the 422s an observation in it was refused with).
NO_SUCH_ROUND = "there is no such QA round; choose one from the calendar"


def _round(reads_or_uow, principal: Principal, round_id: uuid.UUID) -> QaRound:
    found = reads_or_uow.qa.get(round_id)
    if found is None or not may_see_round(principal, found):
        raise NotFound(NO_SUCH_ROUND)
    return found


def may_act(principal: Principal, academy_id: uuid.UUID | None) -> bool:
    """A head (the academy's HR) acts on their academy's cells; the trust (trust HR) on any, and on the trust's."""
    return is_trust_hr(principal) if academy_id is None else can_manage_academy(principal, academy_id)


def _viewer(reads: Reads, principal: Principal, qa_round: QaRound) -> Viewer:
    """Who may open the round's map, and whose teachers it is made from: trust HR the trust's; academy HR (a head)
    of a covered academy their academy's; a line manager in a covered academy their reviewees' (the appraisals they
    are appraiser of). Anyone else: 403."""
    if is_trust_hr(principal):
        return Viewer(View.TRUST)
    if principal.has_role("academy_hr") and principal.academy_id in qa_round.academy_ids:
        return Viewer(View.ACADEMY, academy_id=principal.academy_id)
    manages = principal.staff_id is not None and principal.academy_id in qa_round.academy_ids and any(
        p.line_manager_id == principal.staff_id for p in reads.staff.people(principal.academy_id))
    require(manages, "the QA map is for HR, heads and line managers in the academies the round covers")
    return Viewer(View.REVIEWEES, academy_id=principal.academy_id, staff_id=principal.staff_id)


def _teachers(n: int) -> str:
    return "1 teacher" if n == 1 else f"{n} teachers"


def made_from_words(viewer: Viewer, teachers: int, academy_name: str) -> str:
    """What a viewer's map is made from, in plain words, for the API and the page alike."""
    if viewer.made_from is View.TRUST:
        if not teachers:
            return "No teacher has been observed in this round yet."
        return f"Made from the {_teachers(teachers)} observed across the trust in this round."
    if viewer.made_from is View.ACADEMY:
        if not teachers:
            return (f"No teacher at {academy_name} has been observed in this round yet. Other academies and the trust "
                    "as a whole are not on your map.")
        return (f"Made from the {_teachers(teachers)} observed at {academy_name} in this round. Other academies and "
                "the trust as a whole are not on your map.")
    if not teachers:
        return ("Made only from the teachers you appraise, and none of them has been observed in this round yet. "
                "It does not show departments' figures.")
    whom = "the 1 teacher you appraise who was" if teachers == 1 else f"the {teachers} teachers you appraise who were"
    return (f"Made only from {whom} observed in this round: each cell is your reviewees' figure, not the "
            "department's, and the trust as a whole is not on your map.")


# -- rounds ------------------------------------------------------------------------------------------------------

def _template_for(uow, template_id: uuid.UUID, academy_ids: list[uuid.UUID]) -> Template:
    template = uow.templates.get(template_id)
    if template is None or template.retired or not all(template.applies_to(a) for a in academy_ids):
        raise _problem("#/template_id", "choose a template in use in every academy the round covers (a trust-wide "
                                        "one, or the academy's own for a round of that academy alone)")
    if not any(c.graded for c in template.criteria):
        raise _problem("#/template_id", f"template '{template.name}' grades nothing, so it cannot make a map; choose "
                                        "one with graded criteria")
    return template


def _audited(qa_round: QaRound) -> dict:
    return {"name": qa_round.name, "template_id": qa_round.template_id, "academy_ids": qa_round.academy_ids,
            "starts_on": qa_round.starts_on, "ends_on": qa_round.ends_on, "series_id": qa_round.series_id}


def create_round(uow: AppraisalUnitOfWork, principal: Principal, data: dict) -> QaRound:
    return create_series(uow, principal, {**data, "count": 1, "ends_on": data["ends_on"]})[0]


def create_series(uow: AppraisalUnitOfWork, principal: Principal, data: dict) -> list[QaRound]:
    """One round (`ends_on` given), or `count` rounds every `interval_weeks` from `starts_on`, skipping August."""
    academy_ids = sorted(set(data["academy_ids"]), key=str)
    require(may_manage_rounds(principal, academy_ids), "trust HR calendar QA rounds across academies; academy HR for "
                                                       "their own academy only")
    with uow:
        known = uow.staff.academy_names()
        unknown = [a for a in academy_ids if a not in known]
        if unknown:
            raise _problem("#/academy_ids", f"{len(unknown)} of the academies chosen is not one of the trust's")
        _template_for(uow, data["template_id"], academy_ids)
        try:
            if data.get("ends_on") is not None:
                dates = [(data["starts_on"], data["ends_on"])]
            else:
                dates = series_dates(data["starts_on"], data["count"], data["interval_weeks"])
            check_round_dates(dates, date.today(), series=data.get("ends_on") is None)
            series_id = uuid.uuid4() if len(dates) > 1 else None
            made = [QaRound(name=name, template_id=data["template_id"], academy_ids=academy_ids, starts_on=start,
                            ends_on=end, series_id=series_id, created_by=principal.staff_id)
                    for name, (start, end) in zip(series_names(data["name"], len(dates)), dates)]
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        for qa_round in made:
            uow.qa.add(qa_round)
            uow.audit("qa_round.created", "qa_round", qa_round.id, _audited(qa_round))
        uow.commit()
        return made


def rounds(reads: Reads, principal: Principal, academy_id: uuid.UUID | None = None) -> list[QaRound]:
    found = [r for r in reads.qa.rounds() if may_see_round(principal, r)]
    return [r for r in found if academy_id is None or r.covers(academy_id)]


def qa_round(reads: Reads, principal: Principal, round_id: uuid.UUID) -> QaRound:
    return _round(reads, principal, round_id)


def check_observation(uow: AppraisalUnitOfWork, principal: Principal, round_id: uuid.UUID | None,
                      template_id: uuid.UUID | None, observed_on: date, academy_id: uuid.UUID,
                      staff_group: StaffGroup = StaffGroup.TEACHERS, now_support: bool = False) -> None:
    """An observation recorded as part of a round uses the round's template, falls within its dates and is of a
    teacher (an appraisal of teachers or leaders, of someone not now in a support post) in an academy it covers (422
    naming qa_round_id otherwise). A round the caller may not see (GET gives 404) is refused first, in the words an
    unknown round is: nothing after it may name the round."""
    if round_id is None:
        return
    found = uow.qa.get(round_id)
    if found is None or not may_see_round(principal, found):
        why = NO_SUCH_ROUND
    else:
        why = found.admits(template_id, observed_on, academy_id, staff_group, now_support)
    if why:
        raise _problem("#/qa_round_id", why)


# -- the map -----------------------------------------------------------------------------------------------------

def _seen(uow_or_reads, qa_round: QaRound, template: Template) -> list[Seen]:
    return [Seen.of(template, teacher_id=teacher, academy_id=academy, appraiser_id=appraiser, department=department,
                    observed_on=observed_on, grades=grades or {}, recorded=n)
            for n, (teacher, academy, appraiser, department, observed_on, grades, template_id)
            in enumerate(uow_or_reads.qa.observed(qa_round.id)) if template_id == qa_round.template_id]


def _cells_of(reads, qa_round: QaRound, template: Template, viewer: Viewer):
    return viewers_cells(template, _seen(reads, qa_round, template), viewer)


def qa_map(reads: Reads, principal: Principal, round_id: uuid.UUID) -> dict:
    """The round's map as this viewer may see it, made only from the teachers they may see: trust HR every academy's
    departments and totals and the trust's total; a head their academy's departments and total; a line manager
    cells of their own reviewees. Each cell's teachers, bands and band, and how it moved since the same viewer's map
    of the round before."""
    this = _round(reads, principal, round_id)
    viewer = _viewer(reads, principal, this)
    template = reads.templates.get(this.template_id)
    found = _cells_of(reads, this, template, viewer)
    before = previous_round(this, reads.qa.rounds())
    bands_before: dict[CellKey, Band] = {}
    if before is not None:
        before_cells = _cells_of(reads, before, reads.templates.get(before.template_id), viewer)
        bands_before = {k: c.band for k, c in before_cells.items()}
    criteria = [c for c in template.criteria if c.graded]
    names = reads.staff.academy_names()

    def shown(key: CellKey) -> dict:
        cell = found.get(key)
        if cell is None:
            return {"criterion": key.criterion, "teachers": 0, "band": None, "counts": None, "movement": None}
        counts = cell.counts
        return {"criterion": key.criterion, "teachers": cell.teachers, "band": cell.band,
                "counts": {b.value: counts[b] for b in Band},
                "movement": movement(cell.band, bands_before.get(key)) if before is not None else None}

    rows = []
    for academy_id in sorted(viewer.academies(this, found), key=lambda a: names.get(a, str(a))):
        # one row a department, whatever the case its observations were typed in, in the spelling first met
        spelt: dict[str, str] = {}
        for key in found:
            if key.academy_id == academy_id and key.department:
                spelt.setdefault(same_department(key.department), key.department)
        for department in [spelt[d] for d in sorted(spelt)]:
            rows.append({"academy_id": academy_id, "academy_name": names.get(academy_id, "An academy"),
                         "department": department,
                         "cells": [shown(CellKey(c.key, academy_id, department)) for c in criteria]})
        rows.append({"academy_id": academy_id, "academy_name": names.get(academy_id, "An academy"), "department": None,
                     "cells": [shown(CellKey(c.key, academy_id)) for c in criteria]})
    teachers = teachers_in(found)
    return {"round": this, "template_name": template.name, "still_running": not this.has_ended(date.today()),
            "made_from": {"whom": viewer.made_from, "teachers": teachers,
                          "words": made_from_words(viewer, teachers, names.get(viewer.academy_id, "your academy"))},
            "previous_round": before, "criteria": [{"key": c.key, "label": c.label} for c in criteria],
            "rows": rows, "trust": [shown(CellKey(c.key)) for c in criteria] if viewer.sees_trust_total else None}


def dashboard_map(reads: Reads, principal: Principal, today: date | None = None) -> dict:
    """The map the targets dashboard shows (`dashboard_order`): the newest round that has ended with at least one
    observed teacher on the caller's map (for trust HR, rounds covering every academy first); only when none has,
    the newest running round with someone on it, then the first in that order, whose `still_running` and words say
    the round is not over. Every other round's map, a running one's too, is a link away on the QA page (404 when no
    round has started; 403 for those who open no map)."""
    today = today or date.today()
    trust_academies = set(reads.staff.academy_names()) if is_trust_hr(principal) else None
    order = dashboard_order(rounds(reads, principal), today, trust_academies)
    if not order:
        raise NotFound("no QA round has started yet")
    viewer = _viewer(reads, principal, order[0])  # every round they see covers their academy: one answers for all
    chosen = next((candidate for candidate in order
                   if teachers_in(_cells_of(reads, candidate, reads.templates.get(candidate.template_id), viewer))),
                  order[0])
    found = qa_map(reads, principal, chosen.id)
    if not chosen.has_ended(today):
        found["still_running"] = True
        found["made_from"] = {**found["made_from"], "words": (
            f"This round is still running until {chosen.ends_on:%-d %B %Y}, so its map will change as more teachers "
            f"are observed. {found['made_from']['words']}")}
    return found


# -- sharing a strength ------------------------------------------------------------------------------------------

def _scope_seen(reads, qa_round: QaRound, template: Template, academy_id: uuid.UUID | None,
                department: str | None) -> list[Seen]:
    seen = _seen(reads, qa_round, template)
    return [s for s in seen if (academy_id is None or s.academy_id == academy_id)
            and (department is None or same_department(s.department) == same_department(department))]


def pairs(reads: Reads, principal: Principal, round_id: uuid.UUID, criterion: str, academy_id: uuid.UUID | None,
          department: str | None = None) -> dict:
    """For a cell (the academy's, or the trust's when no academy): colleagues strong in the criterion (their latest
    grade in the round is in a strength band) and those who want coaching in it (they asked, or their latest grade
    is development or intervention), and suggested pairs; `department` names the cell acted from and narrows
    nothing."""
    this = _round(reads, principal, round_id)
    require(may_act(principal, academy_id), "only the academy's HR (or trust HR) share a strength from its cells")
    template = reads.templates.get(this.template_id)
    if template.criterion(criterion) is None or not template.criterion(criterion).graded:
        raise _problem("#/criterion", f"'{criterion}' is not a graded criterion of template '{template.name}'")
    strong, wanting = _strong_and_wanting(reads, this, template, criterion, academy_id)
    names = reads.staff.names([*strong, *wanting])
    return {"criterion": criterion, "criterion_label": template.criterion(criterion).label,
            "strong": [{"id": s, "name": names.get(s, "A colleague")} for s in strong],
            "wanting": [{"id": w, "name": names.get(w, "A colleague"), "reason": why} for w, why in wanting.items()],
            "pairs": [{"coach": {"id": c, "name": names.get(c, "A colleague")},
                       "colleague": {"id": w, "name": names.get(w, "A colleague")}}
                      for c, w in suggest_pairs(strong, list(wanting))]}


def _strong_and_wanting(reads, this: QaRound, template: Template, criterion: str, academy_id):
    """From the cell's academy (the trust for the trust's cells), whatever the department: a strength in maths
    can coach history."""
    whole = latest_bands(_scope_seen(reads, this, template, academy_id, None), criterion)
    strong = sorted((t for t, s in whole.items() if s.bands[criterion] == Band.STRENGTH), key=str)
    wanting: dict[uuid.UUID, str] = {}
    for request in reads.qa.requests(criterion=criterion):
        if academy_id is None or request.academy_id == academy_id:
            wanting[request.staff_id] = "asked for coaching"
    for teacher, seen in sorted(whole.items(), key=lambda item: str(item[0])):
        if seen.bands[criterion] != Band.STRENGTH:
            wanting.setdefault(teacher, f"latest grade is in {'intervention' if seen.bands[criterion] == Band.INTERVENTION else 'development'}")
    for teacher in strong:
        wanting.pop(teacher, None)
    return strong, wanting


# -- actions -----------------------------------------------------------------------------------------------------

def _departments(reads, qa_round: QaRound, template: Template, academy_id: uuid.UUID | None) -> list[str]:
    """The departments of the round's observations at the academy, each spelling once, the most used first."""
    used = Counter(s.department for s in _seen(reads, qa_round, template)
                   if s.department and (academy_id is None or s.academy_id == academy_id))
    return [d for d, _ in used.most_common()]


def _band_in(reads, qa_round: QaRound, key: CellKey) -> Band | None:
    template = reads.templates.get(qa_round.template_id)
    cell = cells(template, _seen(reads, qa_round, template)).get(key)
    return cell.band if cell else None


def create_action(uow: AppraisalUnitOfWork, principal: Principal, round_id: uuid.UUID, data: dict) -> QaAction:
    academy_id, department = data.get("academy_id"), data.get("department")
    require(may_act(principal, academy_id), "only the academy's HR act on its cells; trust HR on any, and on the "
                                            "trust's")
    with uow:
        this = _round(uow, principal, round_id)
        if academy_id is not None and not this.covers(academy_id):
            raise _problem("#/academy_id", f"the QA round '{this.name}' does not cover that academy")
        if academy_id is None and department is not None:
            raise _problem("#/department", "a department's cell is in an academy: choose the academy")
        template = uow.templates.get(this.template_id)
        criterion = template.criterion(data["criterion"])
        if criterion is None or not criterion.graded:
            raise _problem("#/criterion", f"'{data['criterion']}' is not a graded criterion of template "
                                          f"'{template.name}'")
        if department is not None:
            # kept as the round's observations at the academy spell it (outsider, issue 24: "  ENGLISH " and
            # "english" were stored as typed)
            department = department_as_kept(department, _departments(uow, this, template, academy_id))
        key = CellKey(criterion.key, academy_id, department)
        band = _band_in(uow, this, key)
        if band is None:
            if department is not None:
                raise _problem("#/department", f"no teacher in the department '{department}' was graded on this "
                                               "criterion in this round, so there is nothing to act on; choose a "
                                               "department from the map")
            raise _problem("#/criterion", "no teacher was observed in that cell in this round, so there is nothing "
                                          "to act on")
        owner = uow.staff.person(data["owner_id"])
        if owner is None or not owner.in_post_on(date.today()) or (
                academy_id is not None and owner.academy_id != academy_id):
            raise _problem("#/owner_id", "that person cannot own this action: choose a member of staff in post at "
                                         "the cell's academy" if academy_id is not None else
                                         "that person cannot own this action: choose a member of staff in post")
        try:
            action = QaAction(round_id=this.id, criterion=criterion.key, academy_id=academy_id, department=department,
                              kind=data["kind"], owner_id=owner.staff_id, band_then=band,
                              review_on=data.get("review_on"), details={k: data.get(k) for k in
                                                                        ("idea", "success_criteria", "support",
                                                                         "monitoring")},
                              created_by=principal.staff_id)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        links = []
        if action.kind == ActionKind.SHARE:
            chosen = data.get("pairs") or []
            if not chosen:
                raise _problem("#/pairs", "confirm at least one pair of a strong colleague and one who wants coaching")
            strong, wanting = _strong_and_wanting(uow, this, template, criterion.key, academy_id)
            for n, pair in enumerate(chosen):
                if pair["coach_id"] not in strong or pair["colleague_id"] not in wanting:
                    raise _problem(f"#/pairs/{n}", "pair a colleague strong in this criterion with one who wants "
                                                   "coaching in it (see the suggested pairs)")
            links = [CoachingLink(action_id=action.id, coach_id=p["coach_id"], colleague_id=p["colleague_id"],
                                  criterion=criterion.key, criterion_label=criterion.label, academy_id=academy_id)
                     for p in {(p["coach_id"], p["colleague_id"]): p for p in chosen}.values()]
        uow.qa.add_action(action)
        for link in links:
            uow.qa.add_link(link)
        uow.audit("qa_action.created", "qa_action", action.id, {
            "round_id": this.id, "kind": action.kind.value, "criterion": action.criterion, "academy_id": academy_id,
            "department": department, "owner_id": action.owner_id, "review_on": action.review_on,
            "details": action.details, "pairs": [[link.coach_id, link.colleague_id] for link in links]})
        uow.commit()
        return action


def _action(reads_or_uow, principal: Principal, action_id: uuid.UUID, *, for_update: bool = False) -> QaAction:
    found = reads_or_uow.qa.action(action_id, for_update=for_update)
    if found is None or not (may_act(principal, found.academy_id) or principal.staff_id == found.owner_id):
        raise NotFound("there is no such QA action")
    return found


def update_action(uow: AppraisalUnitOfWork, principal: Principal, action_id: uuid.UUID, data: dict) -> QaAction:
    """The owner or HR move an action on (under way, reviewed with what the review found, stopped)."""
    with uow:
        action = _action(uow, principal, action_id, for_update=True)
        try:
            change = action.move_to(data["status"], data.get("review_note"), date.today())
        except AppraisalError as exc:
            raise Conflict(str(exc)) if "plan a new one" in str(exc) else rule_broken(exc) from None
        uow.audit("qa_action.updated", "qa_action", action.id, {"status": [change[0][0], change[1][0]],
                                                                 "review_note": [change[0][1], change[1][1]]})
        uow.commit()
        return action


def band_now(reads: Reads, action: QaAction, today: date | None = None) -> tuple[Band | None, QaRound | None]:
    """The cell's band in the latest round that has it, from the action's round on: the same series, or rounds on the
    same template that have started by today."""
    today = today or date.today()
    start = reads.qa.get(action.round_id)
    later = [r for r in reads.qa.rounds() if r.starts_on >= start.starts_on and r.starts_on <= today
             and (r.id == start.id or (start.series_id is not None and r.series_id == start.series_id)
                  or r.template_id == start.template_id)]
    key = CellKey(action.criterion, action.academy_id, action.department)
    for candidate in sorted(later, key=lambda r: (r.starts_on, r.created_at), reverse=True):
        band = _band_in(reads, candidate, key)
        if band is not None:
            return band, candidate
    return None, None


def described(reads: Reads, action: QaAction, principal: Principal) -> dict:
    """An action as `principal` may see it. The cell's band then and now is the band of every teacher in the cell,
    so only those who may act on the cell (its academy's HR, trust HR), who may see each of them, are shown it; an
    owner who is not (a middle leader leading an intervention) sees the action without them, else reading the band
    now before and after one more observation would tell them that teacher's grade."""
    shows_bands = may_act(principal, action.academy_id)
    now, seen_in = band_now(reads, action) if shows_bands else (None, None)
    names = reads.staff.names([action.owner_id])
    template = reads.templates.get(reads.qa.get(action.round_id).template_id)
    criterion = template.criterion(action.criterion)
    return {"action": action, "owner_name": names.get(action.owner_id, "A colleague"),
            "criterion_label": criterion.label if criterion else action.criterion,
            "academy_name": reads.staff.academy_names().get(action.academy_id) if action.academy_id else None,
            "band_then": action.band_then if shows_bands else None,
            "band_now": now, "band_now_round": seen_in,
            "links": [_link(reads, link) for link in reads.qa.links(action_id=action.id)]}


def action(reads: Reads, principal: Principal, action_id: uuid.UUID) -> dict:
    return described(reads, _action(reads, principal, action_id), principal)


def actions(reads: Reads, principal: Principal, round_id: uuid.UUID) -> list[dict]:
    """The actions from a round's cells the caller may see: HR those of their academy (trust HR all), owners theirs."""
    this = _round(reads, principal, round_id)
    return [described(reads, a, principal) for a in reads.qa.actions([this.id])
            if may_act(principal, a.academy_id) or principal.staff_id == a.owner_id]


# -- coaching ----------------------------------------------------------------------------------------------------

def _link(reads, link: CoachingLink) -> dict:
    names = reads.staff.names([link.coach_id, link.colleague_id])
    return {"link": link, "coach_name": names.get(link.coach_id, "A colleague"),
            "colleague_name": names.get(link.colleague_id, "A colleague")}


def my_links(reads: Reads, principal: Principal) -> list[dict]:
    """The coaching links a shared strength made that the caller is in, as coach or as the colleague coached."""
    if principal.staff_id is None:
        return []
    return [_link(reads, link) for link in reads.qa.links(person=principal.staff_id)]


def ask_for_coaching(uow: AppraisalUnitOfWork, principal: Principal, criterion: str) -> CoachingRequest:
    with uow:
        person = uow.staff.person(principal.staff_id) if principal.staff_id else None
        require(person is not None, "only a member of staff asks for coaching for themselves")
        try:
            asked = coaching_criterion(criterion, uow.templates.list([person.academy_id]))
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        if any(r.criterion == criterion for r in uow.qa.requests(staff_id=person.staff_id)):
            raise Conflict(f"you have already asked for coaching in {asked.label}")
        request = CoachingRequest(staff_id=person.staff_id, academy_id=person.academy_id, criterion=criterion)
        uow.qa.add_request(request)
        uow.audit("coaching_request.created", "coaching_request", request.id, {"criterion": criterion})
        uow.commit()
        return request


def my_requests(reads: Reads, principal: Principal) -> list[CoachingRequest]:
    return reads.qa.requests(staff_id=principal.staff_id) if principal.staff_id else []
