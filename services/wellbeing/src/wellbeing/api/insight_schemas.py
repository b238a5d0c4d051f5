"""Schemas of the benchmark registry, the heatmap and the priorities (they also make the OpenAPI)."""
import copy

from marshmallow import Schema, fields, missing, validate

from staffroom_shared.storable import Flag, Number, one_line

from ..domain.benchmarks import STATISTICS

LINE = [validate.Length(min=1, max=300), one_line]
STATISTIC = {"description": "mean: an average (eNPS: its score, -100 to 100); percent_favourable: % favourable"}


class BenchmarkIn(Schema):
    measure = fields.String(required=True, validate=validate.Length(min=1, max=100),
                            metadata={"example": "hse.demands"})
    statistic = fields.String(required=True, validate=validate.OneOf(STATISTICS), metadata=STATISTIC)
    value = Number(required=True, allow_nan=False, metadata={
        "description": "within the measure's scale, to at most two decimal places (as published)"})
    percentile = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=99), metadata={
        "description": "where the figure is a band: 50 the median, 75 the top quartile (e.g. HSE Analysis Tool "
                       "percentiles); null: an average or share of everyone surveyed"})
    source = fields.String(required=True, validate=LINE)
    url = fields.Url(load_default="", validate=validate.Length(max=500), schemes={"http", "https"})
    year = fields.String(required=True, validate=[validate.Length(min=1, max=60), one_line])
    population = fields.String(required=True, validate=LINE, metadata={
        "description": "whom the figure is for (e.g. 'teachers and leaders in state schools in England')"})
    licence = fields.String(required=True, validate=[validate.Length(min=1, max=500), one_line])
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    reference = Flag(load_default=False, metadata={
        "description": "colour the heatmap against this figure (in place of the newest built-in one)"})


def _changes(schema: type[Schema]) -> type[Schema]:
    """The same fields, each optional and with no default: a change names only what it changes."""
    def optional(field):
        field = copy.copy(field)
        field.required, field.load_default = False, missing
        return field
    return Schema.from_dict({n: optional(f) for n, f in schema._declared_fields.items()}, name="BenchmarkChange")


BenchmarkChange = _changes(BenchmarkIn)


class BenchmarkQuery(Schema):
    measure = fields.String(validate=validate.Length(min=1, max=100))
    retired = fields.Boolean(load_default=False, metadata={"description": "include retired figures"})


class RegistryFigure(Schema):
    id = fields.String(metadata={"description": "builtin:<measure>:<n> for a built-in figure; else a UUID"})
    measure = fields.String()
    measure_title = fields.String()
    statistic = fields.String(metadata=STATISTIC)
    value = fields.Float()
    percentile = fields.Integer(allow_none=True)
    band = fields.String(allow_none=True, metadata={"example": "the top quartile"})
    source = fields.String()
    url = fields.String()
    year = fields.String()
    population = fields.String()
    licence = fields.String()
    note = fields.String()
    built_in = fields.Boolean(metadata={"description": "false: added by the trust"})
    reference = fields.Boolean(metadata={"description": "the trust chose it for its measure's heatmap colour"})
    in_use = fields.Boolean(metadata={"description": "the figure its measure's heatmap colour is set against"})
    retired = fields.Boolean()


class LevelQuery(Schema):
    academy_id = fields.UUID(metadata={"description": "one academy's view (academy HR: their own, the default)"})


class BenchmarkFigureOut(Schema):
    id = fields.String()
    value = fields.Float()
    band = fields.String(allow_none=True)
    source = fields.String()
    year = fields.String()
    population = fields.String()
    licence = fields.String()
    url = fields.String()
    built_in = fields.Boolean()


class LegendOut(Schema):
    key = fields.String()
    title = fields.String()
    statistic = fields.String(metadata=STATISTIC)
    higher_is_better = fields.Boolean()
    reference = fields.Nested(BenchmarkFigureOut, allow_none=True, metadata={
        "description": "the figure this measure's cells are coloured against; null: none"})
    bands = fields.List(fields.Nested(BenchmarkFigureOut), metadata={"description": "bands published with it, if any"})


class CellOut(Schema):
    measure = fields.String()
    shown = fields.Boolean()
    hidden = fields.String(allow_none=True, metadata={"description": "why there is no value, in words"})
    value = fields.Float(allow_none=True)
    text = fields.String(allow_none=True, metadata={"example": "3.42"})
    against_benchmark = fields.String(allow_none=True, metadata={
        "description": "above, level with, below, not comparable (the benchmark is for other staff) or no benchmark"})
    bands = fields.String(allow_none=True, metadata={"example": "between the median and the top quartile"})
    against_trust = fields.String(allow_none=True, metadata={
        "description": "above, level with or below the trust's own figure (not on the trust's row)"})


class HeatmapRow(Schema):
    cut = fields.String()
    academy_id = fields.UUID(allow_none=True)
    academy_name = fields.String(allow_none=True)
    staff_type = fields.String(allow_none=True)
    staff_type_name = fields.String(allow_none=True)
    service_band = fields.String(allow_none=True)
    service_band_name = fields.String(allow_none=True)
    suppressed = fields.Boolean()
    responses = fields.Integer(allow_none=True)
    cells = fields.List(fields.Nested(CellOut))


class HeatmapSchema(Schema):
    run_id = fields.UUID()
    academy_id = fields.UUID(allow_none=True)
    academy_name = fields.String(allow_none=True)
    everyone = fields.String()
    min_group_size = fields.Integer()
    measures = fields.List(fields.Nested(LegendOut))
    rows = fields.List(fields.Nested(HeatmapRow))


class FocusOut(Schema):
    measure = fields.String()
    title = fields.String()
    text = fields.String(metadata={"description": "the group's figure as the heatmap shows it"})
    link = fields.String(metadata={"example": "strongly linked with how likely people are to recommend the trust"})
    correlation = fields.Float(metadata={"description": "Pearson's r with the outcome, as the drivers show it"})
    pairs = fields.Integer(metadata={"description": "people with both figures"})


class PrioritiesSchema(Schema):
    run_id = fields.UUID()
    academy_id = fields.UUID(allow_none=True)
    academy_name = fields.String(allow_none=True)
    outcome = fields.String()
    outcome_title = fields.String()
    outcome_words = fields.String(metadata={"example": "how likely people are to recommend the trust as a place to work"})
    compared_with = fields.String(metadata={"description": "benchmark (the trust) or trust (an academy)"})
    min_pairs = fields.Integer(metadata={"description": "fewest people with both figures for a link to count"})
    focus = fields.List(fields.Nested(FocusOut))
    note = fields.String(allow_none=True, metadata={"description": "why nothing is singled out, in words"})
