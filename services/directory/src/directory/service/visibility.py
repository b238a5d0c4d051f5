"""Who may see which members of staff: the scope the staff list and a staff record are read with (HR their
academy, trust HR and the data protection officer everyone, others themselves and those they line-manage)."""
from __future__ import annotations

import uuid

from staffroom_shared.authz import academy_scope, can_see_person, require
from staffroom_shared.principal import Principal

from ..adapters.repository import StaffFilter, StaffRepository
from ..domain.model import StaffMember


def staff_filter(principal: Principal, staff: StaffRepository, *, academy_id: uuid.UUID | None = None,
                 staff_type: str | None = None, line_manager_id: uuid.UUID | None = None, current: bool | None = None,
                 search: str | None = None) -> StaffFilter:
    """The staff list's filter for this caller: HR their academy (trust HR all; the data protection officer all, to
    know who the audit log's entries name); others themselves and those they line-manage. An academy asked for
    outside the caller's own is refused (403)."""
    scope = None if principal.has_role("dpo") else academy_scope(principal)
    f = StaffFilter(staff_type=staff_type, line_manager_id=line_manager_id, current=current, search=search)
    if scope is None or scope:
        f.academy_ids = scope
        if academy_id is not None:
            require(scope is None or academy_id in scope, "you can list staff in your own academy only")
            f.academy_ids = [academy_id]
    else:
        f.ids = [principal.staff_id, *staff.managed_by(principal.staff_id)]
        if academy_id is not None:
            f.academy_ids = [academy_id]
    return f


def may_see(principal: Principal, member: StaffMember, staff: StaffRepository) -> bool:
    """Themselves, anyone above them in line management, HR, or the data protection officer."""
    return principal.has_role("dpo") or can_see_person(
        principal, staff_id=member.id, academy_id=member.academy_id,
        related=lambda: _manages(staff, principal.staff_id, member))


def _manages(staff: StaffRepository, manager_id: uuid.UUID | None, member: StaffMember) -> bool:
    """Is this person the member's line manager, directly (no query) or further up (one query)?"""
    if manager_id is None or member.line_manager_id is None:
        return False
    return member.line_manager_id == manager_id or staff.is_above(manager_id, member.line_manager_id)
