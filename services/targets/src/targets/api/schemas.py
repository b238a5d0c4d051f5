"""Request and response schemas for targets (they also make the OpenAPI)."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from staffroom_shared.storable import Date

from ..domain.targets import STATISTICS, Status

PERCENT = validate.Range(min=0, max=100)


class BenchmarkSchema(Schema):
    figure = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_.]{0,99}$", error=(
        "a wellbeing measure key, e.g. enps or ons.life_satisfaction")))
    statistic = fields.String(required=True, validate=validate.OneOf(STATISTICS),
                              metadata={"description": "mean: the measure's score; favourable: % favourable"})
    value = fields.Float(required=True, metadata={"description": "the benchmark"})
    higher_is_better = fields.Boolean(load_default=True)
    source = fields.String(load_default="", validate=validate.Length(max=300))


class DefinitionSchema(Schema):
    """PUT replaces the definition: anything left out goes back to its default."""

    threshold = fields.Float(validate=PERCENT, metadata={"description": "% at or above which the target is met"})
    at_risk_below = fields.Float(validate=PERCENT, metadata={
        "description": "% below which the target is at risk; between it and the threshold: on track"})
    window_months = fields.Integer(strict=True, validate=validate.Range(min=1, max=120), metadata={
        "description": "how far back the target looks (see the target's definition)"})
    deadline = Date(
        allow_none=True, validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31),
                                                 error="a deadline falls between the years 2000 and 2100"),
        metadata={"description": "after this day a target not met is missed; null: a rolling target"})
    academy_ids = fields.List(fields.UUID(), validate=validate.Length(max=500), metadata={
        "description": "the academies it covers; empty: every academy"})
    benchmarks = fields.List(fields.Nested(BenchmarkSchema), validate=validate.Length(max=20), metadata={
        "description": "engagement_vs_benchmark only: the survey figures compared and their benchmarks"})
    period = fields.Integer(strict=True, validate=validate.Range(min=1, max=60), metadata={
        "description": "the early career targets only, in their period_unit: ect_tutor_and_mentor the weeks from "
                       "the start of induction by which a tutor and a mentor are named (1 to 52), ects_retained the "
                       "months after passing induction an ECT is looked for in post (1 to 60)"})


class DefinitionChangesSchema(DefinitionSchema):
    """PATCH changes only what is sent; the rest stays as the trust last set it."""

    @validates_schema
    def not_empty(self, data, **_):
        if not data:
            raise ValidationError("give at least one setting to change")


class AcademyQuerySchema(Schema):
    academy_id = fields.UUID(metadata={"description": "one academy's figures (default: the trust's and every "
                                                      "academy you may see)"})


class PeopleQuerySchema(Schema):
    academy_id = fields.UUID(metadata={"description": "one academy (academy HR: their own, the default)"})


class TrendQuerySchema(Schema):
    academy_id = fields.UUID(metadata={"description": "one academy; default the trust"})
    since = Date()
    until = Date()


class BenchmarkResultSchema(Schema):
    figure = fields.String()
    statistic = fields.String()
    benchmark = fields.Float()
    higher_is_better = fields.Boolean()
    source = fields.String()
    value = fields.Float(allow_none=True, metadata={"description": "the figure in the latest results (null: none)"})
    met = fields.Boolean(allow_none=True)
    n = fields.Integer(allow_none=True, metadata={"description": "how many answered"})
    run_id = fields.UUID()
    run_title = fields.String()
    closes_on = Date()


class ChangeSchema(Schema):
    before = fields.Float(metadata={"description": "% favourable in the earlier survey"})
    after = fields.Float(metadata={"description": "% favourable in the later survey"})
    points = fields.Float(metadata={"description": "after less before, in percentage points"})
    answered_before = fields.Integer(metadata={"description": "how many answered the question in the earlier survey"})
    answered = fields.Integer(metadata={"description": "how many answered it in the later survey"})


class InvestmentPointSchema(Schema):
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    staff = fields.Integer(metadata={"description": "staff in post when the later survey closed"})
    spend_per_head = fields.Float(metadata={"description": "CPD spend between the surveys per member of staff, £"})
    hours_per_head = fields.Float(metadata={
        "description": "learning hours between the surveys per member of staff (programmes that say their hours)"})
    satisfaction = fields.Nested(ChangeSchema, metadata={"description": "\"I am satisfied with my job\""})
    useful = fields.Nested(ChangeSchema, allow_none=True, metadata={
        "description": "\"I have had useful development this year\"; null: not asked in both, or not comparable"})


class SurveyRefSchema(Schema):
    title = fields.String()
    closes_on = Date()


class StaffTypeSpendSchema(Schema):
    staff_type = fields.String(metadata={"enum": ["teaching", "support", "leadership"]})
    staff = fields.Integer(metadata={"description": "staff of this type in post at the academies compared"})
    spend_per_head = fields.Float()
    hours_per_head = fields.Float()


class LeftOutSchema(Schema):
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    reason = fields.String(metadata={"enum": ["hidden", "changed", "no_staff"], "description": (
        "hidden: its job satisfaction was hidden (too few answered) in either survey; changed: fewer than the "
        "smallest group shown came, went or skipped the question in between; no_staff: nobody in post when the "
        "later survey closed")})


class InvestmentSchema(Schema):
    groups_compared = fields.Integer(metadata={"description": "academies whose change could be shown"})
    min_groups = fields.Integer(metadata={"description": "fewer academies compared than this: too little data"})
    too_little_data = fields.Boolean()
    people = fields.Integer(metadata={"description": "people who answered the satisfaction question in the later "
                                                     "survey, across the academies compared"})
    people_before = fields.Integer(metadata={"description": "the same in the earlier survey"})
    surveys = fields.List(fields.Nested(SurveyRefSchema), metadata={"description": "the two surveys, earlier first"})
    points = fields.List(fields.Nested(InvestmentPointSchema), metadata={
        "description": "the academies compared that the caller may see, most spend per head first"})
    left_out = fields.List(fields.Nested(LeftOutSchema), metadata={
        "description": "the academies not compared that the caller may see, and why"})
    staff_types = fields.List(fields.Nested(StaffTypeSpendSchema), metadata={
        "description": "spend and hours per head by staff type across the academies compared (investment only: "
                       "satisfaction is not compared by staff type)"})


class FigureSchema(Schema):
    academy_id = fields.UUID(allow_none=True, metadata={"description": "null: trust-wide"})
    academy_name = fields.String(allow_none=True)
    numerator = fields.Integer()
    denominator = fields.Integer()
    value = fields.Float(allow_none=True, metadata={"description": "%; null when there is nobody to count"})
    status = fields.String(metadata={"enum": [s.value for s in Status]})
    benchmarks = fields.List(fields.Nested(BenchmarkResultSchema), allow_none=True, metadata={
        "description": "engagement only: each benchmark, the figure found and whether it is met"})
    investment = fields.Nested(InvestmentSchema, allow_none=True, metadata={
        "description": "satisfaction_with_investment only: the academies compared between the latest two surveys"})


class TargetSchema(Schema):
    key = fields.String()
    title = fields.String()
    definition = fields.String(metadata={"description": "exactly what is counted"})
    lists_people = fields.Boolean()
    threshold = fields.Float()
    at_risk_below = fields.Float()
    window_months = fields.Integer()
    deadline = Date(allow_none=True)
    academy_ids = fields.List(fields.UUID())
    benchmarks = fields.List(fields.Nested(BenchmarkSchema))
    period = fields.Integer(allow_none=True, metadata={"description": "the trust's allowance, in period_unit; null: "
                                                                     "the target has none"})
    period_unit = fields.String(allow_none=True, metadata={"enum": ["weeks", "months"]})
    as_of = Date()
    figures = fields.List(fields.Nested(FigureSchema))


class PersonSchema(Schema):
    staff_id = fields.UUID()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    post = fields.String(allow_none=True)
    academy_id = fields.UUID()
    academy_name = fields.String(allow_none=True)
    state = fields.String(metadata={"example": "due_soon"})
    due_on = Date(allow_none=True, metadata={"description": "the date the state refers to (see reason)"})
    about = fields.String(allow_none=True, metadata={"description": "a review's stage, a programme, a post"})
    reason = fields.String()


class TrendPointSchema(Schema):
    taken_on = Date()
    numerator = fields.Integer()
    denominator = fields.Integer()
    value = fields.Float(allow_none=True)
    status = fields.String(metadata={"enum": [s.value for s in Status]})


class TrendSchema(Schema):
    key = fields.String()
    academy_id = fields.UUID(allow_none=True)
    points = fields.List(fields.Nested(TrendPointSchema))
