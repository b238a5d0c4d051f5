"""Objective templates per role (issue 24): HR write them; a line manager adds them to one reviewee's appraisal or
to all their reviewees in the role at once, as ordinary draft objectives to adapt."""
from __future__ import annotations

import uuid

from staffroom_shared.authz import academy_scope, can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import NotFound, Unprocessable
from staffroom_shared.principal import Principal

from ..adapters.repository import AppraisalFilter
from ..domain.model import IN_PROGRESS, Appraisal, AppraisalError
from ..domain.priorities import Level, ObjectiveTemplate, cannot_take, school_year_of
from .errors import rule_broken
from .unit_of_work import AppraisalUnitOfWork, Reads

MOST_REVIEWEES = 500


def _invalid(field: str, detail: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"location": "json", "pointer": f"#/{field}", "detail": detail}])


def _may_manage(principal: Principal, academy_id: uuid.UUID | None) -> bool:
    return is_trust_hr(principal) if academy_id is None else can_manage_academy(principal, academy_id)


def _check_priority(uow: AppraisalUnitOfWork, template: ObjectiveTemplate) -> None:
    if template.priority_id is None:
        return
    priority = uow.priorities.get(template.priority_id)
    # Another academy's priority is answered as an id that never was: the template's academy cannot see it.
    if priority is None or priority.archived or (template.academy_id is not None
                                                 and not priority.seen_by(template.academy_id)):
        raise _invalid("priority_id", "there is no such current priority; choose one from the list")
    if template.academy_id is None and priority.level != Level.TRUST:
        raise _invalid("priority_id", "a template for the whole trust can serve a trust priority only")


def create(uow: AppraisalUnitOfWork, principal: Principal, data: dict) -> ObjectiveTemplate:
    data = dict(data)
    if "academy_id" not in data and not is_trust_hr(principal):
        data["academy_id"] = principal.academy_id
    require(_may_manage(principal, data.get("academy_id")),
            "HR write objective templates: academy HR for their academy, trust HR for any or the whole trust")
    with uow:
        try:
            template = ObjectiveTemplate(**data)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        _check_priority(uow, template)
        uow.objective_templates.add(template)
        uow.audit("objective_template.created", "objective_template", template.id, data)
        uow.commit()
        return template


def _managed(uow: AppraisalUnitOfWork, principal: Principal, template_id: uuid.UUID) -> ObjectiveTemplate:
    template = uow.objective_templates.get(template_id)
    if template is None or not (template.seen_by(principal.academy_id) or _may_manage(principal, template.academy_id)):
        raise NotFound(f"there is no objective template with id {template_id}")
    require(_may_manage(principal, template.academy_id), "only HR for its academy (or the trust) change a template")
    return template


def change(uow: AppraisalUnitOfWork, principal: Principal, template_id: uuid.UUID, changes: dict) -> ObjectiveTemplate:
    with uow:
        template = _managed(uow, principal, template_id)
        before = {name: getattr(template, name) for name in changes}
        for name, value in changes.items():
            setattr(template, name, value)
        try:
            template.check()
            _check_priority(uow, template)
        except (AppraisalError, Unprocessable) as exc:
            for name, value in before.items():
                setattr(template, name, value)
            raise rule_broken(exc) if isinstance(exc, AppraisalError) else exc from None
        changed = {n: [before[n], getattr(template, n)] for n in changes if before[n] != getattr(template, n)}
        if changed:
            uow.audit("objective_template.updated", "objective_template", template.id, changed)
        uow.commit()
        return template


def delete(uow: AppraisalUnitOfWork, principal: Principal, template_id: uuid.UUID) -> None:
    """Objectives made from a template are copies: deleting it changes none of them."""
    with uow:
        template = _managed(uow, principal, template_id)
        uow.objective_templates.remove(template)
        uow.audit("objective_template.deleted", "objective_template", template_id, {"title": template.title})
        uow.commit()


def listing(reads: Reads, principal: Principal) -> list[ObjectiveTemplate]:
    """HR the templates they look after (trust HR all); anyone else those for their academy, to apply."""
    scope = academy_scope(principal)
    if scope is not None and not scope:
        scope = [principal.academy_id] if principal.academy_id else []
    return reads.objective_templates.list(scope)


def apply(uow: AppraisalUnitOfWork, principal: Principal, template_ids: list[uuid.UUID],
          appraisal_ids: list[uuid.UUID] | None) -> dict:
    """Add the templates to the caller's reviewees' appraisals as draft objectives: to the appraisals named, or (none
    named) to each reviewee in progress whom a template fits, the templates that fit them. Each person takes all
    their templates or none: one it would take past the cap on objectives, or whose objectives are agreed, is
    refused with the reason, and the others go ahead."""
    with uow:
        if appraisal_ids is None:
            found, _ = uow.appraisals.find(AppraisalFilter(appraiser_id=principal.staff_id), page=1,
                                           page_size=MOST_REVIEWEES)
            wanted = [a.id for a in found if a.status in IN_PROGRESS]
        else:
            wanted = list(dict.fromkeys(appraisal_ids))
        mine = []
        for appraisal_id in wanted:  # first, so that a stranger learns nothing of the templates either
            appraisal = uow.appraisals.get(appraisal_id, for_update=True)
            if appraisal is None or principal.staff_id is None or appraisal.appraiser_id != principal.staff_id:
                # a stranger's appraisal is not there at all; nothing of the others is changed either
                raise NotFound(f"there is no appraisal with id {appraisal_id} that you appraise")
            mine.append(appraisal)
        templates = []
        for template_id in dict.fromkeys(template_ids):
            template = uow.objective_templates.get(template_id)
            if template is None or not template.seen_by(principal.academy_id):
                raise _invalid("template_ids", "there is no such objective template for your academy")
            templates.append(template)
        applied, refused = [], []
        names = {}
        for appraisal in mine:
            person = uow.staff.person(appraisal.reviewee_id)
            names[appraisal.id] = person.full_name if person else None
            these = templates if appraisal_ids is not None else [t for t in templates if t.fits(person)]
            if not these:
                continue
            why = cannot_take(appraisal, these) or _priorities_refused(uow, appraisal, these)
            if why:
                refused.append({"appraisal_id": appraisal.id, "reviewee_id": appraisal.reviewee_id,
                                "reviewee_name": names[appraisal.id], "reason": why})
                continue
            added = []
            for template in these:
                objective = template.objective_for(appraisal)
                appraisal.add_objective(objective)
                added.append({"id": objective.id, "title": objective.title, "template_id": template.id})
            uow.audit("apply_objective_templates", "appraisal", appraisal.id, {"objectives": added})
            applied.append({"appraisal_id": appraisal.id, "reviewee_id": appraisal.reviewee_id,
                            "reviewee_name": names[appraisal.id], "objectives": added})
        uow.commit()
        return {"applied": applied, "refused": refused}


def _priorities_refused(uow: AppraisalUnitOfWork, appraisal: Appraisal, templates: list[ObjectiveTemplate]) -> str | None:
    school_year = school_year_of(uow.cycles.get(appraisal.cycle_id).starts_on)
    for template in templates:
        if not template.seen_by(appraisal.academy_id):
            return f"'{template.title}' is another academy's template"
        priority = uow.priorities.get(template.priority_id) if template.priority_id else None
        if priority is not None:
            try:
                priority.may_link(appraisal, school_year)
            except AppraisalError as exc:
                return f"'{template.title}': {exc}"
    return None
