"""Request and response schemas of pulse series (they also make the OpenAPI): a run's template, plus when."""
from marshmallow import Schema, fields, validate

from staffroom_shared.storable import Date, one_line

from ..domain.model import RunStatus
from ..domain.pulses import CADENCES, LEAD_DAYS, OPEN_DAYS, PULSE_SET, SeriesStatus
from .schemas import RunSchema, RunUpdateSchema, TrendOut

TITLE = [validate.Length(min=1, max=160), one_line]  # room for ", autumn term 2026" in a run's 200
TERM_DAY = validate.Regexp(r"^\d{2}-\d{2}$", error="a day of the year as month-day, as 10-15")
WHEN = {
    "cadence": fields.String(validate=validate.OneOf(CADENCES), metadata={
        "description": "monthly (every month but August) or termly (once in each of autumn, spring and summer)"}),
    "day_of_month": fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=28), metadata={
        "description": "monthly: the day each pulse opens (a Saturday or Sunday moves to the Monday)"}),
    "term_opens": fields.List(fields.String(validate=TERM_DAY), validate=validate.Length(equal=3), metadata={
        "description": "termly: the day each term's pulse opens, autumn (September to December), spring (January to "
                       "April), summer (April to July, after spring's), as month-day; a weekend moves to the Monday",
        "example": ["10-13", "02-02", "05-11"]}),
    "open_days": fields.Integer(strict=True, validate=validate.Range(min=OPEN_DAYS[0], max=OPEN_DAYS[1]), metadata={
        "description": "how many days each pulse stays open, its opening and closing days included"}),
    "starts_on": Date(metadata={"description": "no pulse opens before this day"}),
}


class PulseSeriesSchema(RunSchema):
    class Meta:
        exclude = ("opens_on", "closes_on", "invited", "answered", "counted", "closed_at", "set_aside", "reminded_on")

    title = fields.String(required=True, validate=TITLE, metadata={
        "description": "each pulse is called this and its month or term: \"Staff pulse, March 2027\""})
    instruments = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                              validate=validate.Length(max=10), metadata={
                                  "description": f"none, and no questions: the short pulse set ({', '.join(PULSE_SET)})"})
    cadence = fields.String(required=True, validate=validate.OneOf(CADENCES), metadata=WHEN["cadence"].metadata)
    day_of_month = WHEN["day_of_month"]
    term_opens = fields.List(fields.String(validate=TERM_DAY), validate=validate.Length(equal=3), load_default=list,
                             metadata=WHEN["term_opens"].metadata)
    open_days = fields.Integer(load_default=7, strict=True, validate=WHEN["open_days"].validate,
                               metadata=WHEN["open_days"].metadata)
    starts_on = Date(required=True, metadata=WHEN["starts_on"].metadata)
    status = fields.Enum(SeriesStatus, by_value=True, dump_only=True)
    next_on = Date(dump_only=True, allow_none=True, metadata={
        "description": f"the day the next pulse not yet made opens; it is made {LEAD_DAYS} days before"})
    made_until = Date(dump_only=True, allow_none=True, metadata={
        "description": "the closing day of the latest pulse made: the next opens after it"})
    warnings = fields.List(fields.String(), dump_only=True, metadata={
        "description": "what HR should know, such as a template too long to ask often"})


class PulseSeriesUpdateSchema(RunUpdateSchema):
    class Meta:
        exclude = ("opens_on", "closes_on")

    title = fields.String(validate=TITLE)
    cadence = WHEN["cadence"]
    day_of_month = WHEN["day_of_month"]
    term_opens = WHEN["term_opens"]
    open_days = WHEN["open_days"]
    starts_on = WHEN["starts_on"]


class PulseOut(Schema):
    run_id = fields.UUID()
    title = fields.String()
    opens_on = Date()
    closes_on = Date()
    status = fields.Enum(RunStatus, by_value=True)
    invited = fields.Integer(allow_none=True, metadata={"description": "in the academies the caller may see; none "
                                                                      "before it opens"})
    responded = fields.Integer(allow_none=True)
    response_rate = fields.Float(allow_none=True)


class PulseSeriesDetail(Schema):
    series = fields.Nested(PulseSeriesSchema)
    pulses = fields.List(fields.Nested(PulseOut), metadata={"description": "the pulses made, newest first"})


class PulseTrend(Schema):
    trend = fields.List(fields.Nested(TrendOut), metadata={
        "description": "the trend of the latest closed pulse: each measure across the closed runs of the same owner "
                       "and scope (its pulses, and any other survey of the same people), withheld points explained"})
