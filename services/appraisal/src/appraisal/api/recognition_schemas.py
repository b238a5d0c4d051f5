"""Request and response schemas for recognition and feedback (issue 24): they validate and document the same API."""
from marshmallow import Schema, fields, validate

from staffroom_shared.storable import one_line, visible_text

from ..domain.model import TEACHERS_STANDARDS
from ..domain.recognition import Kind, Visibility

WORDS = [validate.Length(min=1, max=2000), visible_text]


def _enum(cls, **kwargs):
    return fields.Enum(cls, by_value=True, **kwargs)


class RecognitionGiveSchema(Schema):
    recipient_id = fields.UUID(required=True, metadata={"description": "the colleague: anyone in post in the trust "
                                                                       "but yourself"})
    kind = _enum(Kind, required=True, metadata={"description": "recognition: thank you, well done; feedback: "
                                                               "something to keep doing, or to consider"})
    words = fields.String(required=True, validate=WORDS, metadata={"example": "Thank you for covering 9B at no "
                                                                              "notice: the class said it was fun"})
    visibility = _enum(Visibility, required=True, metadata={
        "description": "private: the colleague only; line_manager: shared with their line manager too. Either way "
                       "they see your name"})
    value = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=100), one_line, visible_text],
                          metadata={"description": "one of the trust's values it shows, as you put it"})
    standard = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(TEACHERS_STANDARDS)),
                             metadata={"description": "a Teachers' Standard it shows: TS1-TS8, PART2"})


class RecognitionSchema(Schema):
    id = fields.UUID()
    kind = _enum(Kind)
    words = fields.String(metadata={"description": "empty once HR removed it"})
    value = fields.String(allow_none=True)
    standard = fields.String(allow_none=True)
    standard_title = fields.String(allow_none=True)
    visibility = _enum(Visibility)
    given_at = fields.DateTime()
    giver_id = fields.UUID()
    giver_name = fields.String(allow_none=True)
    recipient_id = fields.UUID()
    recipient_name = fields.String(allow_none=True)
    kept = fields.Boolean(metadata={"description": "kept by the recipient as evidence in their appraisal"})
    evidence_for = fields.UUID(allow_none=True, metadata={"description": "the appraisal it is kept in"})
    hidden = fields.Boolean()
    removed = fields.Boolean()
    removed_because = fields.String(allow_none=True, metadata={"description": "shown to HR only"})
    withdrawable_until = fields.DateTime(allow_none=True, metadata={
        "description": "to the giver: until when they can withdraw it (null: no longer)"})
    reported = fields.Boolean(metadata={"description": "the recipient reported it to HR (shown to the recipient and HR, "
                                                       "never to the giver)"})
    reported_at = fields.DateTime(allow_none=True)
    reported_because = fields.String(allow_none=True, metadata={"description": "the recipient's reason, if they gave "
                                                                               "one"})
    report_dismissed = fields.Boolean(metadata={"description": "HR looked at the report and left it as it is"})
    report_dismissed_at = fields.DateTime(allow_none=True, metadata={"description": "to HR only"})
    report_dismissed_by_name = fields.String(allow_none=True, metadata={"description": "to HR only"})


class RecognitionReportedSchema(Schema):
    """One item on HR's list of reported recognition and feedback: without the words."""

    id = fields.UUID()
    kind = _enum(Kind)
    given_at = fields.DateTime()
    giver_name = fields.String(allow_none=True)
    recipient_name = fields.String(allow_none=True)
    academy_name = fields.String(allow_none=True, metadata={"description": "the recipient's"})
    reported_at = fields.DateTime()
    reported_because = fields.String(allow_none=True)
    kept = fields.Boolean(metadata={"description": "the recipient keeps it as evidence in their appraisal"})


class RecognitionReceivedQuerySchema(Schema):
    hidden = fields.Boolean(load_default=False, metadata={"description": "true: the ones you hid"})


class RecognitionColleagueQuerySchema(Schema):
    q = fields.String(required=True, validate=[validate.Length(min=2, max=100), one_line],
                      metadata={"description": "part of a colleague's first name or surname"})


class RecognitionColleagueSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    post = fields.String()
    academy_name = fields.String(allow_none=True)


class RecognitionKeepSchema(Schema):
    kept = fields.Boolean(required=True, metadata={"description": "true: keep it as evidence in your appraisal in "
                                                                 "progress; false: stop keeping it"})


class RecognitionHiddenSchema(Schema):
    hidden = fields.Boolean(required=True)


class RecognitionRemovalSchema(Schema):
    because = fields.String(required=True, validate=[validate.Length(min=1, max=500), visible_text],
                            metadata={"example": "Abusive: breaches the staff code of conduct"})


class RecognitionReportSchema(Schema):
    because = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=500)],
                            metadata={"description": "optional: why, in your own words, for HR only",
                                      "example": "It was sent after I raised a concern and reads as a threat"})
