"""Request and response schemas of the cascade (issue 24): priorities, their roll-up, and objective templates."""
from marshmallow import Schema, fields, validate

from staffroom_shared.storable import Flag, visible_text

from ..domain.model import ObjectiveType, StaffGroup
from ..domain.priorities import Level, Progress
from .schemas import NAME, TEXT, TITLE

MEASURE = [validate.Length(min=1, max=1000), visible_text]
YEAR = validate.Range(min=2000, max=2100)


def _enum(cls, **kwargs):
    return fields.Enum(cls, by_value=True, **kwargs)


class PrioritySchema(Schema):
    id = fields.UUID(dump_only=True)
    level = _enum(Level, required=True, metadata={"description": "trust, academy (improvement plan) or team"})
    school_year = fields.Integer(required=True, validate=YEAR, metadata={"description": "2026 for 2026/27"})
    title = fields.String(required=True, validate=TITLE, metadata={"example": "Reading for pleasure"})
    description = fields.String(required=True, validate=TEXT)
    success_measure = fields.String(load_default=None, allow_none=True, validate=MEASURE)
    academy_id = fields.UUID(load_default=None, allow_none=True,
                             metadata={"description": "an academy's or team's priority: its academy (default: the "
                                                      "caller's)"})
    parent_id = fields.UUID(load_default=None, allow_none=True,
                            metadata={"description": "the priority it serves: an academy's, a trust priority (or none); "
                                                     "a team's, an academy priority"})
    team = fields.String(load_default=None, allow_none=True, validate=NAME,
                         metadata={"description": "a team priority's department or team", "example": "Year 6"})
    owner_id = fields.UUID(load_default=None, allow_none=True,
                           metadata={"description": "a team priority's line manager (default: the caller)"})
    archived = Flag(dump_only=True)


class PriorityUpdateSchema(Schema):
    title = fields.String(validate=TITLE)
    description = fields.String(validate=TEXT)
    success_measure = fields.String(allow_none=True, validate=MEASURE)
    team = fields.String(validate=NAME)
    parent_id = fields.UUID(allow_none=True)


class PriorityQuerySchema(Schema):
    school_year = fields.Integer(validate=YEAR)
    academy_id = fields.UUID(metadata={"description": "trust HR: the trust's priorities and this academy's"})


class RollUpQuerySchema(Schema):
    school_year = fields.Integer(validate=YEAR, metadata={"description": "default: this school year"})
    academy_id = fields.UUID(metadata={"description": "trust HR: one academy's people only"})


PROGRESS = {p.value: p.label for p in Progress}


class AcademyRollUpSchema(Schema):
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    people = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class SupporterSchema(Schema):
    appraisal_id = fields.UUID()
    name = fields.String(allow_none=True)
    progress = fields.String(metadata={"description": ", ".join(f"{k}: {v}" for k, v in PROGRESS.items())})
    objectives = fields.Integer(metadata={"description": "their objectives serving it or a priority under it"})


class RollUpRowSchema(Schema):
    priority = fields.Nested(PrioritySchema)
    academy_name = fields.String(allow_none=True)
    people = fields.Integer(metadata={"description": "people with an objective serving it or a priority under it"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "those people by how far they have got (each counted once, at their least advanced): "
                       + ", ".join(f"{k}: {v}" for k, v in PROGRESS.items())})
    academies = fields.List(fields.Nested(AcademyRollUpSchema), metadata={"description": "trust HR: per academy"})
    named = fields.List(fields.Nested(SupporterSchema), metadata={
        "description": "the people among them whose appraisals the caller may see"})


class RollUpMadeFromSchema(Schema):
    whom = fields.String(metadata={"description": "trust: everyone's appraisals (trust HR); academy: the academy's "
                                                  "(academy HR); reviewees: the appraisals the caller is appraiser of"})
    people = fields.Integer(metadata={"description": "how many people, among those, have objectives serving these "
                                                     "priorities"})
    words = fields.String(metadata={"description": "the same in plain words, as the portal shows it"})


class RollUpSchema(Schema):
    made_from = fields.Nested(RollUpMadeFromSchema, metadata={
        "description": "whose appraisals every figure is made from: only those the caller may see"})
    priorities = fields.List(fields.Nested(RollUpRowSchema))


class ObjectiveTemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=TITLE)
    type = _enum(ObjectiveType, required=True)
    description = fields.String(required=True, validate=TEXT, metadata={"description": "the SMART objective"})
    success_criteria = fields.String(required=True, validate=TEXT)
    post = fields.String(load_default=None, allow_none=True, validate=TITLE,
                         metadata={"description": "the post it is for, as the directory holds it", "example": "Year 6 teacher"})
    staff_group = _enum(StaffGroup, load_default=None, allow_none=True)
    academy_id = fields.UUID(allow_none=True, metadata={"description": "null: for the whole trust (trust HR); "
                                                                      "default: academy HR's own academy"})
    priority_id = fields.UUID(load_default=None, allow_none=True)
    for_whom = fields.String(dump_only=True)


class ObjectiveTemplateUpdateSchema(Schema):
    title = fields.String(validate=TITLE)
    type = _enum(ObjectiveType)
    description = fields.String(validate=TEXT)
    success_criteria = fields.String(validate=TEXT)
    post = fields.String(allow_none=True, validate=TITLE)
    staff_group = _enum(StaffGroup, allow_none=True)
    priority_id = fields.UUID(allow_none=True)


class ApplyTemplatesSchema(Schema):
    template_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=6))
    appraisal_ids = fields.List(fields.UUID(), load_default=None, allow_none=True,
                                validate=validate.Length(min=1, max=500), metadata={
                                    "description": "your reviewees' appraisals to add them to; left out: every "
                                                   "reviewee of yours each template's role fits"})


class AddedObjectiveSchema(Schema):
    id = fields.UUID()
    title = fields.String()
    template_id = fields.UUID()


class AppliedSchema(Schema):
    appraisal_id = fields.UUID()
    reviewee_id = fields.UUID()
    reviewee_name = fields.String(allow_none=True)
    objectives = fields.List(fields.Nested(AddedObjectiveSchema))


class RefusedSchema(Schema):
    appraisal_id = fields.UUID()
    reviewee_id = fields.UUID()
    reviewee_name = fields.String(allow_none=True)
    reason = fields.String()


class ApplyResultSchema(Schema):
    applied = fields.List(fields.Nested(AppliedSchema))
    refused = fields.List(fields.Nested(RefusedSchema), metadata={
        "description": "people to whom nothing was added, and why (e.g. it would pass the cap of six objectives)"})
