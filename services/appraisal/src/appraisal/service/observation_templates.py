"""Observation templates (issue 24): trust HR keep the trust-wide ones, academy HR their academy's; anyone recording
or reading an observation reads the templates that apply to an academy (the trust's and its own)."""
from __future__ import annotations

import uuid

from staffroom_shared.authz import academy_scope, can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..domain.model import AppraisalError
from ..domain.observations import Criterion, Grade, Template
from .errors import rule_broken
from .unit_of_work import AppraisalUnitOfWork, Reads


def may_manage(principal: Principal, academy_id: uuid.UUID | None) -> bool:
    return is_trust_hr(principal) if academy_id is None else can_manage_academy(principal, academy_id)


def _require_manage(principal: Principal, academy_id: uuid.UUID | None) -> None:
    require(may_manage(principal, academy_id), "only trust HR keep the trust-wide templates"
            if academy_id is None else "only HR for this academy or the trust keep its templates")


def criteria_from(data: list[dict]) -> tuple[Criterion, ...]:
    """The criteria as the request gave them (the schema's dicts) as value objects."""
    return tuple(Criterion(key=c["key"], label=c["label"], standard=c.get("standard"),
                           grades=tuple(Grade(g["label"], g["band"]) for g in c.get("grades") or ()))
                 for c in data)


def _audited(template: Template) -> dict:
    return {"name": template.name, "kind": template.kind.value, "academy_id": template.academy_id,
            "criteria": [c.stored() for c in template.criteria], "notice_days": template.notice_days,
            "retired": template.retired}


def create_template(uow: AppraisalUnitOfWork, principal: Principal, data: dict) -> Template:
    _require_manage(principal, data.get("academy_id"))
    with uow:
        try:
            template = Template(name=data["name"], kind=data["kind"], criteria=criteria_from(data["criteria"]),
                                academy_id=data.get("academy_id"), notice_days=data.get("notice_days"),
                                created_by=principal.staff_id)
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        uow.templates.add(template)
        uow.audit("observation_template.created", "observation_template", template.id, _audited(template))
        uow.commit()
        return template


def update_template(uow: AppraisalUnitOfWork, principal: Principal, template_id: uuid.UUID,
                    changes: dict) -> Template:
    with uow:
        template = uow.templates.get(template_id, for_update=True)
        if template is None or not may_see(principal, template):
            raise NotFound(f"there is no observation template with id {template_id}")
        _require_manage(principal, template.academy_id)
        if "criteria" in changes:
            try:
                changes = {**changes, "criteria": criteria_from(changes["criteria"])}
            except AppraisalError as exc:
                raise rule_broken(exc) from None
        try:
            changed = template.change(changes, in_use=uow.templates.in_use(template.id))
        except AppraisalError as exc:
            raise rule_broken(exc) from None
        if changed:
            if "criteria" in changed:
                changed["criteria"] = [[c.stored() for c in side] for side in changed["criteria"]]
            uow.audit("observation_template.updated", "observation_template", template.id, changed)
        uow.commit()
        return template


def may_see(principal: Principal, template: Template) -> bool:
    """HR see the templates they keep; anyone sees those that apply to their academy (the trust's and its own)."""
    return may_manage(principal, template.academy_id) or template.applies_to(principal.academy_id)


def template(reads: Reads, principal: Principal, template_id: uuid.UUID) -> Template:
    found = reads.templates.get(template_id)
    if found is None or not may_see(principal, found):  # another academy's: not even that it exists
        raise NotFound(f"there is no observation template with id {template_id}")
    return found


def templates(reads: Reads, principal: Principal, academy_id: uuid.UUID | None, retired: bool) -> list[Template]:
    """The templates that apply to an academy (its own and the trust-wide ones): the caller's own academy unless they
    ask for another they are HR for; trust HR asking for none see every template."""
    if academy_id is None:
        scope = academy_scope(principal)
        if scope is None:
            return reads.templates.list(None, retired=retired)
        academy_ids = sorted({*scope, *([principal.academy_id] if principal.academy_id else [])})
        return reads.templates.list(academy_ids, retired=retired)
    require(academy_id == principal.academy_id or can_manage_academy(principal, academy_id),
            "you can list the observation templates of your own academy only")
    return reads.templates.list([academy_id], retired=retired)
