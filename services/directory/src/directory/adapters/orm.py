"""Tables for the directory, mapped onto the plain domain classes (the domain never imports this)."""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Table, Uuid, false, text,
)
from sqlalchemy.orm import registry

from staffroom_shared.db import UtcDateTime, new_metadata

from ..domain.model import Academy, StaffMember
from ..domain.subject_access import SubjectAccessRequest

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)

academies = Table(
    "academies", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("urn", String(6), nullable=False, unique=True),
    Column("phase", String(30), nullable=False),
)

staff = Table(
    "staff", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_code", String(50), nullable=False, unique=True),
    Column("academy_id", Uuid, ForeignKey("academies.id"), nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("staff_type", String(20), nullable=False),
    Column("post", String(200), nullable=False),
    Column("fte", Numeric(3, 2), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("leaving_date", Date, nullable=True),
    Column("leaving_reason", String(200), nullable=True),
    # Deferred so an import can add a manager and their reports in any order within one transaction.
    Column("line_manager_id", Uuid, ForeignKey("staff.id", deferrable=True, initially="DEFERRED"),
           nullable=True, index=True),
    Column("erased_on", Date, nullable=True),  # the record was anonymised when its retention ended (issue 21)
    Index("ix_staff_academy_last_name", "academy_id", "last_name", "first_name"),
)

checked_imports = Table(  # a staff file HR checked without importing, kept for a short while to import as checked
    "checked_imports", metadata,
    Column("id", Uuid, primary_key=True),
    Column("actor", String(200), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("checked_at", UtcDateTime, nullable=False, index=True),
)

subject_access_requests = Table(  # a request for a copy of a person's data (issue 21; domain.subject_access)
    "subject_access_requests", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, ForeignKey("staff.id"), nullable=False, index=True),
    Column("requested_by", String(200), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("respond_by", Date, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime, nullable=True),
    # The person asked themselves: the copy is theirs alone, and they may ask once a day (outsider 13).
    Column("by_the_person", Boolean, nullable=False, server_default=false()),
    Index("ix_subject_access_requests_one_a_day", "staff_id", "received_on", unique=True,
          sqlite_where=text("by_the_person"), postgresql_where=text("by_the_person")),
)

subject_access_answers = Table(  # each service's answer: what it holds about the person, as it sent it
    "subject_access_answers", metadata,
    Column("request_id", Uuid, ForeignKey("subject_access_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("service", String(50), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("answer", JSON, nullable=False),
)

scim_links = Table(  # the identity provider's own id and name for a person, and whether it deleted them (docs/scim.md)
    "scim_links", metadata,
    Column("staff_id", Uuid, ForeignKey("staff.id"), primary_key=True),
    Column("external_id", String(200), nullable=True, unique=True),
    Column("user_name", String(254), nullable=True, unique=True),  # its sign-in name (UPN), if not the work email
    Column("user_name_key", String(254), nullable=True, unique=True),  # the name as compared (adapters.scim.name_key)
    Column("deprovisioned_on", Date, nullable=True),  # SCIM DELETE: the record stays (retention), SCIM sees no more
    # SCIM active false (Entra's first step in removing someone): from then only the provider brings them back
    Column("disabled_on", Date, nullable=True),
)

role_grants = Table(  # who trust HR gave a role beyond member of staff (domain.model.ROLE_NAMES), by whom, when
    "role_grants", metadata,
    Column("staff_id", Uuid, ForeignKey("staff.id"), primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("granted_by", String(200), nullable=False),
    Column("granted_at", UtcDateTime, nullable=False),
)

_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process (tests and the embedded run call it repeatedly)."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Academy, academies)
    mapper_registry.map_imperatively(StaffMember, staff)
    mapper_registry.map_imperatively(SubjectAccessRequest, subject_access_requests)
    _mapped = True
