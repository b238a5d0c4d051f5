"""SCIM 2.0 (RFC 7643, RFC 7644) as the directory speaks it: a member of staff as a SCIM User, a User as the
directory's fields, and a SCIM filter as a query (issue 21; docs/scim.md). Payloads are read, checked and written
by scim2-models; this module only maps.

A member of staff is a User with two extensions: the enterprise one (employeeNumber is the staff code, manager the
line manager) and Staffroom's own (the academy's URN, the staff type, the start date and the FTE), which the
directory needs and no standard attribute carries.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from scim2_models import (
    URN, Context, Email, EnterpriseUser, Extension, Manager, Meta, Name, ScimFilter, User,
)
from scim2_models.path.expressions import Comparison, CompareOperator, LogicalExpr, LogicalOperator, ValuePath
from scim2_models.path.visitor import FilterVisitor
from sqlalchemy import and_, func, or_, true

from staffroom_shared.storable import unstorable

from ..domain.model import STAFF_TYPES
from .orm import scim_links, staff

SCIM_JSON = "application/scim+json"
STAFFROOM_SCHEMA = "urn:ietf:params:scim:schemas:extension:staffroom:2.0:User"
ENTERPRISE_SCHEMA = str(EnterpriseUser.__schema__)
DEFAULT_POST = "Member of staff"  # a person the identity provider gives no job title


class StaffroomUser(Extension):
    """What the directory needs of a person that no standard attribute carries."""

    __schema__ = URN(STAFFROOM_SCHEMA)
    academy_urn: str | None = None
    """The Unique Reference Number of the academy they work in (six digits, from Get Information About Schools)."""
    staff_type: str | None = None
    """teaching, support or leadership: which appraisal and which development suggestions apply."""
    start_date: str | None = None
    """The day they started, as YYYY-MM-DD (the day of provisioning if not given)."""
    fte: str | None = None
    """Full-time equivalent, 0.01 to 1.00 (1.00 if not given)."""


StaffUser = User[EnterpriseUser | StaffroomUser]


class InvalidValue(ValueError):
    """A User the directory cannot take; the message says which attribute and why (SCIM invalidValue)."""


class InvalidFilter(ValueError):
    """A filter the directory cannot run (SCIM invalidFilter)."""


def represent(member, academy_urn: str, link, location_of, today: date, manager_seen: bool = True) -> StaffUser:
    """A member of staff as a User; `link` is their row of scim_links (or None), `location_of(id)` a User's URL;
    `manager_seen`: their line manager is a User the provider can see (not deleted by it, nor erased)."""
    user = StaffUser(
        id=str(member.id), external_id=link.external_id if link else None,
        user_name=(link.user_name if link and link.user_name else member.email),
        name=Name(given_name=member.first_name, family_name=member.last_name),
        display_name=f"{member.first_name} {member.last_name}".strip(), title=member.post,
        active=member.is_active(today),
        # as stored, not checked again: the directory's own rules took it, and an address at a reserved domain
        # (a test trust's example.invalid) made every answer naming it a 500 (e2e, outsider 14)
        emails=[Email.model_construct(value=member.email, type=Email.Type.work, primary=True)],
        meta=Meta(resource_type="User", location=location_of(member.id)))
    manager = member.line_manager_id if manager_seen else None
    user[EnterpriseUser] = EnterpriseUser(
        employee_number=member.staff_code,
        manager=Manager(value=str(manager), ref=location_of(manager)) if manager else None)
    user[StaffroomUser] = StaffroomUser(academy_urn=academy_urn, staff_type=member.staff_type,
                                        start_date=member.start_date.isoformat(), fte=f"{member.fte:.2f}")
    return user


def dump(user: StaffUser, parameters=None) -> dict:
    return user.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters)


def name_key(text: str) -> str:
    """A sign-in name or address as compared: one Unicode form, lower case in any script (RFC 7643 has userName
    case-insensitive). Work addresses are kept in this form; SQLite's own lower() folds ASCII only."""
    return unicodedata.normalize("NFC", text.strip()).lower()


def identity_of(user: StaffUser) -> dict:
    """What the identity provider knows the person by: its own id for them, and their sign-in name (with the form
    it is compared in); raises InvalidValue for one longer than the directory keeps."""
    name = (user.user_name or "").strip() or None
    # the compared form too: lower case can be longer ("İ" is two characters lower-cased; outsider 15)
    for attribute, value, longest in (("externalId", user.external_id, 200), ("userName", name, 254),
                                      ("userName", name and name_key(name), 254)):
        if value is not None and len(value) > longest:
            raise InvalidValue(f"{attribute} is at most {longest} characters (got {len(value)})")
    return {"external_id": user.external_id or None, "user_name": name,
            "user_name_key": name_key(name) if name else None}


def fields_of(user: StaffUser, academy_ids: dict[str, uuid.UUID], whole: bool = False) -> dict:
    """The directory's fields a User gives, as the staff API takes them; raises InvalidValue. `academy_ids` is
    every academy's id by URN. `whole`: the User is the person entire (a replacement, or a patched copy), so a
    manager it does not name means none."""
    found: dict = {}
    emails = sorted(user.emails or [], key=lambda e: (not e.primary, e.type not in (None, Email.Type.work)))
    email = next((e.value for e in emails if e.value), None)  # the primary, else a work one, else any
    if email is None and user.user_name and "@" in user.user_name:
        email = user.user_name  # a sign-in name that is the work address (Entra's userPrincipalName, often)
    if email:
        found["email"] = name_key(email)
    elif user.user_name is not None:
        raise InvalidValue("emails: the directory needs a work email address: give one in emails, or a userName "
                           "that is one")
    if user.name is not None:
        for attribute, field, shown in (("given_name", "first_name", "name.givenName"),
                                        ("family_name", "last_name", "name.familyName")):
            if getattr(user.name, attribute) is not None:
                found[field] = _words(getattr(user.name, attribute), shown)
    if user.title is not None:
        found["post"] = _words(user.title, "title")
    enterprise = user[EnterpriseUser]
    if enterprise is not None and enterprise.employee_number is not None:
        found["staff_code"] = enterprise.employee_number
    if enterprise is not None and enterprise.manager is not None:
        found["line_manager_id"] = _staff_id(enterprise.manager.value, "manager.value")
    elif whole:
        found["line_manager_id"] = None
    own = user[StaffroomUser]
    if own is not None:
        if own.academy_urn is not None:
            if own.academy_urn.strip() not in academy_ids:
                raise InvalidValue(f"academyUrn: no academy in the trust has the URN {own.academy_urn.strip()!r}")
            found["academy_id"] = academy_ids[own.academy_urn.strip()]
        if own.staff_type is not None:
            if own.staff_type.strip().lower() not in STAFF_TYPES:
                raise InvalidValue(f"staffType is one of {', '.join(STAFF_TYPES)} (got {own.staff_type!r})")
            found["staff_type"] = own.staff_type.strip().lower()
        if own.start_date is not None:
            try:
                if not _DAY.match(own.start_date.strip()):
                    raise ValueError
                found["start_date"] = date.fromisoformat(own.start_date.strip())
            except ValueError:
                raise InvalidValue(f"startDate is a day written YYYY-MM-DD (got {own.start_date!r})") from None
        if own.fte is not None:
            try:
                fte = Decimal(own.fte.strip())
                if not fte.is_finite() or not Decimal("0.01") <= fte <= Decimal("1.00"):
                    raise InvalidOperation
            except InvalidOperation:  # sNaN and 1E+400 too, which once reached the database (outsider 14)
                raise InvalidValue(f"fte is a number from 0.01 to 1.00 (got {own.fte!r})") from None
            found["fte"] = fte
    return found


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _words(value: str, attribute: str) -> str:
    if not value.strip():
        raise InvalidValue(f"{attribute} may not be blank")
    return value.strip()


def _staff_id(value, attribute: str) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidValue(f"{attribute}: the id of a User in this directory (got {value!r})") from None


# -- filters --------------------------------------------------------------------------------------------------

_COLUMNS = {  # the attributes a filter may compare, each to its column; text compared as RFC 7643 says
    (None, "userName", None): (func.coalesce(scim_links.c.user_name_key, staff.c.email), name_key),
    (None, "emails", "value"): (staff.c.email, name_key),
    (None, "externalId", None): (scim_links.c.external_id, str),
    (None, "id", None): (staff.c.id, None),
    (ENTERPRISE_SCHEMA, "employeeNumber", None): (staff.c.staff_code, str),
}
FILTERABLE = "userName, emails.value (and emails[type eq \"work\"].value), externalId, id and employeeNumber"


MOST_TERMS = 100  # comparisons in one filter: SQLite refuses an expression over 1,000 deep (outsider 14)


class _Query(FilterVisitor):
    """A filter as a SQLAlchemy condition on staff (outer-joined to scim_links): eq, and, or; the attributes above."""

    def __init__(self, within: str | None = None, counted: list | None = None):
        self.within = within  # inside emails[...]: the sub-attributes of an email
        self.counted = counted if counted is not None else [0]

    def visit_comparison(self, node: Comparison):
        self.counted[0] += 1
        if self.counted[0] > MOST_TERMS:
            raise InvalidFilter(f"a filter may compare at most {MOST_TERMS} times")
        path = node.attr_path
        key = (path.uri, self.within or path.attr, path.attr if self.within else path.sub_attr)
        if node.op != CompareOperator.eq:
            raise InvalidFilter(f"only eq is supported (with and, or); got {node.op.value}")
        if key == (None, "emails", "type"):
            return true() if str(node.value).lower() == "work" else ~true()  # every address here is a work one
        if key not in _COLUMNS:
            raise InvalidFilter(f"the directory filters on {FILTERABLE}; not on {path}")
        if isinstance(node.value, str) and (why := unstorable(node.value)):  # "\ud800" in the filter (outsider 16)
            raise InvalidFilter(f"the value compared with {path} {why}")
        column, normal = _COLUMNS[key]
        if normal is None:
            try:
                return column == uuid.UUID(str(node.value))
            except ValueError:
                return ~true()  # an id that is not one of ours matches nobody
        return column == normal(str(node.value))

    def visit_logical_expr(self, node: LogicalExpr):
        terms = [self.visit(term) for term in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_value_path(self, node: ValuePath):
        if node.attr_path.attr != "emails" or node.attr_path.uri or node.sub_attr:
            raise InvalidFilter(f"the directory filters on {FILTERABLE}; not on {node}")
        return _Query(within="emails", counted=self.counted).visit(node.val_filter)

    def visit_present(self, node):
        raise InvalidFilter("'pr' is not supported: the directory filters with eq, and, or")

    def visit_not(self, node):
        raise InvalidFilter("'not' is not supported: the directory filters with eq, and, or")


def condition(text: str):
    """A SCIM filter (RFC 7644 §3.4.2.2) as a condition on staff; raises InvalidFilter."""
    try:
        parsed = ScimFilter[StaffUser](text)
    except Exception as exc:  # scim2-models says what is wrong with the expression
        raise InvalidFilter(f"not a filter the directory can read: {exc}") from None
    return _Query().visit(parsed.ast)
