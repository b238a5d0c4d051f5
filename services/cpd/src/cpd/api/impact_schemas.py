"""Request and response schemas for CPD impact (they also make the OpenAPI)."""
from marshmallow import Schema, fields, validate

from staffroom_shared.storable import Date, visible_text

from ..domain.impact import IMPACT_SEEN, MOST_CHECK_AFTER_WEEKS, SATISFACTION

TEXT = [validate.Length(min=1, max=4000), visible_text]  # outsider O6, issue 24: "\u200b" alone, a bell


def _scale(words: dict) -> str:
    return ", ".join(f"{n} {w.lower()}" for n, w in words.items())


class IntentSchema(Schema):
    intent = fields.String(required=True, validate=TEXT,
                           metadata={"description": "what I will change in my practice"})
    satisfaction = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                                  metadata={"description": _scale(SATISFACTION)})
    development_need_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "the appraisal development need in the participant's plan that the programme served"})


class ImpactSeenSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                            metadata={"description": _scale(IMPACT_SEEN)})
    seen = fields.String(required=True, validate=TEXT, metadata={"description": "the impact the line manager has seen"})


class DevelopmentNeedSchema(Schema):
    development_need_id = fields.UUID()
    appraisal_id = fields.UUID(allow_none=True)
    title = fields.String()


class ImpactSchema(Schema):
    enrolment_id = fields.UUID()
    staff_id = fields.UUID()
    staff_name = fields.String(allow_none=True)
    academy_id = fields.UUID()
    programme_id = fields.UUID()
    programme_title = fields.String()
    completed_on = Date()
    check_due_on = Date(metadata={"description": "from when the line manager records the impact seen"})
    intent = fields.String(allow_none=True)
    satisfaction = fields.Integer(allow_none=True)
    satisfaction_words = fields.String(allow_none=True)
    intent_recorded_on = Date(allow_none=True)
    intent_editable_until = Date(allow_none=True)
    development_need_id = fields.UUID(allow_none=True)
    impact_rating = fields.Integer(allow_none=True)
    impact_words = fields.String(allow_none=True)
    impact_seen = fields.String(allow_none=True)
    impact_recorded_on = Date(allow_none=True)
    development_needs = fields.List(fields.Nested(DevelopmentNeedSchema),
                                    metadata={"description": "the participant's own choices (empty for others)"})


class ImpactSettingsSchema(Schema):
    check_after_weeks = fields.Integer(required=True, strict=True,
                                       validate=validate.Range(min=1, max=MOST_CHECK_AFTER_WEEKS),
                                       metadata={"description": "weeks from completion to the line manager's check"})


class ImpactReportRowSchema(Schema):
    enrolment_id = fields.UUID()
    staff_id = fields.UUID()
    staff_name = fields.String(allow_none=True)
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    completed_on = Date()
    satisfaction = fields.Integer(allow_none=True)
    satisfaction_words = fields.String(allow_none=True)
    intent = fields.String(allow_none=True)
    impact_rating = fields.Integer(allow_none=True)
    impact_words = fields.String(allow_none=True)
    impact_seen = fields.String(allow_none=True)
    check_due_on = Date()
    cost = fields.Decimal(as_string=True, places=2)
    linked_to_appraisal = fields.Boolean()


class ImpactReportSchema(Schema):
    programme_id = fields.UUID()
    title = fields.String()
    hours = fields.Decimal(as_string=True, places=1, allow_none=True)
    participants = fields.Integer(metadata={"description": "people who completed it, each counted once however "
                                                           "many cohorts they completed"})
    completions = fields.Integer(metadata={"description": "completions (rows): a person who completed two cohorts "
                                                          "counts twice"})
    total_cost = fields.Decimal(as_string=True, places=2, metadata={"description": "the cost of every completed place"})
    cost_per_participant = fields.Decimal(as_string=True, places=2, allow_none=True,
                                          metadata={"description": "total cost over participants (people)"})
    average_satisfaction = fields.Float(allow_none=True, metadata={"description": "the mean of the ratings given"})
    satisfaction_ratings = fields.Integer(metadata={"description": "how many completions have a satisfaction rating"})
    average_impact = fields.Float(allow_none=True, metadata={"description": "the mean of the ratings given"})
    impact_ratings = fields.Integer(metadata={"description": "how many completions have the impact seen recorded"})
    linked_to_appraisal = fields.Integer(metadata={"description": "completions the participant linked to a "
                                                                  "development need from their appraisal"})
    rows = fields.List(fields.Nested(ImpactReportRowSchema), metadata={"description": "one per completion"})
