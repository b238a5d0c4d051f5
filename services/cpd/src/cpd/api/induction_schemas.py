"""Request and response schemas for statutory induction (they also make the OpenAPI)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from staffroom_shared.storable import Date, one_line, shown_as_typed, visible_text

from ..domain.ects import STANDARDS, ProgrammeType
from ..domain.induction import Decision, ItemKind, Leave

NAME = [validate.Length(min=1, max=200), one_line, visible_text]
TEXT = [validate.Length(max=8000), shown_as_typed]  # outsider O7: U+202E in notes, comments and the record
TERMS = {"validate": validate.Range(min=0, max=12)}  # fractions of a term, kept exact (domain.ects.fraction)


def _words(enum) -> list[str]:
    return [m.value for m in enum]


class BreakSchema(Schema):
    starts_on = Date(required=True)
    ends_on = Date(required=True)


class TermSchema(Schema):
    school_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100),
                                 metadata={"description": "the year the school year starts: 2026 for 2026 to 2027"})
    number = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, 2, 3)),
                            metadata={"description": "1 autumn, 2 spring, 3 summer"})
    # given back as read, it is ignored: what GET answers PUTs back unchanged (outsider O10: "Unknown field.")
    name = fields.String(validate=validate.Length(max=100), metadata={"description": "the term in words; ignored "
                                                                                     "when sent"})
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    breaks = fields.List(fields.Nested(BreakSchema), load_default=list,
                         metadata={"description": "the half-term holidays within the term"})


class TermDatesSchema(Schema):
    terms = fields.List(fields.Nested(TermSchema), required=True, validate=validate.Length(min=1, max=60))


class TermDatesOutSchema(Schema):
    terms = fields.List(fields.Nested(TermSchema), metadata={"description": "empty until HR give them"})


class RegisterSchema(Schema):
    staff_id = fields.UUID(required=True, metadata={"description": "the early career teacher"})
    academy_id = fields.UUID(required=True)
    qts_on = Date(required=True, metadata={"description": "the day qualified teacher status was awarded"})
    starts_on = Date(required=True, metadata={"description": "the induction start the appropriate body set"})
    fte = fields.Float(required=True, validate=validate.Range(min=0, max=1, min_inclusive=False),
                         metadata={"description": "full-time equivalent, 1 full-time, 0.5 half-time"})
    appropriate_body = fields.String(required=True, validate=NAME)
    programme_type = fields.String(required=True, validate=validate.OneOf(_words(ProgrammeType)))
    lead_provider = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=200), one_line,
                                                                                shown_as_typed])
    delivery_partner = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=200),
                                                                                   one_line, shown_as_typed])
    tutor_id = fields.UUID(load_default=None, allow_none=True)
    mentor_id = fields.UUID(load_default=None, allow_none=True)
    trn = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=20), one_line],
                        metadata={"description": "the teacher reference number DfE gave: seven digits"})
    date_of_birth = Date(load_default=None, allow_none=True, metadata={
        "description": "personal data: seen by the ECT, their induction tutor and HR, not the mentor"})
    served_elsewhere = fields.Float(load_default=None, allow_none=True, **TERMS,
                                      metadata={"description": "terms already served at other schools"})
    reduced_to = fields.Float(load_default=None, allow_none=True, **TERMS,
                                metadata={"description": "the length in terms the appropriate body reduced it to"})


class AssignSchema(Schema):
    tutor_id = fields.UUID(required=True, allow_none=True)
    mentor_id = fields.UUID(required=True, allow_none=True)


class AbsenceSchema(Schema):
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    leave = fields.String(required=True, validate=validate.OneOf(_words(Leave)))
    days = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=400),
                          metadata={"description": "the ECT's own working days missed (a part-timer's)"})
    extend = fields.Boolean(load_default=False, metadata={
        "description": "for family leave: the ECT chose to extend induction by it"})


class PostSchema(Schema):
    school = fields.String(required=True, validate=NAME)
    starts_on = Date(required=True)
    fte = fields.Float(required=True, validate=validate.Range(min=0, max=1, min_inclusive=False))


class TimetableSchema(Schema):
    percent = fields.Float(required=True, validate=validate.Range(min=0, max=100),
                             metadata={"description": "share of a main pay range teacher's timetable taught"})


class SupportPlanSchema(Schema):
    areas_to_improve = fields.List(fields.String(validate=TEXT), required=True, validate=validate.Length(min=1))
    objectives = fields.List(fields.String(validate=TEXT), required=True, validate=validate.Length(min=1))
    support = fields.List(fields.String(validate=TEXT), required=True, validate=validate.Length(min=1))
    evidence = fields.String(required=True, validate=TEXT)
    next_period_plan = fields.String(load_default="", validate=TEXT)
    consequences_explained = fields.Boolean(load_default=False)


class ReviewSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.name.lower() for k in ItemKind]))
    school_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    term_number = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, 2, 3)))
    held_on = Date(required=True)
    outcome = fields.String(required=True, validate=validate.Length(min=1, max=60), metadata={
        "description": "progress review: on track, not making satisfactory progress; first formal assessment: "
                       "making satisfactory progress, not making satisfactory progress; final: satisfactory, "
                       "unsatisfactory, an extension should be considered"})
    standards = fields.Dict(keys=fields.String(validate=validate.OneOf(list(STANDARDS))),
                            values=fields.String(validate=TEXT), required=True,
                            metadata={"description": "what was seen against each Teachers' Standard (TS1-TS8, Part 2)"})
    next_steps = fields.String(load_default="", validate=TEXT)
    support_plan = fields.Nested(SupportPlanSchema, load_default=None, allow_none=True)


class SignSchema(Schema):
    signing_as = fields.String(required=True, validate=validate.OneOf(("tutor", "head", "ect")))
    comments = fields.String(load_default=None, allow_none=True, validate=TEXT,
                             metadata={"description": "the ECT's comments (the ECT only)"})


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(_words(Decision)))
    decided_on = Date(required=True)
    extension_terms = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0.1, max=6))

    @validates_schema
    def _extension_only_when_extended(self, data, **_):
        if (data.get("decision") == Decision.EXTEND.value) != (data.get("extension_terms") is not None):
            raise ValidationError("an extension says how many terms; a pass or fail says none",
                                  field_name="extension_terms")


class LeftSchema(Schema):
    left_on = Date(required=True)


class CreatedSchema(Schema):
    id = fields.UUID()


class ScheduleItemSchema(Schema):
    kind = fields.String()
    kind_words = fields.String()
    term = fields.String()
    school_year = fields.Integer()
    term_number = fields.Integer()
    term_starts_on = Date(allow_none=True, metadata={"description": "the first day of the term it falls in"})
    due_on = Date()
    report_by = Date(allow_none=True, metadata={
        "description": "a formal assessment's report due at the appropriate body: 10 working days beginning with "
                       "the day the meeting was held (S1 2.61); empty until it is held, and for a progress review"})
    review_id = fields.UUID(allow_none=True)
    held_on = Date(allow_none=True)
    overdue = fields.Boolean()


class EntitlementSchema(Schema):
    term = fields.String()
    school_year = fields.Integer()
    term_number = fields.Integer()
    most_percent = fields.Float(metadata={"description": "the most the ECT may teach (90% year one, 95% year two, "
                                                         "pro rata), of a main pay range teacher's timetable"})
    taught_percent = fields.Float(allow_none=True)
    gives_reduction = fields.Boolean(allow_none=True)


class StandardNotesSchema(Schema):
    standard = fields.String()
    name = fields.String()
    notes = fields.String()


class ReviewOutSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    kind_words = fields.String()
    school_year = fields.Integer()
    term_number = fields.Integer()
    due_on = Date()
    report_by = Date(allow_none=True, metadata={"description": "10 working days from the day it was held (S1 2.61)"})
    held_on = Date()
    outcome = fields.String(metadata={"description": "not shown to the mentor"})
    standards = fields.List(fields.Nested(StandardNotesSchema))
    next_steps = fields.String()
    ect_comments = fields.String(allow_none=True)
    tutor_signed_on = Date(allow_none=True)
    head_signed_on = Date(allow_none=True)
    ect_signed_on = Date(allow_none=True)


class SupportPlanOutSchema(SupportPlanSchema):
    id = fields.UUID()
    review_id = fields.UUID()
    started_on = Date()
    after_first_assessment = fields.Boolean()


class PostOutSchema(Schema):
    school = fields.String()
    starts_on = Date()
    ends_on = Date(allow_none=True)
    fte = fields.Float()


class AbsenceOutSchema(Schema):
    starts_on = Date()
    ends_on = Date()
    leave = fields.String()
    days = fields.Integer(allow_none=True)
    extend = fields.Boolean()


class ExtensionSchema(Schema):
    terms = fields.Float()
    decided_on = Date()


class ThisTermSchema(Schema):
    term = fields.String()
    term_starts_on = Date()
    school_year = fields.Integer()
    term_number = fields.Integer()
    taught_percent = fields.Float(allow_none=True, metadata={
        "description": "share of a full timetable recorded for this term; empty: not recorded yet"})


class FinalAssessmentSchema(Schema):
    due_on = Date(metadata={"description": "the expected completion date"})
    held_on = Date(allow_none=True)
    report_by = Date(allow_none=True, metadata={
        "description": "report due at the appropriate body, 10 working days from the meeting (S1 2.61); "
                       "empty until it is held"})
    recommendation_by = Date(metadata={"description": "the head's recommendation, 10 working days from "
                                                      "completion (reg 11(3))"})


class InductionSummarySchema(Schema):
    id = fields.UUID()
    staff_id = fields.UUID()
    staff_name = fields.String(allow_none=True)
    academy_id = fields.UUID()
    starts_on = Date()
    status = fields.String()
    tutor_name = fields.String(allow_none=True)
    mentor_name = fields.String(allow_none=True)
    completes = Date(allow_none=True)
    next_due = fields.Nested(ScheduleItemSchema, allow_none=True)
    overdue = fields.List(fields.Nested(ScheduleItemSchema))
    schedule_problem = fields.String(allow_none=True)
    this_term = fields.Nested(ThisTermSchema, allow_none=True, metadata={
        "description": "the timetable this term (the tutor's dashboard); empty outside the academy's term dates "
                       "or when induction is not being served"})


class InductionSchema(InductionSummarySchema):
    qts_on = Date()
    appropriate_body = fields.String()
    programme_type = fields.String()
    lead_provider = fields.String(allow_none=True)
    delivery_partner = fields.String(allow_none=True)
    tutor_id = fields.UUID(allow_none=True)
    mentor_id = fields.UUID(allow_none=True)
    decision = fields.String(allow_none=True)
    decided_on = Date(allow_none=True)
    ended_on = Date(allow_none=True)
    served_terms = fields.Float(allow_none=True)
    required_terms = fields.Float(allow_none=True)
    first_year_ends = Date(allow_none=True)
    trn = fields.String(allow_none=True, metadata={"description": "teacher reference number; not for the mentor"})
    date_of_birth = Date(allow_none=True, metadata={"description": "personal data; not for the mentor"})
    final_assessment = fields.Nested(FinalAssessmentSchema, allow_none=True)
    schedule = fields.List(fields.Nested(ScheduleItemSchema))
    entitlement = fields.List(fields.Nested(EntitlementSchema))
    posts = fields.List(fields.Nested(PostOutSchema))
    absences = fields.List(fields.Nested(AbsenceOutSchema))
    extensions = fields.List(fields.Nested(ExtensionSchema))
    reviews = fields.List(fields.Nested(ReviewOutSchema))
    support_plans = fields.List(fields.Nested(SupportPlanOutSchema))
    may = fields.List(fields.String(), metadata={"description": "the caller's relations: ect, tutor, mentor, hr"})


class HrListQuery(Schema):
    academy_id = fields.UUID(load_default=None)


class MentorTrainingSchema(Schema):
    enrolment_id = fields.UUID()
    programme_id = fields.UUID()
    title = fields.String()
    provider = fields.String()
    status = fields.String(metadata={"description": "requested, awaiting_hr, awaiting_agreement, waiting, "
                                                    "confirmed, completed, did_not_complete, declined, withdrawn"})
    starts_on = Date(allow_none=True, metadata={"description": "the cohort's first day"})
    completed_on = Date(allow_none=True)
