"""The directory's unit of work: its repositories, and the one table from its domain events to their contracts."""
from __future__ import annotations

from staffroom_shared.uow import Contract, UnitOfWork

from ..adapters.repository import (
    AcademyRepository, CheckedFileRepository, RoleRepository, ScimLinkRepository, StaffRepository,
    SubjectAccessRepository,
)
from ..domain import events


def _requested(event: events.SubjectAccessRequested) -> dict:
    """The request (or the services asked again), without the person's academy (the envelope carries it)."""
    payload = {"request_id": event.request_id, "staff_id": event.staff_id, "received_on": event.received_on,
               "by_the_person": event.by_the_person}
    return {**payload, "asked_of": list(event.asked_of)} if event.asked_of else payload


CONTRACTS = {
    events.AcademyRegistered: Contract("academy.registered"),
    events.AcademyUpdated: Contract("academy.updated"),
    events.StaffJoined: Contract("staff.joined"),
    events.StaffUpdated: Contract("staff.updated"),
    events.StaffPromoted: Contract("staff.promoted"),
    events.StaffLeft: Contract("staff.left"),
    events.StaffErased: Contract("staff.erased"),
    events.SubjectAccessRequested: Contract("subject_access.requested", payload=_requested),
}


class DirectoryUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    # links: the SCIM links, how the identity provider knows each person
    repositories = {"academies": AcademyRepository, "staff": StaffRepository, "roles": RoleRepository,
                    "links": ScimLinkRepository, "requests": SubjectAccessRepository,
                    "checked_files": CheckedFileRepository}
