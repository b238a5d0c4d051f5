"""Schemas for development plans and future leaders: the same classes validate input and document the API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from staffroom_shared.storable import Amount, Date

from ..domain.future_leaders import NominationStatus, SecondmentStatus
from ..domain.plans import PlanItemSource, PlanItemStatus

TEXT = validate.Length(min=1, max=4000)
TITLE = validate.Length(min=1, max=300)


def _enum(cls, **kwargs):
    return fields.Enum(cls, by_value=True, **kwargs)


class PlanItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=TITLE, metadata={"example": "Lead a Year 6 reading intervention"})
    detail = fields.String(load_default="", validate=validate.Length(max=4000))
    source = _enum(PlanItemSource, dump_only=True)
    status = _enum(PlanItemStatus, dump_only=True)
    programme_id = fields.UUID(allow_none=True, load_default=None,
                               metadata={"description": "a programme in the catalogue that would help (not an enrolment)"})
    appraisal_id = fields.UUID(allow_none=True, load_default=None)
    objective_id = fields.UUID(allow_none=True, load_default=None,
                               metadata={"description": "the appraisal objective this goal serves, if any"})
    development_need_id = fields.UUID(dump_only=True, allow_none=True)
    due_on = Date(allow_none=True, load_default=None)

    @validates_schema
    def objective_with_appraisal(self, data, **_):
        if data.get("objective_id") and not data.get("appraisal_id"):
            raise ValidationError({"appraisal_id": ["give the appraisal the objective belongs to"]})


class PlanSchema(Schema):
    id = fields.UUID(dump_only=True)
    staff_id = fields.UUID(dump_only=True)
    staff_name = fields.String(dump_only=True, allow_none=True)
    academy_id = fields.UUID(dump_only=True)
    role = fields.String(dump_only=True)
    created_on = Date(dump_only=True)
    created_because = fields.String(dump_only=True, metadata={"example": "joined"})
    items = fields.List(fields.Nested(PlanItemSchema), dump_only=True)


class PlanQuerySchema(Schema):
    academy_id = fields.UUID()
    staff_id = fields.UUID()


class ShadowingSchema(Schema):
    id = fields.UUID(dump_only=True)
    nomination_id = fields.UUID(dump_only=True)
    staff_id = fields.UUID(dump_only=True)
    host_staff_id = fields.UUID(required=True, metadata={"description": "the leader being shadowed"})
    host_academy_id = fields.UUID(dump_only=True)
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    focus = fields.String(required=True, validate=TEXT, metadata={"example": "Leading a whole-school behaviour policy"})


class SecondmentSchema(Schema):
    id = fields.UUID(dump_only=True)
    staff_id = fields.UUID(required=True)
    nomination_id = fields.UUID(allow_none=True, load_default=None)
    home_academy_id = fields.UUID(dump_only=True)
    host_academy_id = fields.UUID(required=True)
    post = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"example": "Acting Deputy Headteacher"})
    starts_on = Date(required=True)
    ends_on = Date(required=True, metadata={"description": "a fixed term: after starts_on"})
    substantive_post_kept = fields.Boolean(load_default=True)
    recharge_amount = Amount(places=2, as_string=True, load_default="0.00",
                            validate=validate.Range(min=0, max=1_000_000),
                            metadata={"description": "what the host academy pays the home academy"})
    status = _enum(SecondmentStatus, dump_only=True)


class SecondmentQuerySchema(Schema):
    academy_id = fields.UUID(metadata={"description": "home or host academy"})
    status = _enum(SecondmentStatus)


class NominationSchema(Schema):
    id = fields.UUID(dump_only=True)
    staff_id = fields.UUID(required=True, metadata={"description": "the member of staff nominated"})
    staff_name = fields.String(dump_only=True, allow_none=True)
    academy_id = fields.UUID(dump_only=True)
    nominated_by = fields.UUID(dump_only=True)
    nominated_on = Date(dump_only=True)
    reason = fields.String(required=True, validate=TEXT)
    status = _enum(NominationStatus, dump_only=True)
    shadowing = fields.List(fields.Nested(ShadowingSchema), dump_only=True)
    secondments = fields.List(fields.Nested(SecondmentSchema), dump_only=True)


class NominationQuerySchema(Schema):
    academy_id = fields.UUID()
    status = _enum(NominationStatus)


class ResponseSchema(Schema):
    accept = fields.Boolean(required=True, metadata={"description": "true to accept the nomination, false to decline"})
