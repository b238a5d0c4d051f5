"""Each service's answer to a subject access request (subject_access.requested): every record it holds about the
person, and what it leaves out and why (staffroom_shared.subject_access). The directory waits for one answer from
each service that has a contract here, and makes the bundle."""
from marshmallow import Schema, fields, validate

from .registry import contract, contracts, owner


class Records(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=100))
    what = fields.String(required=True, validate=validate.Length(min=1, max=500))
    rows = fields.List(fields.Dict(keys=fields.String()), required=True)


class SubjectAccessAnswer(Schema):
    request_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    records = fields.List(fields.Nested(Records), required=True)
    left_out = fields.List(fields.String(validate=validate.Length(min=1, max=1000)), required=True)


@contract("appraisal.subject_access_answered", 1)
class AppraisalSubjectAccessAnsweredV1(SubjectAccessAnswer):
    pass


@contract("cpd.subject_access_answered", 1)
class CpdSubjectAccessAnsweredV1(SubjectAccessAnswer):
    pass


@contract("notifications.subject_access_answered", 1)
class NotificationsSubjectAccessAnsweredV1(SubjectAccessAnswer):
    pass


@contract("targets.subject_access_answered", 1)
class TargetsSubjectAccessAnsweredV1(SubjectAccessAnswer):
    pass


@contract("wellbeing.subject_access_answered", 1)
class WellbeingSubjectAccessAnsweredV1(SubjectAccessAnswer):
    pass


class SubjectAccessWithdrawn(Schema):
    """The service erased something its earlier answers about these people held (recognition HR removed, with its
    words): the directory drops that service's answers about them that it keeps, and asks it again
    (subject_access.requested with `asked_of`), so a copy gathered before the erasure no longer holds it."""
    staff_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=10))


@contract("appraisal.subject_access_withdrawn", 1)
class AppraisalSubjectAccessWithdrawnV1(SubjectAccessWithdrawn):
    pass


def withdrawing() -> tuple[str, ...]:
    """The services that may withdraw their answers."""
    return tuple(sorted(owner(t) for t, _ in contracts() if t.endswith(".subject_access_withdrawn")))


def answering() -> tuple[str, ...]:
    """The services that answer a subject access request."""
    return tuple(sorted(owner(t) for t, _ in contracts() if t.endswith(".subject_access_answered")))
