"""What the directory holds about a person, for its own answer to a subject access request (issue 21;
staffroom_shared.subject_access): their record, their requests, their SCIM link and the roles they were given."""
from __future__ import annotations

import uuid

from staffroom_shared.subject_access import Holding, answer, subject

from .orm import role_grants, scim_links, staff, subject_access_requests

HOLDINGS = (
    Holding("your record in the trust's directory", staff, subject(staff.c.id)),
    Holding("your requests for a copy of your data", subject_access_requests,
            subject(subject_access_requests.c.staff_id)),
    Holding("how the trust's identity provider knows you: its id for you and your sign-in name", scim_links,
            subject(scim_links.c.staff_id)),
    Holding("the access trust HR gave you beyond being a member of staff", role_grants, subject(role_grants.c.staff_id)),
)


def directory_answer(session, request_id: uuid.UUID, staff_id: uuid.UUID, by_the_person: bool) -> dict:
    """The directory's own answer: every record it holds about the person (as each service answers over the bus)."""
    return answer(session, HOLDINGS, request_id, staff_id, by_the_person)
