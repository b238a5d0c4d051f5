"""Events published by the directory service (staff.*)."""
from marshmallow import Schema, fields, validate

from .registry import contract

PRODUCER = "directory"  # staff.* and academy.*
STAFF_TYPES = ("teaching", "support", "leadership")


class StaffSnapshot(Schema):
    """Event-carried state: what other services keep in their local copy of a member of staff."""

    staff_id = fields.UUID(required=True)
    academy_id = fields.UUID(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    email = fields.Email(required=True)
    staff_type = fields.String(required=True, validate=validate.OneOf(STAFF_TYPES))
    post = fields.String(required=True)
    fte = fields.Decimal(required=True, as_string=True, places=2)
    start_date = fields.Date(required=True)
    leaving_date = fields.Date(required=True, allow_none=True)
    line_manager_id = fields.UUID(required=True, allow_none=True)


@contract("staff.joined", 1)
class StaffJoinedV1(StaffSnapshot):
    pass


@contract("staff.updated", 1)
class StaffUpdatedV1(StaffSnapshot):
    changed = fields.List(fields.String(), required=True)


@contract("staff.promoted", 1)
class StaffPromotedV1(StaffSnapshot):
    previous_post = fields.String(required=True)
    previous_staff_type = fields.String(required=True, validate=validate.OneOf(STAFF_TYPES))
    effective_date = fields.Date(required=True)


@contract("staff.left", 1)
class StaffLeftV1(StaffSnapshot):
    reason = fields.String(required=True, allow_none=True)


@contract("staff.erased", 1)
class StaffErasedV1(StaffSnapshot):
    """A leaver's personnel file has reached the end of its retention: the snapshot is the anonymised record
    (placeholder name and an address that never delivers). Every service replaces its copy with it and removes
    what it holds about the person that reports do not count (issue 21; docs/privacy.md)."""

    erased_on = fields.Date(required=True)


PHASES = ("primary", "secondary", "all-through", "special", "alternative provision")


@contract("academy.registered", 1)
class AcademyRegisteredV1(Schema):
    academy_id = fields.UUID(required=True)
    name = fields.String(required=True)
    urn = fields.String(required=True)
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))


@contract("academy.updated", 1)
class AcademyUpdatedV1(AcademyRegisteredV1):
    pass


@contract("subject_access.requested", 1)
class SubjectAccessRequestedV1(Schema):
    """Someone asked for a copy of their personal data (UK GDPR Article 15): every service that holds personal
    data answers with `<service>.subject_access_answered` (contracts.subject_access; docs/privacy.md)."""

    request_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    received_on = fields.Date(required=True)
    # The person asked for this copy themselves (else trust HR or the DPO did, and will read it): a service may
    # keep some things for the person's own copy alone (wellbeing: whether they answered each survey).
    by_the_person = fields.Boolean(load_default=False, dump_default=False)
    # Only these services are asked: each withdrew its earlier answer (contracts.subject_access); absent, every one.
    asked_of = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                           validate=validate.Length(min=1, max=20))
