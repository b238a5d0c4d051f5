"""Authorisation by role, relationship and academy scope, as DESIGN.md sets out.

Who may see a record about a member of staff:
- trust HR: anyone in the trust;
- academy HR: anyone in their own academy;
- the member of staff themselves;
- someone with a relationship the service knows of (their line manager or appraiser).
Services pass the relationship in; the rule of who wins stays here, in one place.
"""
from __future__ import annotations

import uuid
from typing import Callable, Iterable

from .errors import Forbidden
from .principal import Principal


def is_trust_hr(principal: Principal) -> bool:
    return principal.has_role("trust_hr")


def is_academy_hr_for(principal: Principal, academy_id: uuid.UUID | None) -> bool:
    return principal.has_role("academy_hr") and academy_id is not None and principal.academy_id == academy_id


def can_manage_academy(principal: Principal, academy_id: uuid.UUID | None) -> bool:
    """HR powers over an academy's records: trust HR everywhere, academy HR at home."""
    return is_trust_hr(principal) or is_academy_hr_for(principal, academy_id)


def can_see_person(principal: Principal, *, staff_id: uuid.UUID, academy_id: uuid.UUID | None,
                   related: Callable[[], bool] | bool = False) -> bool:
    if can_manage_academy(principal, academy_id) or principal.staff_id == staff_id:
        return True
    return bool(related() if callable(related) else related)


def require(allowed: bool, detail: str = "you are not allowed to do this") -> None:
    if not allowed:
        raise Forbidden(detail)


def require_role(principal: Principal, *roles: str) -> None:
    if not principal.has_role(*roles):
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


def academy_scope(principal: Principal) -> Iterable[uuid.UUID] | None:
    """Academies whose records an HR user may list: None means all (trust HR); empty means none."""
    if is_trust_hr(principal):
        return None
    if principal.has_role("academy_hr") and principal.academy_id:
        return [principal.academy_id]
    return []


def may_read_audit(principal: Principal) -> bool:
    """The audit log, every service's (issue 21): trust HR and the data protection officer (role `dpo`)."""
    return principal.has_role("trust_hr", "dpo")


def listing_scope(principal: Principal, academy_id: uuid.UUID | None, what: str
                  ) -> tuple[list[uuid.UUID] | None, uuid.UUID | None]:
    """Which records a list may hold, as (academy ids or None for all, the one person whose own and whose reports'
    they must be or None): HR their academies' (trust HR every academy's), anyone else their own and their reports'.
    Asking for one academy narrows it; HR may not ask for another academy's."""
    scope = academy_scope(principal)
    if scope is None or scope:
        require(academy_id is None or scope is None or academy_id in scope,
                f"you can list {what} in your own academy only")
        return ([academy_id] if academy_id is not None else scope), None
    return ([academy_id] if academy_id is not None else None), principal.staff_id
