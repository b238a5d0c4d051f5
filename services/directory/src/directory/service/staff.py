"""Commands on academies and staff. Each commits its change, its events and its audit row together."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Callable

from staffroom_shared.authz import can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from .retention import erased_if_left_before
from .roles import refuse_losing_the_last_trust_hr, withdraw
from .unit_of_work import DirectoryUnitOfWork
from ..domain.model import (
    Academy, AlreadyLeft, DirectoryError, LineManagementCycle, StaffMember, Taken, check_line_management,
    refuse_taken_academy,
)


EMAIL_IS_SIGN_IN = "only trust HR can change a work email: people sign in to Staffroom with it"


def rule_broken(exc: DirectoryError) -> Exception:
    """Domain errors become the HTTP problem a client can act on."""
    if isinstance(exc, (LineManagementCycle, AlreadyLeft, Taken)):
        return Conflict(str(exc))
    return Unprocessable(str(exc))


def register_academy(uow: DirectoryUnitOfWork, principal: Principal, data: dict) -> Academy:
    require(is_trust_hr(principal), "only trust HR can add an academy to the trust")
    with uow:
        try:
            refuse_taken_academy(uow.academies.list(), data)
            academy = Academy.register(**data)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.academies.add(academy)
        uow.audit("academy.registered", "academy", academy.id, data)
        uow.commit()
        return academy


def update_academy(uow: DirectoryUnitOfWork, principal: Principal, academy_id: uuid.UUID, changes: dict) -> Academy:
    with uow:
        academy = uow.academies.get(academy_id) or _missing("academy", academy_id)
        require(can_manage_academy(principal, academy.id), "only HR for this academy or the trust can change it")
        try:
            refuse_taken_academy(uow.academies.list(), changes, academy.id)
            academy.change(changes)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.audit("academy.updated", "academy", academy.id, changes)
        uow.commit()
        return academy


def add_staff(uow: DirectoryUnitOfWork, principal: Principal, data: dict,
              then: Callable[[StaffMember], None] | None = None) -> StaffMember:
    """A joiner. `then(member)` runs in the same transaction, before it commits (SCIM keeps its link so)."""
    with uow:
        require(can_manage_academy(principal, data["academy_id"]), "only HR for this academy or the trust can add staff")
        uow.academies.get(data["academy_id"]) or _missing("academy", data["academy_id"])
        _unique_person(uow, data)
        try:
            member = StaffMember.join(**data)
            _check_manager(uow, member, member.line_manager_id)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.staff.add(member)
        uow.audit("staff.added", "staff", member.id, member.snapshot())
        if then is not None:
            uow.staff.make_room()
            then(member)
        uow.commit()
        return member


def update_staff(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, changes: dict, *,
                 emails_sign_in: bool = False) -> StaffMember:
    with uow:
        member = apply_update(uow, principal, staff_id, changes, emails_sign_in=emails_sign_in)
        # Commit even when nothing changed: leaving the unit of work uncommitted rolls back and expires the
        # record, which then cannot be read for the response.
        uow.commit()
        return member


def apply_update(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, changes: dict, *,
                 emails_sign_in: bool = False) -> StaffMember:
    """update_staff's change inside a unit of work already open, uncommitted (SCIM makes a change and a leaving one
    transaction). Where people sign in with their work email (`emails_sign_in`: Google sign-in), only trust HR may
    change one: HR for an academy swapped two addresses and signed in as a colleague (outsider 19)."""
    member = _for_hr(uow, principal, staff_id, "only HR for this academy or the trust can change staff records")
    if emails_sign_in and "email" in changes and str(changes["email"]).strip().lower() != member.email:
        require(is_trust_hr(principal), EMAIL_IS_SIGN_IN)
    if "academy_id" in changes:
        require(can_manage_academy(principal, changes["academy_id"]), "you cannot move staff into an academy you do not manage")
        uow.academies.get(changes["academy_id"]) or _missing("academy", changes["academy_id"])
    _unique_person(uow, changes, member.id)
    try:
        if "line_manager_id" in changes:
            _check_manager(uow, member, changes["line_manager_id"])
        before = member.snapshot()
        changed = member.apply(changes)
    except DirectoryError as exc:
        raise rule_broken(exc) from None
    if "academy_id" in changed:  # HR for their academy was given for the one they were in (outsider 20)
        withdraw(uow, member, {"academy_hr"}, "moved to another academy")
    if changed:
        uow.audit("staff.updated", "staff", member.id, {n: [before.get(n), getattr(member, n)] for n in changed})
    return member


def promote(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, *, post: str, staff_type: str,
            effective_date: date, fte: Decimal | None = None) -> StaffMember:
    with uow:
        member = _for_hr(uow, principal, staff_id, "only HR for this academy or the trust can record a promotion")
        try:
            previous = member.promote(post=post, staff_type=staff_type, effective_date=effective_date, fte=fte)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.audit("staff.promoted", "staff", member.id, {**previous, "post": post, "staff_type": staff_type})
        uow.commit()
        return member


def record_leaver(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, *, leaving_date: date,
                  reason: str | None) -> StaffMember:
    with uow:
        member = apply_leaving(uow, principal, staff_id, leaving_date=leaving_date, reason=reason)
        uow.commit()
        return member


def apply_leaving(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, *, leaving_date: date,
                  reason: str | None) -> StaffMember:
    """record_leaver's change inside a unit of work already open, uncommitted."""
    member = _for_hr(uow, principal, staff_id, "only HR for this academy or the trust can record a leaver")
    if leaving_date < (cutoff := erased_if_left_before(date.today())):
        detail = (f"a leaving date before {cutoff:%-d %B %Y} is past the record's retention, so the record would be "
                  "anonymised at once: check the year")
        raise Unprocessable(detail, errors=[{"location": "json", "pointer": "#/leaving_date", "detail": detail}])
    # A future date too: from the day after it, they could no longer sign in (outsider 19).
    refuse_losing_the_last_trust_hr(uow, member, "recording that they leave")
    try:
        member.leave(leaving_date, reason)
    except DirectoryError as exc:
        raise rule_broken(exc) from None
    uow.audit("staff.left", "staff", member.id, {"leaving_date": leaving_date, "reason": reason})
    return member


def bring_leaving_forward(uow: DirectoryUnitOfWork, member: StaffMember, on: date, *, reason: str) -> None:
    """Someone already leaving, leaving sooner (the identity provider removed them): inside a unit of work."""
    before = member.bring_leaving_forward(on, reason)
    if before is None:
        return
    uow.audit("staff.updated", "staff", member.id, {"leaving_date": [before, on], "leaving_reason": reason})


def _unique_person(uow: DirectoryUnitOfWork, data: dict, own_id: uuid.UUID | None = None) -> None:
    if "email" in data:
        other = uow.staff.by_email(data["email"])
        if other is not None and other.id != own_id:
            raise Conflict(f"{data['email']} is already the email of {other.full_name} ({other.staff_code})")
        signs_in = uow.staff.signs_in_as(data["email"])  # SCIM finds people by sign-in name or address alike
        if signs_in is not None and signs_in.id != own_id:
            raise Conflict(f"{data['email']} is already the sign-in name of {signs_in.full_name} ({signs_in.staff_code})")
    if "staff_code" in data:
        other = uow.staff.by_code(data["staff_code"])
        if other is not None and other.id != own_id:
            raise Conflict(f"staff code {data['staff_code']} already belongs to {other.full_name}")


def _check_manager(uow: DirectoryUnitOfWork, member: StaffMember, manager_id: uuid.UUID | None) -> None:
    if manager_id is None:
        return
    manager = uow.staff.get(manager_id)
    if manager is None:
        raise Unprocessable(f"line manager {manager_id} is not in the directory",
                            errors=[{"location": "json", "pointer": "#/line_manager_id", "detail": "unknown member of staff"}])
    if manager.erased_on is not None and manager_id != member.line_manager_id:  # outsider 16
        raise Unprocessable("that line manager's record was anonymised when its retention ended: choose someone in "
                            "the directory", errors=[{"location": "json", "pointer": "#/line_manager_id",
                                                      "detail": "an anonymised record"}])
    names = {}

    def name_of(staff_id: uuid.UUID) -> str:
        if staff_id not in names:
            person = member if staff_id == member.id else uow.staff.get(staff_id)
            names[staff_id] = person.full_name if person else str(staff_id)
        return names[staff_id]

    check_line_management(member.id, manager_id, uow.staff.manager_of, name_of)


def _for_hr(uow: DirectoryUnitOfWork, principal: Principal, staff_id: uuid.UUID, refusal: str) -> StaffMember:
    """The record HR changes. Someone who may not even see it is answered as if there were nobody (404), as reading it
    is: a 403 told a member of staff that the id was a colleague's (outsider 8, issue 21); the person themselves,
    a manager above them, or the data protection officer (who may read the directory) is told why not (403)."""
    member = uow.staff.get(staff_id) or _missing("member of staff", staff_id)
    if not can_manage_academy(principal, member.academy_id):
        sees = principal.has_role("dpo") or principal.staff_id is not None and (
            principal.staff_id == member.id or uow.staff.is_above(principal.staff_id, member.id))
        if not sees:
            _missing("member of staff", staff_id)
        require(False, refusal)
    return member


def _missing(what: str, ident) -> None:
    raise NotFound(f"there is no {what} with id {ident}")


def republish(uow: DirectoryUnitOfWork) -> int:
    """Publish every academy and member of staff again as academy.updated / staff.updated (nothing changed).

    For a service that starts consuming after the directory already holds the trust: its copy fills from
    these snapshots. Consumers keep the newest snapshot per person, so a republish never undoes anything.
    """
    with uow:
        for academy in uow.academies.list():
            academy.announce_as_is()
        people = uow.staff.all()
        for member in people:
            member.announce_as_is()
        uow.audit("directory.republished", "directory", "all", {"staff": len(people)})
        uow.commit()
        return len(people)
