"""Request and response schemas for wellbeing (they also make the OpenAPI)."""
from marshmallow import Schema, ValidationError, fields, validate

from staffroom_shared.storable import Date, DateTime, one_line, visible_text

from ..domain.disclosure import CUTS
from ..domain.model import MIN_GROUP_SIZE, STAFF_TYPES, RunStatus

SHORT = [validate.Length(min=1, max=200), one_line, visible_text]  # titles and names go into emails' subjects and lists


def distinct(values: list) -> None:
    """A list naming each thing once (a run's academies, staff types)."""
    if len(set(values)) != len(values):
        raise ValidationError("name each one once")


class QuestionSchema(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error=(
        "a short lower-case key: letters, digits and underscores, starting with a letter")))
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    scale = fields.String(required=True, validate=validate.OneOf(("agreement5", "zero_ten", "text", "leaving_reason")),
                          metadata={"description": "leaving_reason: one main reason for leaving, from a fixed list "
                                                   "(reported as how many chose each)"})


class RunSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=SHORT)
    instruments = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                              validate=validate.Length(max=10),
                              metadata={"example": ["hse_indicator", "swemwbs", "ons4", "enps", "trust_core"]})
    questions = fields.List(fields.Nested(QuestionSchema), load_default=list, validate=validate.Length(max=30),
                            metadata={"description": "the trust's own extra questions for this run"})
    academy_ids = fields.List(fields.UUID(), load_default=list, validate=[validate.Length(max=200), distinct],
                              metadata={"description": "empty: every academy"})
    staff_types = fields.List(fields.String(validate=validate.OneOf(STAFF_TYPES)), load_default=list,
                              validate=distinct, metadata={"description": "empty: every staff type"})
    opens_on = Date(required=True)
    closes_on = Date(required=True)
    min_group_size = fields.Integer(load_default=MIN_GROUP_SIZE, strict=True, validate=validate.Range(
        min=MIN_GROUP_SIZE, max=1000, error=f"must be between {MIN_GROUP_SIZE} and 1000: it can be raised, never lowered"))
    outcome = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "the measure the driver view explains; default eNPS if asked, else the first non-HSE measure"})
    owner_academy_id = fields.UUID(load_default=None, allow_none=True,
                                   metadata={"description": "an academy's own survey (its HR's); null: trust-wide"})
    status = fields.Enum(RunStatus, by_value=True, dump_only=True)
    invited = fields.Integer(dump_only=True)
    answered = fields.Integer(dump_only=True, metadata={"description": "submissions when the run closed"})
    counted = fields.Integer(dump_only=True, metadata={
        "description": "answers in the results: 0 when fewer than the minimum group could be counted (their "
                       "answers are then deleted unread)"})
    closed_at = DateTime(dump_only=True, allow_none=True)
    set_aside = fields.Integer(dump_only=True, metadata={
        "description": "submissions that could not be stored and so were not counted"})
    reminded_on = Date(dump_only=True, allow_none=True)
    created_by = fields.String(dump_only=True)


class RunUpdateSchema(Schema):
    title = fields.String(validate=SHORT)
    instruments = fields.List(fields.String(validate=validate.Length(min=1, max=40)), validate=validate.Length(max=10))
    questions = fields.List(fields.Nested(QuestionSchema), validate=validate.Length(max=30))
    academy_ids = fields.List(fields.UUID(), validate=[validate.Length(max=200), distinct])
    staff_types = fields.List(fields.String(validate=validate.OneOf(STAFF_TYPES)), validate=distinct)
    opens_on = Date()
    closes_on = Date()
    min_group_size = fields.Integer(strict=True, validate=validate.Range(min=MIN_GROUP_SIZE, max=1000))
    outcome = fields.String(validate=validate.Length(min=1, max=100))


class RunQuerySchema(Schema):
    status = fields.Enum(RunStatus, by_value=True)


class ProgressSchema(Schema):
    academy_id = fields.UUID()
    invited = fields.Integer()
    responded = fields.Integer()
    response_rate = fields.Float()


class ReportQuerySchema(Schema):
    cut = fields.String(validate=validate.OneOf(CUTS))


class DriversQuerySchema(Schema):
    academy_id = fields.UUID()


class BenchmarkOut(Schema):
    statistic = fields.String()
    value = fields.Float()
    source = fields.String()
    url = fields.String()
    year = fields.String()
    population = fields.String()
    note = fields.String()
    licence = fields.String(metadata={"description": "the terms the figure is published under"})
    difference = fields.Float(allow_none=True)
    comparison = fields.String(allow_none=True, metadata={
        "description": "above, below or level with (better = above); not comparable: the national figure is for "
                       "teachers and leaders and the group counts support staff"})


class MeasureOut(Schema):
    key = fields.String()
    title = fields.String()
    higher_is_better = fields.Boolean()
    suppressed = fields.Boolean()
    n = fields.Integer(allow_none=True)
    mean = fields.Float(allow_none=True)
    favourable = fields.Float(allow_none=True, metadata={"description": "% favourable"})
    benchmarks = fields.List(fields.Nested(BenchmarkOut))
    benchmark_note = fields.String()


class ItemOut(Schema):
    key = fields.String()
    text = fields.String()
    scale = fields.String()
    suppressed = fields.Boolean()
    n = fields.Integer(allow_none=True)
    mean = fields.Float(allow_none=True, metadata={"description": "mean score, reversed items turned so higher is better"})
    favourable = fields.Float(allow_none=True)
    distribution = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True,
                               metadata={"description": "answers as given: {answer: count}"})
    choices = fields.List(fields.String(), allow_none=True, metadata={
        "description": "a choice question's answers in words, answer 1 first (its distribution's keys count from 1)"})


class GroupOut(Schema):
    cut = fields.String()
    academy_id = fields.UUID(allow_none=True)
    academy_name = fields.String(allow_none=True)
    staff_type = fields.String(allow_none=True, metadata={
        "description": "a staff type, or across the trust where needed to keep everyone's answers apart, several "
                       "joined by + (support+leadership)"})
    service_band = fields.String(allow_none=True, metadata={
        "description": "a length-of-service band, or a range of neighbouring bands joined by +"})
    staff_type_name = fields.String(allow_none=True, metadata={"example": "Support staff and leaders"})
    service_band_name = fields.String(allow_none=True, metadata={"example": "Under 5 years"})
    responses = fields.Integer(allow_none=True)
    invited = fields.Integer(allow_none=True)
    response_rate = fields.Float(allow_none=True, metadata={"description": "% of those invited who answered"})
    suppressed = fields.Boolean(metadata={"description": f"fewer than the minimum group size ({MIN_GROUP_SIZE} or "
                                                         "more), or hidden so no other figure can be subtracted"})
    measures = fields.List(fields.Nested(MeasureOut))
    items = fields.List(fields.Nested(ItemOut))


class TrendPoint(Schema):
    run_id = fields.UUID()
    title = fields.String()
    closed_on = Date(metadata={"description": "the day the run closed (early, or after its closing date)"})
    closed_at = DateTime(allow_none=True, metadata={"description": "when it closed (none for runs closed "
                                                                          "before this was kept)"})
    n = fields.Integer()
    mean = fields.Float(allow_none=True)
    favourable = fields.Float(allow_none=True)
    withheld = fields.String(allow_none=True, metadata={
        "description": "why this point is not compared with the others (the number answering changed by fewer "
                       "than the minimum group); its figures are then null"})


class TrendOut(Schema):
    measure = fields.String()
    cut = fields.String()
    academy_id = fields.String(allow_none=True)
    points = fields.List(fields.Nested(TrendPoint))


class ReportSchema(Schema):
    run_id = fields.UUID()
    title = fields.String()
    closes_on = Date()
    min_group_size = fields.Integer()
    everyone = fields.String(metadata={"description": "the group cut \"trust\" stands for, in words: \"The whole "
                                                      "trust\", or everyone asked at the academies the run covers"})
    groups = fields.List(fields.Nested(GroupOut))
    trend = fields.List(fields.Nested(TrendOut))


class CommentGroup(Schema):
    cut = fields.String()
    academy_id = fields.UUID(allow_none=True)
    comments = fields.List(fields.Dict())


class DriverOut(Schema):
    measure = fields.String()
    title = fields.String()
    n = fields.Integer()
    correlation = fields.Float(allow_none=True, metadata={"description": "Pearson's r with the outcome"})
    direction = fields.String(allow_none=True, metadata={
        "description": "helpful: the measure getting better goes with a better outcome; unhelpful: with a worse one "
                       "(for a measure where lower is better, such as anxiety, r's sign turns); null: |r| under 0.1"})


class DriversSchema(Schema):
    run_id = fields.UUID()
    outcome = fields.String()
    outcome_title = fields.String()
    academy_id = fields.UUID(allow_none=True)
    drivers = fields.List(fields.Nested(DriverOut))


class MySurveySchema(Schema):
    run_id = fields.UUID()
    title = fields.String()
    closes_on = Date()
    answered = fields.Boolean()
    open = fields.Boolean()


class LinkSchema(Schema):
    link = fields.String(metadata={"description": "your new single-use link; the old one no longer works"})


class AnswersSchema(Schema):
    answers = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=100)), values=fields.Raw(allow_none=True),
                          required=True, validate=validate.Length(max=200),
                          metadata={"description": "answers by question key; null clears a saved answer",
                                    "example": {"hse.1": 4, "ons.anxiety": 3, "trust.improve": "More planning time"}})


class ScaleOut(Schema):
    key = fields.String()
    minimum = fields.Integer()
    maximum = fields.Integer()
    labels = fields.List(fields.String())


class QuestionOut(Schema):
    key = fields.String()
    text = fields.String()
    scale = fields.String()


class SectionOut(Schema):
    key = fields.String()
    title = fields.String()
    instructions = fields.String()
    licence = fields.String()
    citation = fields.String()
    acknowledgement = fields.String(metadata={
        "description": "the line to show respondents under these questions, where the licence asks for one"})
    counted_whole = fields.Boolean(metadata={
        "description": "some scores here are made of several questions; a score, and its questions, count only "
                       "for those who answer all of them"})
    items = fields.List(fields.Nested(QuestionOut))


class QuestionnaireSchema(Schema):
    title = fields.String()
    closes_on = Date()
    scales = fields.List(fields.Nested(ScaleOut))
    sections = fields.List(fields.Nested(SectionOut))
    saved = fields.Dict(metadata={"description": "answers this browser saved so far with this link"})
    saved_elsewhere = fields.Boolean(metadata={
        "description": "answers were saved with this link in another browser (or this one forgot its key): they "
                       "cannot be opened here; saving or submitting here replaces them"})


class MeasureInfo(Schema):
    key = fields.String()
    title = fields.String()
    method = fields.String()
    minimum = fields.Float()
    maximum = fields.Float()
    higher_is_better = fields.Boolean()
    items = fields.List(fields.String())
    benchmarks = fields.List(fields.Nested(BenchmarkOut))


class InstrumentSchema(SectionOut):
    measures = fields.List(fields.Nested(MeasureInfo))
