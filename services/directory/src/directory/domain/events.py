"""What happens in the directory, in its own words: recorded by the academy, the member of staff or the subject
access request a rule changed, and published through service.unit_of_work.CONTRACTS."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from staffroom_shared.domain import DomainEvent


@dataclass(frozen=True)
class AcademyEvent(DomainEvent):
    """An academy as it now is."""

    academy_id: uuid.UUID
    name: str
    urn: str
    phase: str


@dataclass(frozen=True)
class AcademyRegistered(AcademyEvent):
    pass


@dataclass(frozen=True)
class AcademyUpdated(AcademyEvent):
    """Changed, or announced again as it is (a republish)."""


@dataclass(frozen=True)
class StaffEvent(DomainEvent):
    """A member of staff as they now are: the copy other services keep (model.SNAPSHOT_FIELDS)."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    staff_type: str
    post: str
    fte: Decimal
    start_date: date
    leaving_date: date | None
    line_manager_id: uuid.UUID | None


@dataclass(frozen=True)
class StaffJoined(StaffEvent):
    pass


@dataclass(frozen=True)
class StaffUpdated(StaffEvent):
    changed: list[str]  # the fields whose value changed; none when the record is announced again as it is


@dataclass(frozen=True)
class StaffPromoted(StaffEvent):
    previous_post: str
    previous_staff_type: str
    effective_date: date


@dataclass(frozen=True)
class StaffLeft(StaffEvent):
    reason: str | None


@dataclass(frozen=True)
class StaffErased(StaffEvent):
    """The record as anonymised when its retention ended."""

    erased_on: date


@dataclass(frozen=True)
class SubjectAccessRequested(DomainEvent):
    request_id: uuid.UUID
    staff_id: uuid.UUID
    received_on: date
    by_the_person: bool
    academy_id: uuid.UUID  # the person's academy: the event concerns it
    asked_of: tuple[str, ...] = ()  # asked again of these services alone (they withdrew their answers); () every one
