"""Who may do what to an appraisal: the reviewee, the appraiser, HR for the academy, trust HR."""
from __future__ import annotations

from staffroom_shared.authz import can_manage_academy, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..domain.model import Appraisal, Cycle

_WHO = {"reviewee": "reviewee", "appraiser": "appraiser", "hr": "academy's HR"}


def relation(principal: Principal, appraisal: Appraisal) -> set[str]:
    """The caller's relations to this appraisal: any of 'reviewee', 'appraiser', 'hr'.

    Reads only reviewee_id, appraiser_id and academy_id (and id, for a refusal), so the read model's
    row serves as well as the appraisal itself."""
    found = set()
    if principal.staff_id is not None and principal.staff_id == appraisal.reviewee_id:
        found.add("reviewee")
    if principal.staff_id is not None and principal.staff_id == appraisal.appraiser_id:
        found.add("appraiser")
    # HR powers are for other people's appraisals: an HR officer's own is theirs as a reviewee only (they
    # cannot withdraw it, choose their own appraiser, or read the confidential notes about themselves).
    if can_manage_academy(principal, appraisal.academy_id) and "reviewee" not in found:
        found.add("hr")
    return found


def may_see_cycle(principal: Principal, cycle: Cycle) -> bool:
    """HR their academies' cycles (trust HR all); staff their own academy's and the trust-wide ones."""
    if cycle.academy_id is None or can_manage_academy(principal, cycle.academy_id):
        return True
    return principal.academy_id is not None and principal.academy_id == cycle.academy_id


def require_relation(principal: Principal, appraisal: Appraisal, *allowed: str, doing: str) -> set[str]:
    found = relation(principal, appraisal)
    # A member of staff who is not the reviewee, appraiser or HR learns nothing, not even that it exists.
    if not found:
        raise NotFound(f"there is no appraisal with id {appraisal.id}")
    require(bool(found.intersection(allowed)), f"only the {' or '.join(_WHO[a] for a in allowed)} can {doing}")
    return found


def sees_confidential(found: set[str]) -> bool:
    """Support plans are for the appraiser and HR only."""
    return bool(found.intersection({"appraiser", "hr"}))
