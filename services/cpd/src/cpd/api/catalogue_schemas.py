"""Request and response schemas for the catalogue, enrolments, agreements and spend (they also make the OpenAPI)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from staffroom_shared.storable import Amount, Date, one_line

from ..domain.catalogue import MAX_HOURS, NPQS, DeliveryMode, ProgrammeKind
from ..domain.enrolments import EnrolmentStatus

SHORT = [validate.Length(min=1, max=200), one_line]  # titles and names go into emails' subjects
TEXT = validate.Length(max=4000)
HOURS = validate.Range(min=0, max=MAX_HOURS)
MONEY = {"as_string": True, "places": 2, "validate": validate.Range(min=0, max=1_000_000)}


def _enum(cls, **kwargs):
    return fields.Enum(cls, by_value=True, **kwargs)


class ProgrammeSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=SHORT)
    kind = _enum(ProgrammeKind, required=True)
    provider = fields.String(required=True, validate=SHORT)
    delivery_mode = _enum(DeliveryMode, required=True)
    cost = Amount(required=True, **MONEY, metadata={"description": "per place, in pounds"})
    academy_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "null: offered trust-wide"})
    description = fields.String(load_default="", validate=TEXT)
    duration = fields.String(load_default="", validate=validate.Length(max=100), metadata={"example": "18 months"})
    hours = fields.Float(load_default=None, allow_none=True, validate=HOURS, metadata={
        "description": "learning hours a place gives (to the tenth); null: not known", "example": 6})
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list,
                       validate=validate.Length(max=20), metadata={"example": ["Teachers' Standards", "middle leaders"]})
    npq = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(NPQS)))
    levy_funded = fields.Boolean(load_default=False)
    off_the_job_percent = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100))
    requires_approval = fields.Boolean(load_default=True)
    active = fields.Boolean(dump_only=True)


class ProgrammeUpdateSchema(Schema):
    title = fields.String(validate=SHORT)
    kind = _enum(ProgrammeKind)
    provider = fields.String(validate=SHORT)
    delivery_mode = _enum(DeliveryMode)
    cost = Amount(**MONEY)
    description = fields.String(validate=TEXT)
    duration = fields.String(validate=validate.Length(max=100))
    hours = fields.Float(allow_none=True, validate=HOURS)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=20))
    npq = fields.String(allow_none=True, validate=validate.OneOf(list(NPQS)))
    levy_funded = fields.Boolean()
    off_the_job_percent = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100))
    requires_approval = fields.Boolean()

    @validates_schema
    def not_empty(self, data, **_):
        if not data:
            raise ValidationError("give at least one field to change")


class ProgrammeQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "words in title, provider or description"})
    kind = _enum(ProgrammeKind)
    tag = fields.String(validate=validate.Length(min=1, max=60))
    npq = fields.String(validate=validate.OneOf(list(NPQS)))
    delivery_mode = _enum(DeliveryMode)
    min_cost = Amount(**MONEY)
    max_cost = Amount(**MONEY)
    academy_id = fields.UUID(metadata={"description": "offered by this academy"})
    trust_wide = fields.Boolean()
    include_inactive = fields.Boolean(load_default=False, metadata={"description": "HR only"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))

    @validates_schema
    def cost_range(self, data, **_):
        if "min_cost" in data and "max_cost" in data and data["min_cost"] > data["max_cost"]:
            raise ValidationError({"min_cost": ["min_cost is more than max_cost"]})


class ProgrammePageSchema(Schema):
    items = fields.List(fields.Nested(ProgrammeSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


class ActiveSchema(Schema):
    active = fields.Boolean(required=True, metadata={"description": "false: no new requests; true: offered again"})


class CohortSchema(Schema):
    id = fields.UUID(dump_only=True)
    programme_id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=SHORT, metadata={"example": "Spring 2027, Oak"})
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    location = fields.String(load_default="", validate=validate.Length(max=200))
    confirmed = fields.Integer(dump_only=True)
    waiting = fields.Integer(dump_only=True)
    places_left = fields.Integer(dump_only=True)


class CohortUpdateSchema(Schema):
    name = fields.String(validate=SHORT)
    starts_on = Date()
    ends_on = Date()
    capacity = fields.Integer(validate=validate.Range(min=1, max=10_000))
    location = fields.String(validate=validate.Length(max=200))

    @validates_schema
    def not_empty(self, data, **_):
        if not data:
            raise ValidationError("give at least one field to change")


class EnrolmentRequestSchema(Schema):
    cohort_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                           metadata={"description": "why, e.g. the appraisal objective or development need it serves"})


class EnrolmentSchema(Schema):
    id = fields.UUID()
    cohort_id = fields.UUID()
    programme_id = fields.UUID()
    staff_id = fields.UUID()
    academy_id = fields.UUID()
    cost = fields.Decimal(as_string=True, places=2)
    requested_on = Date()
    reason = fields.String()
    status = _enum(EnrolmentStatus)
    manager_approved_by = fields.UUID(allow_none=True)
    hr_approved_by = fields.UUID(allow_none=True)
    decided_on = Date(allow_none=True)
    decision_note = fields.String(allow_none=True)
    waiting_position = fields.Integer(allow_none=True)
    attendance_percent = fields.Integer(allow_none=True)
    completed_on = Date(allow_none=True)
    impact_rating = fields.Integer(allow_none=True)
    impact_notes = fields.String(allow_none=True)
    agreement_id = fields.UUID(allow_none=True)


class EnrolmentQuerySchema(Schema):
    staff_id = fields.UUID()
    cohort_id = fields.UUID()
    programme_id = fields.UUID()
    status = _enum(EnrolmentStatus)
    academy_id = fields.UUID()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class EnrolmentPageSchema(Schema):
    items = fields.List(fields.Nested(EnrolmentSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


class NoteSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class DeclineSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                         metadata={"description": "why, for the member of staff"})


class AttendanceSchema(Schema):
    percent = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))


class CompletionSchema(Schema):
    completed = fields.Boolean(load_default=True, metadata={"description": "false: finished without completing"})
    completed_on = Date(load_default=None, allow_none=True, metadata={"description": "default today"})


class EvaluationSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                            metadata={"description": "impact, 1 (none) to 5 (transformative)"})
    notes = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class AgreementSchema(Schema):
    id = fields.UUID()
    enrolment_id = fields.UUID()
    staff_id = fields.UUID()
    academy_id = fields.UUID()
    cost = fields.Decimal(as_string=True, places=2)
    schedule = fields.List(fields.List(fields.Integer()))
    signed_on = Date(allow_none=True)
    clawback_amount = fields.Decimal(as_string=True, places=2, allow_none=True)
    clawback_computed_on = Date(allow_none=True)


def _check_band(band):
    if len(band) != 2:
        raise ValidationError("each band is [months after completion, percent repayable]")


class SettingsSchema(Schema):
    approval_threshold = Amount(required=True, **MONEY,
                                        metadata={"description": "above this, HR approves after the line manager"})
    agreement_threshold = Amount(required=True, **MONEY,
                                         metadata={"description": "at or above this, a training agreement first"})
    repayment_schedule = fields.List(
        fields.List(fields.Integer(strict=True, validate=validate.Range(min=0, max=1200)), validate=_check_band),
        required=True, validate=validate.Length(min=1, max=10), metadata={"example": [[12, 100], [24, 50]]})


class BudgetSchema(Schema):
    academy_id = fields.UUID(dump_only=True)
    year_starting = fields.Integer(dump_only=True)
    amount = Amount(required=True, **MONEY)


class BudgetQuerySchema(Schema):
    year_starting = fields.Integer(validate=validate.Range(min=2000, max=2100))


class SpendQuerySchema(Schema):
    year_starting = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100),
                                   metadata={"description": "2026 for the 2026/27 budget year (1 Sep-31 Aug)"})


class ProgrammeSpendSchema(Schema):
    programme_id = fields.UUID()
    title = fields.String()
    places = fields.Integer()
    spent = fields.Decimal(as_string=True, places=2)


class AcademySpendSchema(Schema):
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    budget = fields.Decimal(as_string=True, places=2, allow_none=True)
    spent = fields.Decimal(as_string=True, places=2)
    remaining = fields.Decimal(as_string=True, places=2, allow_none=True)
    percent_used = fields.Float(allow_none=True)
    places = fields.Integer()
    programmes = fields.List(fields.Nested(ProgrammeSpendSchema))


class SpendSchema(Schema):
    year_starting = fields.Integer()
    from_ = Date(data_key="from")
    to = Date()
    academies = fields.List(fields.Nested(AcademySpendSchema))
    programmes = fields.List(fields.Nested(ProgrammeSpendSchema))
    total_spent = fields.Decimal(as_string=True, places=2)
    total_budget = fields.Decimal(as_string=True, places=2)
