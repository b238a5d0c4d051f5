"""Request and response schemas: the same classes validate input and generate the OpenAPI document."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from staffroom_shared.storable import AwareDateTime, Date, DateTime, one_line

from ..adapters.google import MAX_ID_TOKEN
from ..domain.model import PHASES, ROLE_NAMES, STAFF_TYPES

NAME = [validate.Length(min=1, max=100), one_line]
POST = [validate.Length(min=1, max=200), one_line]
CODE = [validate.Length(min=1, max=50), one_line]  # an MIS id: one line, as names are (outsider 4, issue 20)


def _fte_range(value: Decimal) -> None:
    # A function, not validate.Range: apispec would render Range's bounds as strings ("0.01"), which is
    # not a valid OpenAPI document. The bounds are in FTE_DOC instead.
    if not Decimal("0.01") <= value <= Decimal("1.00"):
        raise ValidationError("FTE is between 0.01 and 1.00 (1.0 is full time)")


FTE_DOC = {"type": ["string", "number"], "example": "0.60",
           "description": "full-time equivalent, 0.01 to 1.00; answered as a string with two decimal places"}


class AcademySchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=POST)
    urn = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="a URN is six digits"),
                        metadata={"description": "Unique Reference Number from Get Information About Schools"})
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))


class AcademyUpdateSchema(AcademySchema):
    """Any of the academy's fields; marshmallow has no Meta.partial, so `partial` is set on each instance."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class StaffSchema(Schema):
    id = fields.UUID(dump_only=True)
    staff_code = fields.String(required=True, validate=CODE,
                               metadata={"description": "the MIS/HR system's id for this person"})
    academy_id = fields.UUID(required=True)
    first_name = fields.String(required=True, validate=NAME)
    last_name = fields.String(required=True, validate=NAME)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    staff_type = fields.String(required=True, validate=validate.OneOf(STAFF_TYPES))
    post = fields.String(required=True, validate=POST)
    fte = fields.Decimal(load_default=Decimal("1.00"), as_string=True, places=2, validate=_fte_range, metadata=FTE_DOC)
    start_date = Date(required=True)
    line_manager_id = fields.UUID(allow_none=True, load_default=None)
    leaving_date = Date(dump_only=True, allow_none=True)
    leaving_reason = fields.String(dump_only=True, allow_none=True)


class StaffUpdateSchema(Schema):
    staff_code = fields.String(validate=CODE)
    academy_id = fields.UUID()
    first_name = fields.String(validate=NAME)
    last_name = fields.String(validate=NAME)
    email = fields.Email(validate=validate.Length(max=254))
    staff_type = fields.String(validate=validate.OneOf(STAFF_TYPES))
    post = fields.String(validate=POST)
    fte = fields.Decimal(as_string=True, places=2, validate=_fte_range, metadata=FTE_DOC)
    start_date = Date()
    line_manager_id = fields.UUID(allow_none=True)


class PromotionSchema(Schema):
    post = fields.String(required=True, validate=POST)
    staff_type = fields.String(required=True, validate=validate.OneOf(STAFF_TYPES))
    effective_date = Date(required=True)
    fte = fields.Decimal(as_string=True, places=2, validate=_fte_range, load_default=None,
                         metadata={**FTE_DOC, "description": "the new FTE, if it changes with the promotion"})


class LeavingSchema(Schema):
    leaving_date = Date(required=True)
    reason = fields.String(validate=validate.Length(max=200), load_default=None)


class StaffQuerySchema(Schema):
    academy_id = fields.UUID()
    staff_type = fields.String(validate=validate.OneOf(STAFF_TYPES))
    line_manager_id = fields.UUID()
    current = fields.Boolean(metadata={"description": "true: still in post; false: leavers"})
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "name, email or post contains"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class StaffPageSchema(Schema):
    items = fields.List(fields.Nested(StaffSchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


class ImportQuerySchema(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check the file and report, change nothing"})


class ImportRowErrorSchema(Schema):
    line = fields.Integer()
    column = fields.String(allow_none=True)
    detail = fields.String()


class ImportPreviewSchema(Schema):
    line = fields.Integer(metadata={"description": "the row in the file (1 is the headings)"})
    name = fields.String()
    change = fields.String(metadata={"description": "added, changed, leaving, or past_retention (a leaver whose "
                                                    "record's retention has ended: not added)"})
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields",
                          metadata={"description": "the columns that change (changed, leaving)"})


class ImportResultSchema(Schema):
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    left = fields.Integer()
    past_retention = fields.Integer(metadata={
        "description": "leavers not added: they left before their record's retention ended (six years by default)"})
    dry_run = fields.Boolean()
    columns = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "which header in the file was read as which column"})
    errors = fields.List(fields.Nested(ImportRowErrorSchema))
    preview = fields.List(fields.Nested(ImportPreviewSchema), metadata={
        "description": "who is added, changed or recorded as leaving, in file order (the first 1,000)"})
    checked_id = fields.UUID(allow_none=True, metadata={
        "description": "a check-only run's file, kept for you to import as checked: POST /imports/staff/checked/{id}"})
    checked_until = DateTime(allow_none=True)


class SubjectAccessOpenSchema(Schema):
    staff_id = fields.UUID(required=True, metadata={"description": "whose data: anyone (trust HR, the data protection "
                                                                   "officer) or yourself"})


class SubjectAccessQuerySchema(Schema):
    staff_id = fields.UUID(metadata={"description": "one person's requests (trust HR and the DPO)"})


class SubjectAccessRequestSchema(Schema):
    id = fields.UUID()
    staff_id = fields.UUID()
    name = fields.String(metadata={"description": "the person's name as the directory has it now"})
    requested_by = fields.String(metadata={"description": "who opened it: a staff id"})
    received_on = Date(metadata={"description": "the day the request was received: the time limit runs from it"})
    respond_by = Date(metadata={"description": "the last day to answer: one month, as the ICO counts it"})
    opened_at = AwareDateTime()
    answered_at = AwareDateTime(allow_none=True, metadata={"description": "when every service had answered"})
    status = fields.String(validate=validate.OneOf(("gathering", "ready")))
    by_the_person = fields.Boolean(metadata={"description": "the person asked themselves: the copy is theirs alone"})
    may_download = fields.Boolean(metadata={"description": "whether the caller may download the copy once ready"})
    answered = fields.List(fields.String(), metadata={"description": "the services that have answered"})
    waiting_for = fields.List(fields.String(), metadata={"description": "the services yet to answer"})


class RolesSchema(Schema):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLE_NAMES)), required=True,
                        validate=validate.Length(max=len(ROLE_NAMES)),
                        metadata={"description": "roles beyond member of staff: " + ", ".join(
                            f"{key} ({words})" for key, words in ROLE_NAMES.items())})


class RoleHolderSchema(Schema):
    staff_id = fields.UUID()
    name = fields.String()
    academy_id = fields.UUID()
    roles = fields.List(fields.String())
    leaving_date = Date(allow_none=True, metadata={"description": "when they left or are leaving, if recorded: a "
                                                                  "leaver cannot sign in after this day"})


class SignInSchema(Schema):
    id_token = fields.String(required=True, validate=validate.Length(min=1, max=MAX_ID_TOKEN),
                             metadata={"description": "the ID token Google issued to the portal for the person"})


class TokenSchema(Schema):
    access_token = fields.String(metadata={"description": "a Staffroom token every service accepts"})
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(metadata={"description": "seconds until it expires"})
