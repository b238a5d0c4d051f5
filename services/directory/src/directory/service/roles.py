"""Who may do what beyond being a member of staff, and signing in with Google Workspace (issue 21).

Trust HR give roles (domain.model.ROLE_NAMES); a Google Workspace sign-in carries the person's staff id, academy
and roles in a Staffroom token the directory signs (adapters.google). A trust on Microsoft Entra ID assigns the
same roles as app roles there instead, and its tokens carry them (docs/production.md).
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timezone

from staffroom_shared.authz import is_trust_hr, require
from staffroom_shared.errors import Conflict, Forbidden, NotFound
from staffroom_shared.principal import Principal
from ..adapters.google import GoogleSignIn
from ..adapters.repository import RoleRepository, StaffRepository
from ..domain.model import ROLE_NAMES, StaffMember
from .unit_of_work import DirectoryUnitOfWork


def roles_of(staff: StaffRepository, roles: RoleRepository, principal: Principal, staff_id: uuid.UUID) -> list[str]:
    """Trust HR and the data protection officer may see anyone's; everyone their own."""
    if not (principal.has_role("trust_hr", "dpo") or principal.staff_id == staff_id) or staff.get(staff_id) is None:
        raise NotFound(f"there is no member of staff with id {staff_id}")
    return roles.of(staff_id)


def as_held(staff: StaffRepository, roles: RoleRepository, principal: Principal, today: date) -> Principal:
    """The person with the access the directory holds for them now, not what their token says: with Google sign-in
    on, a token lasts an hour after a role was withdrawn or the person left, and with it a withdrawn trust HR gave
    their access back, or changed who an address signs in as (outsiders 18 and 19). A service's token (no staff id)
    is taken as it is."""
    if principal.staff_id is None:
        return principal
    member = staff.get(principal.staff_id)
    if member is None or not member.signs_in(today):
        return replace(principal, roles=frozenset({"staff"}))
    return replace(principal, roles=frozenset({"staff", *roles.of(member.id)}), academy_id=member.academy_id)


def refuse_losing_the_last_trust_hr(uow: DirectoryUnitOfWork, member: StaffMember, doing: str) -> None:
    """Someone who is staying must always hold trust HR, to manage who has access (grant_role on the server is the
    only way back). Counted with the grants and staff rows locked, so two changes at once cannot both pass."""
    if uow.roles.trust_hr_staying() == [member.id]:
        raise Conflict(f"{member.full_name} is the only person with trust HR access who is not leaving: give it to "
                       f"someone else before {doing}, so that someone can always manage who has access")


def withdraw(uow: DirectoryUnitOfWork, member: StaffMember, roles: set[str], why: str) -> None:
    """Take these of someone's roles away as a consequence of another change (audited as a change of access)."""
    held = set(uow.roles.of(member.id))
    if held & roles:
        uow.roles.set(member.id, held - roles, by=uow.actor, at=datetime.now(timezone.utc))
        uow.audit("staff.roles_changed", "staff", member.id, {"given": [], "withdrawn": sorted(held & roles),
                                                              "because": why})


def set_roles(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, roles: list[str]) -> list[str]:
    """Give exactly these roles (trust HR); audited. The trust is never left with nobody who can sign in holding
    trust HR."""
    require(is_trust_hr(principal), "only trust HR can say who has HR or data protection access")
    wanted, today = set(roles), date.today()
    with uow:
        member = uow.staff.get(staff_id)
        if member is None:
            raise NotFound(f"there is no member of staff with id {staff_id}")
        before = set(uow.roles.of(staff_id))
        if wanted - before and not member.signs_in(today):
            raise Forbidden(f"{member.full_name} has left, so they cannot be given access")
        if "trust_hr" in before - wanted:
            refuse_losing_the_last_trust_hr(uow, member, "taking theirs away")
        if wanted != before:
            uow.roles.set(staff_id, wanted, by=principal.actor, at=datetime.now(timezone.utc))
            uow.audit("staff.roles_changed", "staff", staff_id,
                      {"given": sorted(wanted - before), "withdrawn": sorted(before - wanted)})
        uow.commit()
        return sorted(wanted)


def grant_first(uow: DirectoryUnitOfWork, email: str, role: str) -> StaffMember:
    """From the command line, before anyone can sign in to give roles (entrypoints.grant_role)."""
    if role not in ROLE_NAMES:
        raise ValueError(f"role is one of {', '.join(ROLE_NAMES)}")
    with uow:
        member = uow.staff.by_email(email)
        if member is None:
            raise ValueError(f"nobody in the directory has the email address {email}")
        if not member.signs_in(date.today()):
            raise ValueError(f"{member.full_name} has left")
        before = set(uow.roles.of(member.id))
        uow.roles.set(member.id, before | {role}, by=uow.actor, at=datetime.now(timezone.utc))
        uow.audit("staff.roles_changed", "staff", member.id, {"given": sorted({role} - before), "withdrawn": []})
        uow.commit()
        return member


def sign_in(uow: DirectoryUnitOfWork, google: GoogleSignIn, id_token: str) -> dict:
    """Exchange a Google ID token for a Staffroom token: the person is found by their verified work email address
    (their SCIM sign-in name, or their email in the directory); audited as their sign-in."""
    email = google.email_of(id_token)
    with uow:
        named, addressed = uow.staff.signs_in_as(email), uow.staff.by_email(email)
        if named is not None and addressed is not None and named.id != addressed.id:
            raise Forbidden(f"{email} is {named.full_name}'s sign-in name and {addressed.full_name}'s email address, "
                            "so Staffroom cannot tell who you are. Ask your HR team to correct one of them.")
        member = named or addressed
        if member is None:
            raise Forbidden(f"Staffroom has no member of staff with the email address {email}. Ask your HR team to "
                            "check the email address on your record.")
        if not member.signs_in(date.today()):
            raise Forbidden(f"the trust's directory records that you left on {member.leaving_date:%-d %B %Y}, so you "
                            "can no longer sign in. If that is wrong, ask your HR team to correct your record.")
        roles = ["staff", *uow.roles.of(member.id)]
        uow.actor = str(member.id)
        uow.audit("staff.signed_in", "staff", member.id, {"roles": roles})
        uow.commit()
        token = google.token(staff_id=member.id, roles=roles, academy_id=member.academy_id)
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(google.lifetime.total_seconds())}
