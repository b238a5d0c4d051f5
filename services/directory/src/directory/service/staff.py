"""Commands on academies and staff. Each commits its change, its events and its audit row together."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Callable

from staffroom_shared.authz import can_manage_academy, is_trust_hr, require
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.uow import UnitOfWork
from staffroom_shared.principal import Principal

from ..adapters.repository import DirectoryRepository
from .retention import erased_if_left_before
from .roles import refuse_losing_the_last_trust_hr, withdraw
from ..domain.model import Academy, AlreadyLeft, DirectoryError, LineManagementCycle, StaffMember, check_line_management


EMAIL_IS_SIGN_IN = "only trust HR can change a work email: people sign in to Staffroom with it"


def _repo(uow: UnitOfWork) -> DirectoryRepository:
    return DirectoryRepository(uow.session)


def rule_broken(exc: DirectoryError) -> Exception:
    """Domain errors become the HTTP problem a client can act on."""
    if isinstance(exc, (LineManagementCycle, AlreadyLeft)):
        return Conflict(str(exc))
    return Unprocessable(str(exc))


def register_academy(uow: UnitOfWork, principal: Principal, data: dict) -> Academy:
    require(is_trust_hr(principal), "only trust HR can add an academy to the trust")
    with uow:
        repo = _repo(uow)
        _unique_academy(repo, data)
        try:
            academy = Academy(**data)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.session.add(academy)
        uow.emit("academy.registered", _academy_snapshot(academy), academy_id=academy.id)
        uow.audit("academy.registered", "academy", academy.id, data)
        uow.commit()
        return academy


def update_academy(uow: UnitOfWork, principal: Principal, academy_id: uuid.UUID, changes: dict) -> Academy:
    with uow:
        repo = _repo(uow)
        academy = repo.academy(academy_id) or _missing("academy", academy_id)
        require(can_manage_academy(principal, academy.id), "only HR for this academy or the trust can change it")
        _unique_academy(repo, changes, academy.id)
        for name, value in changes.items():
            setattr(academy, name, value)
        try:
            academy.__post_init__()
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.emit("academy.updated", _academy_snapshot(academy), academy_id=academy.id)
        uow.audit("academy.updated", "academy", academy.id, changes)
        uow.commit()
        return academy


def _academy_snapshot(academy: Academy) -> dict:
    return {"academy_id": academy.id, "name": academy.name, "urn": academy.urn, "phase": academy.phase}


def _unique_academy(repo: DirectoryRepository, data: dict, own_id: uuid.UUID | None = None) -> None:
    for academy in repo.academies():
        if academy.id == own_id:
            continue
        if data.get("urn") == academy.urn:
            raise Conflict(f"URN {academy.urn} already belongs to {academy.name}")
        if data.get("name", "").lower() == academy.name.lower():
            raise Conflict(f"there is already an academy called {academy.name}")


def add_staff(uow: UnitOfWork, principal: Principal, data: dict,
              then: Callable[[StaffMember], None] | None = None) -> StaffMember:
    """A joiner. `then(member)` runs in the same transaction, before it commits (SCIM keeps its link so)."""
    with uow:
        repo = _repo(uow)
        require(can_manage_academy(principal, data["academy_id"]), "only HR for this academy or the trust can add staff")
        repo.academy(data["academy_id"]) or _missing("academy", data["academy_id"])
        _unique_person(repo, data)
        try:
            member = StaffMember(**data)
            _check_manager(repo, member, member.line_manager_id)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.session.add(member)
        uow.emit("staff.joined", member.snapshot(), academy_id=member.academy_id)
        uow.audit("staff.added", "staff", member.id, member.snapshot())
        if then is not None:
            uow.session.flush()
            then(member)
        uow.commit()
        return member


def update_staff(uow: UnitOfWork, principal: Principal, staff_id: uuid.UUID, changes: dict, *,
                 emails_sign_in: bool = False) -> StaffMember:
    with uow:
        member = apply_update(uow, principal, staff_id, changes, emails_sign_in=emails_sign_in)
        # Commit even when nothing changed: leaving the unit of work uncommitted rolls back and expires the
        # record, which then cannot be read for the response.
        uow.commit()
        return member


def apply_update(uow: UnitOfWork, principal: Principal, staff_id: uuid.UUID, changes: dict, *,
                 emails_sign_in: bool = False) -> StaffMember:
    """update_staff's change inside a unit of work already open, uncommitted (SCIM makes a change and a leaving one
    transaction). Where people sign in with their work email (`emails_sign_in`: Google sign-in), only trust HR may
    change one: HR for an academy swapped two addresses and signed in as a colleague (outsider 19)."""
    repo = _repo(uow)
    member = _for_hr(repo, principal, staff_id, "only HR for this academy or the trust can change staff records")
    if emails_sign_in and "email" in changes and str(changes["email"]).strip().lower() != member.email:
        require(is_trust_hr(principal), EMAIL_IS_SIGN_IN)
    if "academy_id" in changes:
        require(can_manage_academy(principal, changes["academy_id"]), "you cannot move staff into an academy you do not manage")
        repo.academy(changes["academy_id"]) or _missing("academy", changes["academy_id"])
    _unique_person(repo, changes, member.id)
    try:
        if "line_manager_id" in changes:
            _check_manager(repo, member, changes["line_manager_id"])
        before = member.snapshot()
        changed = member.apply(changes)
    except DirectoryError as exc:
        raise rule_broken(exc) from None
    if "academy_id" in changed:  # HR for their academy was given for the one they were in (outsider 20)
        withdraw(uow, member, {"academy_hr"}, "moved to another academy")
    if changed:
        uow.emit("staff.updated", {**member.snapshot(), "changed": changed}, academy_id=member.academy_id)
        uow.audit("staff.updated", "staff", member.id, {n: [before.get(n), getattr(member, n)] for n in changed})
    return member


def promote(uow: UnitOfWork, principal: Principal, staff_id: uuid.UUID, *, post: str, staff_type: str,
            effective_date: date, fte: Decimal | None = None) -> StaffMember:
    with uow:
        repo = _repo(uow)
        member = _for_hr(repo, principal, staff_id, "only HR for this academy or the trust can record a promotion")
        try:
            previous = member.promote(post=post, staff_type=staff_type, effective_date=effective_date, fte=fte)
        except DirectoryError as exc:
            raise rule_broken(exc) from None
        uow.emit("staff.promoted", {**member.snapshot(), **previous, "effective_date": effective_date},
                 academy_id=member.academy_id)
        uow.audit("staff.promoted", "staff", member.id, {**previous, "post": post, "staff_type": staff_type})
        uow.commit()
        return member


def record_leaver(uow: UnitOfWork, principal: Principal, staff_id: uuid.UUID, *, leaving_date: date,
                  reason: str | None) -> StaffMember:
    with uow:
        member = apply_leaving(uow, principal, staff_id, leaving_date=leaving_date, reason=reason)
        uow.commit()
        return member


def apply_leaving(uow: UnitOfWork, principal: Principal, staff_id: uuid.UUID, *, leaving_date: date,
                  reason: str | None) -> StaffMember:
    """record_leaver's change inside a unit of work already open, uncommitted."""
    repo = _repo(uow)
    member = _for_hr(repo, principal, staff_id, "only HR for this academy or the trust can record a leaver")
    if leaving_date < (cutoff := erased_if_left_before(date.today())):
        detail = (f"a leaving date before {cutoff:%-d %B %Y} is past the record's retention, so the record would be "
                  "anonymised at once: check the year")
        raise Unprocessable(detail, errors=[{"location": "json", "pointer": "#/leaving_date", "detail": detail}])
    # A future date too: from the day after it, they could no longer sign in (outsider 19).
    refuse_losing_the_last_trust_hr(repo, member, "recording that they leave")
    try:
        member.leave(leaving_date, reason)
    except DirectoryError as exc:
        raise rule_broken(exc) from None
    uow.emit("staff.left", {**member.snapshot(), "reason": reason}, academy_id=member.academy_id)
    uow.audit("staff.left", "staff", member.id, {"leaving_date": leaving_date, "reason": reason})
    return member


def bring_leaving_forward(uow: UnitOfWork, member: StaffMember, on: date, *, reason: str) -> None:
    """Someone already leaving, leaving sooner (the identity provider removed them): inside a unit of work."""
    if member.leaving_date is None or member.leaving_date <= on:
        return
    before = member.leaving_date
    member.leaving_date, member.leaving_reason = on, reason
    uow.emit("staff.updated", {**member.snapshot(), "changed": ["leaving_date"]}, academy_id=member.academy_id)
    uow.audit("staff.updated", "staff", member.id, {"leaving_date": [before, on], "leaving_reason": reason})


def _unique_person(repo: DirectoryRepository, data: dict, own_id: uuid.UUID | None = None) -> None:
    if "email" in data:
        other = repo.staff_by_email(data["email"])
        if other is not None and other.id != own_id:
            raise Conflict(f"{data['email']} is already the email of {other.full_name} ({other.staff_code})")
        signs_in = repo.signs_in_as(data["email"])  # SCIM finds people by sign-in name or address alike
        if signs_in is not None and signs_in.id != own_id:
            raise Conflict(f"{data['email']} is already the sign-in name of {signs_in.full_name} ({signs_in.staff_code})")
    if "staff_code" in data:
        other = repo.staff_by_code(data["staff_code"])
        if other is not None and other.id != own_id:
            raise Conflict(f"staff code {data['staff_code']} already belongs to {other.full_name}")


def _check_manager(repo: DirectoryRepository, member: StaffMember, manager_id: uuid.UUID | None) -> None:
    if manager_id is None:
        return
    manager = repo.staff_member(manager_id)
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
            person = member if staff_id == member.id else repo.staff_member(staff_id)
            names[staff_id] = person.full_name if person else str(staff_id)
        return names[staff_id]

    check_line_management(member.id, manager_id, repo.manager_of, name_of)


def _for_hr(repo: DirectoryRepository, principal: Principal, staff_id: uuid.UUID, refusal: str) -> StaffMember:
    """The record HR changes. Someone who may not even see it is answered as if there were nobody (404), as reading it
    is: a 403 told a member of staff that the id was a colleague's (outsider 8, issue 21); the person themselves,
    a manager above them, or the data protection officer (who may read the directory) is told why not (403)."""
    member = repo.staff_member(staff_id) or _missing("member of staff", staff_id)
    if not can_manage_academy(principal, member.academy_id):
        sees = principal.has_role("dpo") or principal.staff_id is not None and (
            principal.staff_id == member.id or repo.is_above(principal.staff_id, member.id))
        if not sees:
            _missing("member of staff", staff_id)
        require(False, refusal)
    return member


def _missing(what: str, ident) -> None:
    raise NotFound(f"there is no {what} with id {ident}")


def republish(uow: UnitOfWork) -> int:
    """Publish every academy and member of staff again as academy.updated / staff.updated (nothing changed).

    For a service that starts consuming after the directory already holds the trust: its copy fills from
    these snapshots. Consumers keep the newest snapshot per person, so a republish never undoes anything.
    """
    with uow:
        repo = _repo(uow)
        for academy in repo.academies():
            uow.emit("academy.updated", _academy_snapshot(academy), academy_id=academy.id)
        people = repo.all_staff()
        for member in people:
            uow.emit("staff.updated", {**member.snapshot(), "changed": []}, academy_id=member.academy_id)
        uow.audit("directory.republished", "directory", "all", {"staff": len(people)})
        uow.commit()
        return len(people)
