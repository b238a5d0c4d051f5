"""Importing a staff CSV: all rows or none, row-level errors, and a re-import that changes nothing."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from staffroom_shared.authz import academy_scope, is_trust_hr, require
from staffroom_shared.sealing import seal_for_self, unseal_for_self
from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.principal import Principal

from ..adapters.scim import name_key
from ..domain import staff_csv
from .retention import erased_if_left_before
from .roles import refuse_losing_the_last_trust_hr, withdraw
from .staff import EMAIL_IS_SIGN_IN
from .unit_of_work import DirectoryUnitOfWork
from ..domain.model import DirectoryError, StaffMember, find_cycles


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    past_retention: int = 0  # leavers past their record's retention, not added (they would be anonymised at once)
    errors: list[dict] = field(default_factory=list)
    cycles: int = 0  # how many of the errors are line-management cycles
    columns: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    preview: list[dict] = field(default_factory=list)  # who is added, changed or leaving (the first PREVIEW_LIMIT)
    checked_id: uuid.UUID | None = None  # a check-only run's file, kept until checked_until to import as checked
    checked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


LEFT_BY_IMPORT = "recorded in the staff import"
PREVIEW_LIMIT = 1000
KEEP_CHECKED = timedelta(hours=2)
_FLUSH_EVERY = 1000  # rows applied between flushes (the line-manager key is checked at commit, so any order will do)


def import_staff(uow: DirectoryUnitOfWork, principal: Principal, data: bytes, *, dry_run: bool = False,
                 emails_sign_in: bool = False) -> ImportResult:
    """Every row or none. Where people sign in with their work email (`emails_sign_in`), only trust HR may change
    one (staff.update_staff), and nobody may record the last trust HR who can sign in as leaving."""
    scope = academy_scope(principal)
    require(scope is None or bool(scope), "only HR can import staff")
    result = ImportResult(dry_run=dry_run)
    try:
        parsed = staff_csv.parse(staff_csv.decode(data))
    except ValueError as exc:  # staff_csv.Unreadable: not a CSV file, or not text
        result.errors.append({"line": getattr(exc, "line", 1), "column": None, "detail": str(exc)})
        return result
    result.rows, result.columns = len(parsed.rows), parsed.columns
    result.errors.extend(e.as_dict() for e in parsed.errors)

    with uow:
        academies = uow.academies.list()
        by_urn = {a.urn: a for a in academies}
        by_name = {a.name.lower(): a for a in academies}
        existing = {m.staff_code: m for m in uow.staff.all()}
        by_email = {m.email: m for m in existing.values()}
        by_id = {m.id: m for m in existing.values()}
        signs_in = {name: by_id[staff_id] for name, staff_id in uow.staff.sign_in_names().items()}
        plan = _plan(parsed.rows, by_urn, by_name, existing, by_email, signs_in, scope, result,
                     emails_fixed=emails_sign_in and not is_trust_hr(principal))
        if result.errors:
            return result
        changed_anyone = _apply(uow, plan, existing, result, trust_hr=is_trust_hr(principal))
        if result.errors or dry_run:
            uow.rollback()
            return result
        if not (result.created or result.updated or result.left or changed_anyone):
            return result  # the same file again: nothing to write, not even an audit row
        uow.audit("staff.imported", "import", uuid.uuid4(), {
            "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "left": result.left})
        uow.commit()
    return result


def keep_checked(uow: DirectoryUnitOfWork, principal: Principal, key: bytes, data: bytes, result: ImportResult,
                 now: datetime | None = None) -> ImportResult:
    """Keep a file that passed a check-only run for KEEP_CHECKED, for the same person to import as checked.

    Only the directory's own columns are kept (an export's NI numbers or salaries never are, nor the file's name,
    which can say what it is for: "Redundancy list"), sealed with the
    directory's SEAL_KEY: whoever holds the database, its WAL or a backup, but not the key, reads nothing of it,
    even after it is deleted (a deleted row lingers in SQLite's WAL and PostgreSQL's pages until they are reused)."""
    now = now or datetime.now(timezone.utc)
    result.checked_id, result.checked_until = uuid.uuid4(), now + KEEP_CHECKED
    rows = staff_csv.canonical(staff_csv.parse(staff_csv.decode(data)).rows)
    with uow:
        _forget_expired(uow, now)
        uow.checked_files.add(result.checked_id, actor=principal.actor,
                              sealed=seal_for_self(key, rows, result.checked_id.bytes), rows=result.rows, at=now)
        uow.commit()
    return result


def import_checked(uow_factory, principal: Principal, key: bytes, checked_id: uuid.UUID,
                   now: datetime | None = None, *, emails_sign_in: bool = False) -> ImportResult:
    """Import a file this person checked in the last KEEP_CHECKED, checking it again against the directory as
    it is now (every row or none, as ever). Once imported it is deleted; refused, it stays until it expires."""
    scope = academy_scope(principal)
    require(scope is None or bool(scope), "only HR can import staff")
    now = now or datetime.now(timezone.utc)
    with uow_factory() as uow:
        _forget_expired(uow, now)
        uow.commit()
        sealed = uow.checked_files.sealed(checked_id, principal.actor)
    if sealed is None:
        raise NotFound("there is no checked staff file with that id for you: it was imported already, or checked "
                       "more than two hours ago; upload it again")
    data = unseal_for_self(key, sealed, checked_id.bytes)
    result = import_staff(uow_factory(), principal, data, emails_sign_in=emails_sign_in)
    if result.ok:
        with uow_factory() as uow:
            uow.checked_files.remove(checked_id)
            uow.commit()
    return result


def _forget_expired(uow: DirectoryUnitOfWork, now: datetime) -> None:
    """Delete every checked file (anyone's) older than KEEP_CHECKED: a staff file is personal data."""
    uow.checked_files.forget_checked_before(now - KEEP_CHECKED)


def _plan(rows, by_urn, by_name, existing, by_email, signs_in, scope, result, *, emails_fixed: bool = False):
    """Check every row against the directory and the rest of the file before anything changes."""
    seen_codes: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    plan = []
    file_codes = {r.staff_code for r in rows}
    file_emails = {r.email: r.staff_code for r in rows}

    def error(row, column, detail):  # the column as the file heads it ("Surname", not last_name)
        result.errors.append({"line": row.line, "column": result.columns.get(column, column), "detail": detail})

    for row in rows:
        academy = by_urn.get(row.academy_urn) or by_name.get(row.academy_urn.lower())
        if academy is None:
            error(row, "academy_urn", f"no academy with URN or name '{row.academy_urn}' in the trust")
        elif scope is not None and academy.id not in scope:
            error(row, "academy_urn", f"you can import staff for your own academy only, not {academy.name}")
        if row.staff_code in seen_codes:
            error(row, "staff_code", f"staff id {row.staff_code} is also on line {seen_codes[row.staff_code]}")
        seen_codes.setdefault(row.staff_code, row.line)
        if row.email in seen_emails:
            error(row, "email", f"{row.email} is also on line {seen_emails[row.email]}")
        seen_emails.setdefault(row.email, row.line)
        holder = by_email.get(row.email)
        if holder is not None and holder.staff_code != row.staff_code and holder.staff_code not in file_codes:
            error(row, "email", f"{row.email} belongs to {holder.full_name} (staff id {holder.staff_code})")
        # A sign-in name is how the identity provider, and a Google sign-in, find someone: an email that is someone
        # else's would sign that person in as them (outsider 18, issue 21), as the API refuses too.
        if emails_fixed and row.staff_code in existing and existing[row.staff_code].email != row.email:
            error(row, "email", f"{EMAIL_IS_SIGN_IN} ({existing[row.staff_code].full_name} has "
                                f"{existing[row.staff_code].email})")
        signer = signs_in.get(name_key(row.email))
        if signer is not None and signer.staff_code != row.staff_code:
            error(row, "email", f"{row.email} is already the sign-in name of {signer.full_name} "
                                f"(staff id {signer.staff_code})")
        manager_code = None
        if row.line_manager:
            key = row.line_manager.lower()
            if row.line_manager in file_codes or row.line_manager in existing:
                manager_code = row.line_manager
            elif key in file_emails:
                manager_code = file_emails[key]
            elif key in by_email:
                manager_code = by_email[key].staff_code
            else:
                error(row, "line_manager", f"line manager '{row.line_manager}' is neither in this file nor in the directory")
            if manager_code == row.staff_code:
                error(row, "line_manager", "a member of staff cannot be their own line manager")
        if scope is not None and row.staff_code in existing and existing[row.staff_code].academy_id not in scope:
            error(row, "staff_code", f"staff id {row.staff_code} works at another academy; ask trust HR to move them")
        plan.append((row, academy, manager_code))
    return plan


def _apply(uow: DirectoryUnitOfWork, plan, existing: dict[str, StaffMember], result: ImportResult, *,
           trust_hr: bool) -> bool:
    """Apply the planned rows; returns whether anyone's record changed. Each person's change is announced with
    their record as their row leaves it (StaffMember.join and take_import_row)."""
    ids = {code: m.id for code, m in existing.items()}
    for row, _academy, _manager in plan:
        ids.setdefault(row.staff_code, uuid.uuid4())
    today = date.today()
    erased_after = erased_if_left_before(today)
    changed_anyone = False
    # Emails are unique row by row, so two people swapping emails in one file would clash half-way:
    # park the changing ones on a placeholder first.
    moving = [existing[row.staff_code] for row, _, _ in plan
              if row.staff_code in existing and existing[row.staff_code].email != row.email]
    if moving:
        for member in moving:
            member.email = f"{member.id}@moving.invalid"
        uow.staff.make_room()
    def seen(row, change: str, fields: list[str] | None = None) -> None:
        if len(result.preview) < PREVIEW_LIMIT:
            result.preview.append({"line": row.line, "name": f"{row.first_name} {row.last_name}", "change": change,
                                   "fields": fields or []})

    for n, (row, academy, manager_code) in enumerate(plan, 1):
        if n % _FLUSH_EVERY == 0:
            uow.staff.make_room()  # a thousand rows at a time: one flush of 10,000 new staff was the import's peak memory
        values = {
            "academy_id": academy.id, "first_name": row.first_name, "last_name": row.last_name, "email": row.email,
            "staff_type": row.staff_type, "post": row.post, "fte": row.fte, "start_date": row.start_date,
            "line_manager_id": ids[manager_code] if manager_code else None,
        }
        member = existing.get(row.staff_code)
        if member is None and row.leaving_date and row.leaving_date < erased_after:
            result.past_retention += 1  # an MIS export keeps its leavers: one erased must not come back
            seen(row, "past_retention")
            continue
        try:
            if member is None:
                leaving = {"leaving_date": row.leaving_date, "leaving_reason": LEFT_BY_IMPORT} if row.leaving_date else {}
                member = StaffMember.join(staff_code=row.staff_code, id=ids[row.staff_code], **values, **leaving)
                uow.staff.add(member)
                existing[row.staff_code] = member
                changed_anyone = True
                result.created += 1
                seen(row, "added")
                if row.leaving_date:
                    result.left += row.leaving_date <= today
                    seen(row, "leaving", ["leaving_date"])
                continue
            changed, left = member.take_import_row(
                values, row.leaving_date, reason=LEFT_BY_IMPORT, erased_after=erased_after, by_trust_hr=trust_hr,
                before_leaving=lambda member=member: refuse_losing_the_last_trust_hr(
                    uow, member, "recording that they leave"),
                removed_by_identity_provider=lambda member=member: uow.links.removed_by_identity_provider(member.id))
            if "academy_id" in changed:  # HR for their academy was for the one they left (outsider 21)
                withdraw(uow, member, {"academy_hr"}, "moved to another academy")
            if left:
                changed_anyone = True
                result.left += row.leaving_date <= today
                seen(row, "leaving", ["leaving_date"])
            if changed:
                changed_anyone = True
                result.updated += 1
                seen(row, "changed", changed)
            else:
                result.unchanged += 1
        except DirectoryError as exc:
            result.errors.append({"line": row.line, "column": None, "detail": str(exc)})
        except Conflict as exc:  # the last trust HR who can sign in, leaving
            result.errors.append({"line": row.line, "column": result.columns.get("leaving_date", "leaving_date"),
                                  "detail": exc.description})

    managers = {m.id: m.line_manager_id for m in existing.values()}
    lines = {ids[row.staff_code]: row.line for row, _, _ in plan}
    names = {m.id: m.full_name for m in existing.values()}
    for cycle in find_cycles(managers):
        result.cycles += 1
        line = min((lines[s] for s in cycle if s in lines), default=1)
        result.errors.append({"line": line, "column": result.columns.get("line_manager", "line_manager"),
                              "detail": "line management would go round in a circle: "
                              + " → ".join(names.get(s, str(s)) for s in cycle)})
    return changed_anyone
