"""Request and response schemas: the same classes validate input and generate the OpenAPI document."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from staffroom_shared.storable import AwareDateTime, Date, DateTime, Flag, one_line, visible_text

from ..domain.observations import MAX_CRITERIA, MAX_NOTICE_DAYS, Band
from ..domain.model import (
    MAX_OBJECTIVES, REVIEW_WINDOW_WEEKS, TEACHERS_STANDARDS, CycleStatus, MeetingKind, ObjectiveType, ObservationKind, Outcome,
    PayRecommendation, Rating, Stage, Status, TeachingJudgement, StaffGroup,
)

# every free text a person types has something to see in it: not only spaces, line breaks or invisible characters
# (outsider, issue 24: a priority titled in spaces, a template named "\u202e", an intervention's support "\n\n")
TEXT = [validate.Length(min=1, max=4000), visible_text]
SHORT = [validate.Length(min=1, max=200), visible_text]
# names, titles and a meeting's place go into subjects, headings and calendar lines: one line (outsider 4, issue 20)
NAME = [validate.Length(min=1, max=100), one_line, visible_text]
TITLE = [*SHORT, one_line]
GRADE_LABEL = [validate.Length(min=1, max=60), one_line, visible_text]


def _enum(cls, **kwargs):
    return fields.Enum(cls, by_value=True, **kwargs)


class CycleSchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=NAME, metadata={"example": "2026/27 teachers"})
    template = _enum(StaffGroup, required=True)
    academy_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "null for a trust-wide cycle"})
    school_year = fields.Integer(load_only=True, validate=validate.Range(min=2000, max=2100),
                                 metadata={"description": "fills any key date left out with the usual one for this "
                                                          "template (2026 for 2026/27)"})
    starts_on = Date()
    objectives_due = Date()
    mid_year_due = Date()
    end_of_year_due = Date()
    ends_on = Date()
    observation_cap = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=50))
    pay_recommendations = Flag(load_default=False)
    review_window_weeks = fields.Integer(load_default=REVIEW_WINDOW_WEEKS, validate=validate.Range(min=1, max=26),
                                         metadata={"description": "how many weeks before its due date each review "
                                                                  "opens (a starter's dates count from their first "
                                                                  "day)"})
    status = _enum(CycleStatus, dump_only=True)
    appraisal_count = fields.Integer(dump_only=True)
    left_out_for_induction = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "how many it would have covered were left out on opening as early career teachers serving "
                       "statutory induction during it (appraised through induction instead); null before opening"})

    @validates_schema
    def dates_or_year(self, data, **_):
        dates = ("starts_on", "objectives_due", "mid_year_due", "end_of_year_due", "ends_on")
        missing = [d for d in dates if d not in data]
        if missing and "school_year" not in data and not self.partial:
            raise ValidationError({d: ["give this date, or a school_year to use the usual dates"] for d in missing})


class CycleUpdateSchema(Schema):
    name = fields.String(validate=NAME)
    objectives_due = Date()
    mid_year_due = Date()
    end_of_year_due = Date()
    ends_on = Date()
    observation_cap = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=50))
    review_window_weeks = fields.Integer(validate=validate.Range(min=1, max=26))


class ProgressSchema(Schema):
    id = fields.UUID(dump_only=True)
    recorded_by = fields.UUID(dump_only=True)
    recorded_on = Date(dump_only=True)
    note = fields.String(required=True, validate=TEXT)
    evidence = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class ObjectiveSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=TITLE)
    description = fields.String(required=True, validate=TEXT, metadata={"description": "the SMART objective"})
    type = _enum(ObjectiveType, required=True)
    success_criteria = fields.String(required=True, validate=TEXT)
    weighting = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100))
    standards = fields.List(fields.String(validate=validate.OneOf(list(TEACHERS_STANDARDS))), load_default=list,
                            validate=validate.Length(max=9), metadata={"description": "Teachers' Standards: TS1–TS8, PART2"})
    job_areas = fields.List(fields.String(validate=SHORT), load_default=list, validate=validate.Length(max=10))
    priorities = fields.List(fields.String(validate=SHORT), load_default=list, validate=validate.Length(max=10))
    priority_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "the one priority in the cascade it serves (GET /priorities): the trust's, or the reviewee's "
                       "academy's or one of its teams', in the appraisal's school year"})
    progress = fields.List(fields.Nested(ProgressSchema), dump_only=True)


class ObjectiveUpdateSchema(Schema):
    title = fields.String(validate=TITLE)
    description = fields.String(validate=TEXT)
    type = _enum(ObjectiveType)
    success_criteria = fields.String(validate=TEXT)
    weighting = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100))
    standards = fields.List(fields.String(validate=validate.OneOf(list(TEACHERS_STANDARDS))), validate=validate.Length(max=9))
    job_areas = fields.List(fields.String(validate=SHORT), validate=validate.Length(max=10))
    priorities = fields.List(fields.String(validate=SHORT), validate=validate.Length(max=10))
    priority_id = fields.UUID(allow_none=True, metadata={"description": "null: it serves no priority"})


class AssessmentSchema(Schema):
    # Text, not an Enum field: a saved review's ratings come back from its JSON column as plain strings.
    rating = fields.String(required=True, validate=validate.OneOf([r.value for r in Rating]))
    comment = fields.String(load_default="", validate=validate.Length(max=4000))


class DevelopmentNeedSchema(Schema):
    id = fields.String(dump_only=True)
    area = fields.String(required=True, validate=TITLE, metadata={"example": "Adaptive teaching for pupils with SEND"})
    description = fields.String(required=True, validate=TEXT)
    suggested_support = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ReviewSchema(Schema):
    id = fields.UUID(dump_only=True)
    stage = _enum(Stage, dump_only=True)
    assessments = fields.Dict(keys=fields.UUID(), values=fields.Nested(AssessmentSchema), required=True,
                              metadata={"description": "objective id → rating and comment, one for every objective"})
    overall_outcome = _enum(Outcome, required=True)
    summary = fields.String(load_default="", validate=validate.Length(max=8000))
    teaching_judgement = _enum(TeachingJudgement, load_default=None, allow_none=True)
    pay_recommendation = _enum(PayRecommendation, load_default=None, allow_none=True)
    development_needs = fields.List(fields.Nested(DevelopmentNeedSchema), load_default=list,
                                    validate=validate.Length(max=10))
    reviewee_comments = fields.String(dump_only=True, allow_none=True)
    completed_by = fields.UUID(dump_only=True)
    completed_on = Date(dump_only=True)
    appraiser_untrained = Flag(dump_only=True)


class CommentSchema(Schema):
    comments = fields.String(required=True, validate=TEXT)


class SignOffSchema(Schema):
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class ObservationSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = _enum(ObservationKind, load_default=None, metadata={
        "description": "required without a template; with one, it is the template's kind (and may be left out)"})
    observer_id = fields.UUID(metadata={"description": "defaults to the person recording it"})
    observer_name = fields.String(dump_only=True, allow_none=True)
    observed_on = Date(required=True)
    focus = fields.String(required=True, validate=[validate.Length(min=1, max=300), visible_text])
    strengths = fields.String(load_default="", validate=validate.Length(max=4000))
    areas_to_develop = fields.String(load_default="", validate=validate.Length(max=4000),
                                     metadata={"description": "next steps"})
    template_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "the observation template it was recorded on (GET /observation-templates)"})
    grades = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                         values=fields.String(validate=GRADE_LABEL), load_default=dict,
                         validate=validate.Length(max=MAX_CRITERIA), metadata={
                             "description": "criterion key → grade label, each one of that criterion's grades; "
                                            "ungraded criteria take none"})
    department = fields.String(load_default=None, allow_none=True, validate=NAME, metadata={
        "description": "the department, subject or phase observed", "example": "Maths"})
    qa_round_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "the quality-assurance round it was part of, if any"})
    notice_given_on = Date(load_default=None, allow_none=True, metadata={
        "description": "when the teacher was told; required, early enough, where the template needs notice"})


class ActionStepSchema(Schema):
    """A coaching action step (issue 24)."""

    id = fields.UUID(dump_only=True)
    step = fields.String(required=True, validate=[validate.Length(min=1, max=2000), visible_text],
                         metadata={"example": "Use cold calling after every explanation"})
    observation_id = fields.UUID(load_default=None, allow_none=True,
                                 metadata={"description": "the observation it came from, if any"})
    follow_up_on = Date(required=True, metadata={"description": "when it will be looked at again"})
    agreed_on = Date(dump_only=True)
    set_by = fields.UUID(dump_only=True)
    followed_up_on = Date(dump_only=True, allow_none=True)
    seen_at_follow_up = fields.String(dump_only=True, allow_none=True)
    followed_up_by = fields.UUID(dump_only=True, allow_none=True)


class FollowUpSchema(Schema):
    seen = fields.String(required=True, validate=[validate.Length(min=1, max=4000), visible_text],
                         metadata={"description": "what was seen at the follow-up"})


class ColleagueSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    post = fields.String()


class MeetingSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = _enum(MeetingKind, required=True)
    starts_at = AwareDateTime(required=True, metadata={"example": "2026-10-05T15:30:00+01:00"})
    minutes = fields.Integer(load_default=45, validate=validate.Range(min=5, max=480))
    location = fields.String(required=True, validate=TITLE)


class SupportPlanSchema(Schema):
    support_plan = Flag(required=True)
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8000))


class ReassignSchema(Schema):
    appraiser_id = fields.UUID(required=True)


class ReminderRequestSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                         metadata={"description": "a line from HR added to the reminder"})


class ReminderSchema(Schema):
    appraisal_id = fields.UUID()
    milestone = fields.String(metadata={"description": "objectives, mid_year_review, end_of_year_review or sign_off"})
    due_on = Date()
    days_overdue = fields.Integer()
    sent_at = DateTime()
    next_allowed_at = DateTime(metadata={"description": "the first moment another reminder can be sent"})


class SentReminderSchema(Schema):
    appraisal_id = fields.UUID()
    milestone = fields.String()
    sent_at = DateTime()
    sent_by_name = fields.String(allow_none=True)
    count = fields.Integer(metadata={"description": "reminders sent about this appraisal so far"})
    next_allowed_at = DateTime()


class WithdrawSchema(Schema):
    reason = fields.String(required=True, validate=SHORT)


class PersonSchema(Schema):
    id = fields.UUID()
    name = fields.String()


class KeyDatesSchema(Schema):
    objectives_due = Date()
    mid_year_due = Date()
    end_of_year_due = Date()
    mid_year_opens_on = Date(metadata={"description": "the mid-year review can be completed from this day"})
    end_of_year_opens_on = Date(metadata={"description": "the end-of-year review can be completed from this "
                                                               "day"})


class AppraisalSummarySchema(Schema):
    id = fields.UUID()
    cycle_id = fields.UUID()
    academy_id = fields.UUID()
    template = _enum(StaffGroup)
    status = _enum(Status)
    reviewee_id = fields.UUID()
    appraiser_id = fields.UUID(allow_none=True)
    reviewee_name = fields.String(allow_none=True)
    appraiser_name = fields.String(allow_none=True)
    key_dates = fields.Nested(KeyDatesSchema, dump_only=True, allow_none=True, metadata={
        "description": "the reviewee's own: a starter's count from their first day"})


class CpdEvidenceSchema(Schema):
    """CPD the reviewee completed in the cycle, and its impact (from cpd's events)."""

    programme_title = fields.String()
    completed_on = Date()
    intent = fields.String(allow_none=True, metadata={"description": "what the reviewee will change in their practice"})
    satisfaction = fields.Integer(allow_none=True, metadata={"description": "1 very dissatisfied to 5 very satisfied"})
    satisfaction_words = fields.String(allow_none=True)
    impact_rating = fields.Integer(allow_none=True, metadata={"description": "1 no change seen to 5 transformed"})
    impact_words = fields.String(allow_none=True)
    impact_seen = fields.String(allow_none=True, metadata={"description": "the impact the line manager saw"})
    impact_recorded_on = Date(allow_none=True)
    linked_to_development_need = Flag()


class AppraisalSchema(AppraisalSummarySchema):
    appraiser_set_by_hr = Flag()
    objectives_agreed_by_appraiser_on = Date(allow_none=True)
    objectives_agreed_by_reviewee_on = Date(allow_none=True)
    signed_off_on = Date(allow_none=True)
    sign_off_comment = fields.String(allow_none=True)
    finished_reason = fields.String(allow_none=True)
    objectives = fields.List(fields.Nested(ObjectiveSchema))
    reviews = fields.List(fields.Nested(ReviewSchema))
    observations = fields.List(fields.Nested(ObservationSchema))
    meetings = fields.List(fields.Nested(MeetingSchema))
    action_steps = fields.List(fields.Nested(ActionStepSchema), metadata={"description": "coaching action steps"})
    support_plan = Flag(metadata={"description": "present for the appraiser and HR only"})
    support_plan_notes = fields.String(allow_none=True, metadata={"description": "present for the appraiser and HR only"})
    max_objectives = fields.Constant(MAX_OBJECTIVES)


class AppraisalQuerySchema(Schema):
    cycle_id = fields.UUID()
    academy_id = fields.UUID()
    status = _enum(Status)
    appraiser_id = fields.UUID()
    reviewee_id = fields.UUID()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class AppraisalPageSchema(Schema):
    items = fields.List(fields.Nested(AppraisalSummarySchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()


class CompletionRowSchema(Schema):
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    signed_off_percent = fields.Float()


class UntrainedReviewSchema(Schema):
    appraisal_id = fields.UUID()
    academy_id = fields.UUID()
    appraiser_id = fields.UUID()
    appraiser_name = fields.String(allow_none=True)
    reviewee_name = fields.String(allow_none=True)
    stage = _enum(Stage)
    completed_on = Date()


# -- observation templates (issue 24) -------------------------------------------------------------------------

class GradeSchema(Schema):
    label = fields.String(required=True, validate=GRADE_LABEL, metadata={"example": "Secure"})
    band = _enum(Band, required=True, metadata={"description": "how the grade reads on the trust's QA map"})


class CriterionSchema(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}$", error=(
        "1 to 40 lower-case letters, digits, - or _, starting with a letter or digit")), metadata={"example": "behaviour"})
    label = fields.String(required=True, validate=TITLE, metadata={"example": "Behaviour and routines"})
    standard = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(TEACHERS_STANDARDS)),
                             metadata={"description": "a Teachers' Standard (TS1–TS8, PART2), or null"})
    grades = fields.List(fields.Nested(GradeSchema), load_default=list, validate=validate.Length(max=6), metadata={
        "description": "empty: not graded; otherwise 2 to 6 grades, each with its band"})


class TemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=NAME, metadata={"example": "Lesson observation (ungraded)"})
    kind = _enum(ObservationKind, required=True)
    academy_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "null for a trust-wide one"})
    criteria = fields.List(fields.Nested(CriterionSchema), required=True,
                           validate=validate.Length(min=1, max=MAX_CRITERIA))
    notice_days = fields.Integer(load_default=None, allow_none=True,
                                 validate=validate.Range(min=0, max=MAX_NOTICE_DAYS), metadata={
                                     "description": "days' notice the observed teacher must be given; null: none"})
    retired = Flag(dump_only=True)
    created_at = DateTime(dump_only=True)


class TemplateUpdateSchema(Schema):
    name = fields.String(validate=NAME)
    criteria = fields.List(fields.Nested(CriterionSchema), validate=validate.Length(min=1, max=MAX_CRITERIA),
                           metadata={"description": "only while no observation has been recorded on it"})
    notice_days = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=MAX_NOTICE_DAYS))
    retired = Flag(metadata={"description": "a retired template is kept for the observations on it, and "
                                                      "offered for no new ones"})


class TemplateQuerySchema(Schema):
    academy_id = fields.UUID(metadata={"description": "the templates that apply to this academy (its own and the "
                                                      "trust-wide ones)"})
    # A query string is text: "true" or "false" only, as Flag takes JSON's true or false only.
    retired = fields.Boolean(load_default=False, truthy={"true"}, falsy={"false"},
                             metadata={"description": "include retired templates: true or false"})
