"""Who may do what to an enrolment or a training agreement: the participant, their line manager, HR."""
from __future__ import annotations

import uuid

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.principal import Principal

from ..domain.catalogue import Programme
from .errors import missing

_WHO = {"participant": "participant", "manager": "line manager", "hr": "academy's HR"}


def relation(principal: Principal, *, staff_id: uuid.UUID, academy_id: uuid.UUID,
             line_manager_id: uuid.UUID | None) -> set[str]:
    """The caller's relations to a person's CPD record: any of 'participant', 'manager', 'hr'."""
    found = set()
    if principal.staff_id is not None and principal.staff_id == staff_id:
        found.add("participant")
    if principal.staff_id is not None and line_manager_id is not None and principal.staff_id == line_manager_id:
        found.add("manager")
    # HR powers are for other people's CPD: an HR officer's own request is theirs as a participant only.
    if can_manage_academy(principal, academy_id) and "participant" not in found:
        found.add("hr")
    return found


def require_relation(found: set[str], *allowed: str, what: str, doing: str) -> set[str]:
    # Someone with no business here learns nothing, not even that the record exists.
    if not found:
        raise missing(what)
    require(bool(found.intersection(allowed)), f"only the {' or '.join(_WHO[a] for a in allowed)} can {doing}")
    return found


def may_manage_programme(principal: Principal, academy_id: uuid.UUID | None) -> bool:
    """Academy HR runs their academy's programmes; trust-wide ones are trust HR's."""
    return can_manage_academy(principal, academy_id) if academy_id is not None else principal.has_role("trust_hr")


def may_see_programme(principal: Principal, programme: Programme) -> bool:
    if may_manage_programme(principal, programme.academy_id) or can_manage_academy(principal, programme.academy_id):
        return True
    return programme.available_to(principal.academy_id)


def hr_scope(principal: Principal, what: str) -> list[uuid.UUID] | None:
    """Academies an HR user may report on (None: all); 403 for anyone else."""
    scope = academy_scope(principal)
    require(scope is None or bool(scope), f"{what} is for HR")
    return scope
