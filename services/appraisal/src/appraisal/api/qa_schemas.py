"""Request and response schemas of the QA map (issue 24): rounds, the map, suggested pairs, actions, coaching."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from staffroom_shared.storable import Date, DateTime

from ..domain.observations import Band
from ..domain.qa import MAX_INTERVAL_WEEKS, MAX_SERIES, ActionKind, ActionStatus, Movement, View
from .schemas import NAME, TEXT, _enum

CRITERION_KEY = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}$", error=(
    "1 to 40 lower-case letters, digits, - or _, starting with a letter or digit (a criterion's key)"))
ACADEMIES = validate.Length(min=1, max=50)


class QaRoundSchema(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(required=True, validate=NAME, metadata={"example": "Autumn 1 drop-ins"})
    template_id = fields.UUID(required=True, metadata={"description": "the observation template the round uses"})
    academy_ids = fields.List(fields.UUID(), required=True, validate=ACADEMIES)
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    series_id = fields.UUID(dump_only=True, allow_none=True, metadata={
        "description": "shared by the rounds calendared together as a series"})
    created_at = DateTime(dump_only=True)

    @validates_schema
    def _in_order(self, data, **_):
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("this is before the round starts: choose an end date on or after the start date",
                                  "ends_on")


class QaSeriesSchema(Schema):
    name = fields.String(required=True, validate=NAME, metadata={
        "description": "each round is named '<name> (n of count)'", "example": "Six-weekly drop-ins"})
    template_id = fields.UUID(required=True)
    academy_ids = fields.List(fields.UUID(), required=True, validate=ACADEMIES)
    starts_on = Date(required=True)
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SERIES))
    interval_weeks = fields.Integer(load_default=6, validate=validate.Range(min=1, max=MAX_INTERVAL_WEEKS))


class QaRoundQuerySchema(Schema):
    academy_id = fields.UUID(metadata={"description": "only the rounds covering this academy"})


class CountsSchema(Schema):
    strength = fields.Integer()
    development = fields.Integer()
    intervention = fields.Integer()


class CellSchema(Schema):
    criterion = fields.String()
    teachers = fields.Integer(metadata={"description": "teachers observed, of those the map is made from"})
    band = _enum(Band, allow_none=True)
    counts = fields.Nested(CountsSchema, allow_none=True)
    movement = _enum(Movement, allow_none=True, metadata={
        "description": "since your map of the round before; null when there was no round before"})


class MapRowSchema(Schema):
    academy_id = fields.UUID()
    academy_name = fields.String()
    department = fields.String(allow_none=True, metadata={"description": "null: the academy's total"})
    cells = fields.List(fields.Nested(CellSchema))


class CriterionRefSchema(Schema):
    key = fields.String()
    label = fields.String()


class RoundRefSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    starts_on = Date()
    ends_on = Date()


class MadeFromSchema(Schema):
    whom = _enum(View, metadata={"description": "trust: every teacher in the trust (trust HR); academy: the head's "
                                                "academy's; reviewees: the line manager's own reviewees only"})
    teachers = fields.Integer(metadata={"description": "the teachers observed in the round that the map is made from"})
    words = fields.String(metadata={"description": "the same, in words to show beside the map"})


class QaMapSchema(Schema):
    round = fields.Nested(QaRoundSchema)
    template_name = fields.String()
    still_running = fields.Boolean(metadata={
        "description": "the round has not ended yet: its map changes as more teachers are observed"})
    made_from = fields.Nested(MadeFromSchema, metadata={
        "description": "whose teachers the map is made from: only those the caller may see"})
    previous_round = fields.Nested(RoundRefSchema, allow_none=True)
    criteria = fields.List(fields.Nested(CriterionRefSchema))
    rows = fields.List(fields.Nested(MapRowSchema))
    trust = fields.List(fields.Nested(CellSchema), allow_none=True, metadata={
        "description": "the trust's total per criterion; null unless the map is made from the whole trust"})


class CellQuerySchema(Schema):
    criterion = fields.String(required=True, validate=CRITERION_KEY)
    academy_id = fields.UUID(load_default=None, metadata={"description": "none: the trust's total"})
    department = fields.String(load_default=None, validate=NAME, metadata={"description": "none: the academy's"})


class ColleagueRefSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    reason = fields.String()


class PairSchema(Schema):
    coach = fields.Nested(ColleagueRefSchema)
    colleague = fields.Nested(ColleagueRefSchema)


class PairsSchema(Schema):
    criterion = fields.String()
    criterion_label = fields.String()
    strong = fields.List(fields.Nested(ColleagueRefSchema))
    wanting = fields.List(fields.Nested(ColleagueRefSchema))
    pairs = fields.List(fields.Nested(PairSchema))


class ChosenPairSchema(Schema):
    coach_id = fields.UUID(required=True)
    colleague_id = fields.UUID(required=True)


class QaActionRequestSchema(Schema):
    kind = _enum(ActionKind, required=True)
    criterion = fields.String(required=True, validate=CRITERION_KEY)
    academy_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "null: the trust's total"})
    department = fields.String(load_default=None, allow_none=True, validate=NAME)
    owner_id = fields.UUID(required=True)
    review_on = Date(load_default=None, allow_none=True)
    idea = fields.String(load_default=None, allow_none=True, validate=TEXT, metadata={"description": "a challenge's"})
    success_criteria = fields.String(load_default=None, allow_none=True, validate=TEXT)
    support = fields.String(load_default=None, allow_none=True, validate=TEXT)
    monitoring = fields.String(load_default=None, allow_none=True, validate=TEXT)
    pairs = fields.List(fields.Nested(ChosenPairSchema), load_default=list, validate=validate.Length(max=100),
                        metadata={"description": "a shared strength's confirmed pairs; each becomes a coaching link"})


class QaActionUpdateSchema(Schema):
    status = _enum(ActionStatus, required=True)
    review_note = fields.String(load_default=None, allow_none=True, validate=TEXT)


class CoachingLinkSchema(Schema):
    id = fields.UUID(attribute="link.id")
    coach_id = fields.UUID(attribute="link.coach_id")
    coach_name = fields.String()
    colleague_id = fields.UUID(attribute="link.colleague_id")
    colleague_name = fields.String()
    criterion = fields.String(attribute="link.criterion")
    criterion_label = fields.String(attribute="link.criterion_label")
    created_at = DateTime(attribute="link.created_at")


class QaActionSchema(Schema):
    id = fields.UUID(attribute="action.id")
    round_id = fields.UUID(attribute="action.round_id")
    kind = _enum(ActionKind, attribute="action.kind")
    criterion = fields.String(attribute="action.criterion")
    criterion_label = fields.String()
    academy_id = fields.UUID(attribute="action.academy_id", allow_none=True)
    academy_name = fields.String(allow_none=True)
    department = fields.String(attribute="action.department", allow_none=True)
    owner_id = fields.UUID(attribute="action.owner_id")
    owner_name = fields.String()
    status = _enum(ActionStatus, attribute="action.status")
    review_on = Date(attribute="action.review_on", allow_none=True)
    details = fields.Dict(keys=fields.String(), values=fields.String(), attribute="action.details")
    review_note = fields.String(attribute="action.review_note", allow_none=True)
    band_then = _enum(Band, allow_none=True, metadata={
        "description": "the cell's band when the action was planned; null unless you may act on the cell"})
    band_now = _enum(Band, allow_none=True, metadata={
        "description": "the cell's band in the latest round that has it; null unless you may act on the cell"})
    band_now_round = fields.Nested(RoundRefSchema, allow_none=True)
    links = fields.List(fields.Nested(CoachingLinkSchema))
    created_at = DateTime(attribute="action.created_at")


class CoachingRequestSchema(Schema):
    id = fields.UUID(dump_only=True)
    criterion = fields.String(required=True, validate=CRITERION_KEY, metadata={
        "description": "a criterion's key, as templates name it", "example": "adaptive-teaching"})
    created_at = DateTime(dump_only=True)
