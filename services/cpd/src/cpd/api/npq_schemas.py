"""Schemas for national professional qualifications: the same classes validate input and document the API."""
from marshmallow import Schema, fields, validate

from staffroom_shared.storable import Date, one_line, visible_text

from ..domain.npq import COURSES, STATUSES, Funding, Group, Outcome
from ..service.npq import PROVIDER_NEWS

COURSE = validate.OneOf(sorted(COURSES))


def _words(enum) -> list[str]:
    return [m.value for m in enum]


class NpqCourseSchema(Schema):
    short_code = fields.String(metadata={"example": "NPQSL"})
    name = fields.String(metadata={"description": "as DfE names it, after \"NPQ for\"", "example": "Senior Leadership"})
    group = fields.String(validate=validate.OneOf(_words(Group)))
    months = fields.Integer(metadata={"description": "how long the course usually runs"})


class NpqRegisterSchema(Schema):
    staff_id = fields.UUID(required=True, metadata={"description": "the member of staff taking the NPQ"})
    course = fields.String(required=True, validate=COURSE, metadata={"description": "DfE's short code",
                                                                     "example": "NPQSL"})
    lead_provider = fields.String(required=True, validate=[validate.Length(min=1, max=200), one_line, visible_text],
                                  metadata={"example": "Ambition Institute"})
    cohort_starts_on = Date(required=True, metadata={"description": "the day the provider's cohort starts"})
    funding = fields.String(load_default=Funding.AWAITING.value, validate=validate.OneOf(_words(Funding)),
                            metadata={"description": "awaiting (DfE's scholarship decision), scholarship, or who pays "
                                                     "instead: academy, trust, self"})


class NpqPlaceSchema(Schema):
    id = fields.UUID()
    staff_id = fields.UUID()
    staff_name = fields.String(allow_none=True)
    academy_id = fields.UUID()
    course = fields.String(metadata={"example": "NPQSL"})
    course_name = fields.String(metadata={"example": "Senior Leadership"})
    leadership = fields.Boolean()
    lead_provider = fields.String()
    cohort = fields.String(metadata={"example": "Autumn 2026"})
    cohort_starts_on = Date()
    expected_end = Date(metadata={"description": "the course's usual length from the cohort's start"})
    funding = fields.String(validate=validate.OneOf(_words(Funding)))
    registered_on = Date()
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "awaiting (the lead provider's answer), rejected, active, deferred, withdrawn, passed, failed"})
    outcome = fields.String(allow_none=True, validate=validate.OneOf(_words(Outcome)))
    completed_on = Date(allow_none=True)


class NpqPlaceQuerySchema(Schema):
    academy_id = fields.UUID()
    course = fields.String(validate=COURSE)
    cohort = fields.String(validate=[validate.Length(max=20), one_line, visible_text],
                           metadata={"example": "Autumn 2026"})
    status = fields.String(validate=validate.OneOf(STATUSES))


class NpqProviderNewsSchema(Schema):
    news = fields.String(required=True, validate=validate.OneOf(list(PROVIDER_NEWS)), metadata={
        "description": "the lead provider accepted or rejected the application; the participant deferred, resumed or "
                       "withdrew"})


class NpqFundingSchema(Schema):
    funding = fields.String(required=True, validate=validate.OneOf(_words(Funding)))


class NpqOutcomeSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(_words(Outcome)))
    completed_on = Date(required=True, metadata={"description": "the day the lead provider gave the outcome"})
