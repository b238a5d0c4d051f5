"""Tables for the directory, mapped onto the plain domain classes (the domain never imports this)."""
from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Table, Uuid
from sqlalchemy.orm import registry

from staffroom_shared.db import UtcDateTime, new_metadata

from ..domain.model import Academy, StaffMember

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

_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process (tests and the embedded run call it repeatedly)."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Academy, academies)
    mapper_registry.map_imperatively(StaffMember, staff)
    _mapped = True
