"""Survey instruments as data: the answer scales, the questions (items), what is scored from them (measures) and the
national figures a measure can be compared with (benchmarks).

The published instruments live in ``data/*.json`` (one file per instrument, with the sources of every wording,
rule and figure) and are loaded and checked once, at import. ``custom_instrument`` builds the trust's own extra
questions for one survey run, and ``Questionnaire`` puts instruments together and validates a set of answers.
See docs/wellbeing-instruments.md for the scoring rules, licences and sources.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from staffroom_shared.storable import text_problem

TEXT_MAX_LENGTH = 2000
METHODS = ("mean", "swemwbs_metric", "item", "enps")
STATISTICS = ("mean", "percent_favourable")


@dataclass(frozen=True)
class Scale:
    key: str
    minimum: int
    maximum: int
    labels: tuple[str, ...]
    choice: bool = False  # the answers are categories, not amounts: reported as how many gave each, never averaged

    @property
    def is_text(self) -> bool:
        return self.key == "text"


SCALES: dict[str, Scale] = {
    scale.key: scale for scale in (
        Scale("frequency5", 1, 5, ("Never", "Seldom", "Sometimes", "Often", "Always")),
        Scale("agreement5", 1, 5, ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")),
        Scale("swemwbs5", 1, 5, ("None of the time", "Rarely", "Some of the time", "Often", "All of the time")),
        Scale("zero_ten", 0, 10, ("Not at all", "Completely")),
        Scale("text", 0, 0, ()),
        # The main reason for leaving, one answer: the exit survey's question (docs/wellbeing.md, lifecycle surveys).
        Scale("leaving_reason", 1, 10, ("Workload", "Pay", "Career progression or promotion", "Moving away",
                                        "Retirement", "Leadership and management", "Pupil behaviour",
                                        "Flexible or part-time working", "Health or family", "Something else"),
              choice=True),
    )
}


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    scale: str
    reverse: bool = False
    favourable: tuple[int, int] | None = None

    def scored(self, answer: int) -> int:
        """The answer as scored: reversed within the scale when ``reverse`` (so that higher is always better)."""
        scale = SCALES[self.scale]
        return scale.minimum + scale.maximum - answer if self.reverse else answer

    def is_favourable(self, score: int) -> bool | None:
        if self.favourable is None:
            return None
        return self.favourable[0] <= score <= self.favourable[1]


@dataclass(frozen=True)
class Benchmark:
    statistic: str
    value: float
    source: str
    url: str
    year: str
    population: str
    note: str = ""
    licence: str = ""  # the terms the figure is published under (docs/wellbeing-instruments.md)


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    items: tuple[str, ...]
    method: str
    minimum: float
    maximum: float
    higher_is_better: bool = True
    favourable: tuple[float, float] | None = None
    benchmarks: tuple[Benchmark, ...] = ()

    def is_favourable(self, value: float) -> bool | None:
        if self.favourable is None:
            return None
        return self.favourable[0] <= value <= self.favourable[1]


@dataclass(frozen=True)
class Instrument:
    key: str
    title: str
    instructions: str
    licence: str
    citation: str
    items: tuple[Item, ...]
    measures: tuple[Measure, ...]
    acknowledgement: str = ""  # the line respondents see under the questions, where the licence asks for one


# ---------------------------------------------------------------------------------------------------------------
# Checks shared by the data loader and custom_instrument: a broken definition fails loudly at import.

def _check_instrument(instrument: Instrument) -> None:
    where = f"instrument {instrument.key!r}"
    for name in ("key", "title", "licence"):
        if not getattr(instrument, name).strip():
            raise ValueError(f"{where}: {name} is empty")
    items: dict[str, Item] = {}
    for item in instrument.items:
        if item.key in items:
            raise ValueError(f"{where}: duplicate item {item.key!r}")
        items[item.key] = item
        if not item.text.strip():
            raise ValueError(f"{where}: item {item.key!r} has no text")
        scale = SCALES.get(item.scale)
        if scale is None:
            raise ValueError(f"{where}: item {item.key!r} has unknown scale {item.scale!r}")
        if scale.is_text and (item.reverse or item.favourable is not None):
            raise ValueError(f"{where}: text item {item.key!r} cannot be reversed or favourable")
        if item.favourable is not None:
            low, high = item.favourable
            if not scale.minimum <= low <= high <= scale.maximum:
                raise ValueError(f"{where}: item {item.key!r} favourable range {item.favourable} is outside its scale")
    measures: set[str] = set()
    for measure in instrument.measures:
        mwhere = f"{where}, measure {measure.key!r}"
        if measure.key in measures:
            raise ValueError(f"{where}: duplicate measure {measure.key!r}")
        measures.add(measure.key)
        if measure.method not in METHODS:
            raise ValueError(f"{mwhere}: unknown method {measure.method!r}")
        if not measure.items:
            raise ValueError(f"{mwhere}: no items")
        for key in measure.items:
            if key not in items:
                raise ValueError(f"{mwhere}: unknown item {key!r}")
            if SCALES[items[key].scale].is_text or SCALES[items[key].scale].choice:
                raise ValueError(f"{mwhere}: text or choice item {key!r} cannot be scored")
        if measure.method in ("item", "enps") and len(measure.items) != 1:
            raise ValueError(f"{mwhere}: method {measure.method!r} takes exactly one item")
        if measure.method == "enps" and items[measure.items[0]].scale != "zero_ten":
            raise ValueError(f"{mwhere}: eNPS needs a 0-10 item")
        if measure.method == "swemwbs_metric" and (
                len(measure.items) != 7 or any(items[key].scale != "swemwbs5" or items[key].reverse
                                               for key in measure.items)):
            raise ValueError(f"{mwhere}: the SWEMWBS metric needs the 7 unreversed SWEMWBS items")
        if not measure.minimum < measure.maximum:
            raise ValueError(f"{mwhere}: minimum must be below maximum")
        if measure.favourable is not None:
            low, high = measure.favourable
            if not measure.minimum <= low <= high <= measure.maximum:
                raise ValueError(f"{mwhere}: favourable range {measure.favourable} is outside the measure's range")
        years = [(b.statistic, b.year) for b in measure.benchmarks]
        if len(set(years)) != len(years):  # SWEMWBS's men and women read as two verdicts on one group (issue 20)
            raise ValueError(f"{mwhere}: one national figure per statistic and year, for the population surveyed")
        for benchmark in measure.benchmarks:
            if benchmark.statistic not in STATISTICS:
                raise ValueError(f"{mwhere}: unknown benchmark statistic {benchmark.statistic!r}")
            for name in ("source", "url", "year", "population", "licence"):
                if not getattr(benchmark, name).strip():
                    raise ValueError(f"{mwhere}: a benchmark has no {name}")
            low, high = ((0, 100) if benchmark.statistic == "percent_favourable"
                         else (measure.minimum, measure.maximum))
            if not low <= benchmark.value <= high:
                raise ValueError(f"{mwhere}: benchmark value {benchmark.value} is out of range")
            if benchmark.statistic == "percent_favourable" and measure.favourable is None:
                raise ValueError(f"{mwhere}: a percent_favourable benchmark needs a favourable range")


# ---------------------------------------------------------------------------------------------------------------
# Loading data/*.json

_INSTRUMENT_FIELDS = {"key", "title", "instructions", "licence", "citation", "items", "measures", "provenance",
                      "conversion", "acknowledgement"}
_ITEM_FIELDS = {"key", "text", "scale", "reverse", "favourable"}
_MEASURE_FIELDS = {"key", "title", "items", "method", "minimum", "maximum", "higher_is_better", "favourable",
                   "benchmarks"}
_BENCHMARK_FIELDS = {"statistic", "value", "source", "url", "year", "population", "note", "licence"}
_ORDER = ("hse_indicator", "swemwbs", "ons4", "enps", "trust_core")


def _fields(raw: dict, allowed: set[str], where: str) -> dict:
    unknown = set(raw) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    return raw


def _pair(value: Any, kind: type) -> tuple | None:
    if value is None:
        return None
    low, high = value
    return kind(low), kind(high)


def _instrument_from_json(raw: dict, where: str) -> Instrument:
    _fields(raw, _INSTRUMENT_FIELDS, where)
    items = tuple(
        Item(key=i["key"], text=i["text"], scale=i["scale"], reverse=bool(i.get("reverse", False)),
             favourable=_pair(i.get("favourable"), int))
        for i in (_fields(i, _ITEM_FIELDS, f"{where}: item") for i in raw["items"]))
    measures = tuple(
        Measure(key=m["key"], title=m["title"], items=tuple(m["items"]), method=m["method"],
                minimum=float(m["minimum"]), maximum=float(m["maximum"]),
                higher_is_better=bool(m.get("higher_is_better", True)), favourable=_pair(m.get("favourable"), float),
                benchmarks=tuple(Benchmark(**{**_fields(b, _BENCHMARK_FIELDS, f"{where}: benchmark"),
                                              "value": float(b["value"])})
                                 for b in m.get("benchmarks", ())))
        for m in (_fields(m, _MEASURE_FIELDS, f"{where}: measure") for m in raw["measures"]))
    instrument = Instrument(key=raw["key"], title=raw["title"], instructions=raw["instructions"],
                            licence=raw["licence"], citation=raw["citation"], items=items, measures=measures,
                            acknowledgement=raw.get("acknowledgement", ""))
    _check_instrument(instrument)
    return instrument


def _load() -> tuple[dict[str, Instrument], dict[int, float]]:
    data = resources.files(__package__).joinpath("data")
    raws = {}
    for entry in data.iterdir():
        if entry.name.endswith(".json"):
            raws[entry.name[:-len(".json")]] = json.loads(entry.read_text(encoding="utf-8"))
    loaded: dict[str, Instrument] = {}
    for name in sorted(raws, key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), n)):
        raw = raws[name]
        if raw.get("key") != name:
            raise ValueError(f"data/{name}.json: key {raw.get('key')!r} does not match the file name")
        loaded[name] = _instrument_from_json(raw, f"data/{name}.json")
    seen: dict[str, str] = {}
    for instrument in loaded.values():
        for key in [item.key for item in instrument.items] + [measure.key for measure in instrument.measures]:
            if seen.get(key, instrument.key) != instrument.key:
                raise ValueError(f"{key!r} is defined by both {seen[key]!r} and {instrument.key!r}")
            seen[key] = instrument.key
    rows = raws["swemwbs"]["conversion"]["rows"]
    metric = {int(raw_score): float(value) for raw_score, value in rows}
    if sorted(metric) != list(range(7, 36)) or len(rows) != 29:
        raise ValueError("data/swemwbs.json: the conversion table must have one row for each raw score 7..35")
    return loaded, metric


INSTRUMENTS: dict[str, Instrument]
SWEMWBS_METRIC: dict[int, float]
INSTRUMENTS, SWEMWBS_METRIC = _load()


# ---------------------------------------------------------------------------------------------------------------
# The trust's own questions

CUSTOM_SCALES = {"agreement5": (4, 5), "zero_ten": (7, 10), "text": None, "leaving_reason": None}
_SLUG = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


def custom_instrument(questions: list[dict]) -> Instrument:
    """The trust's own questions for one survey run. Each dict: {"key": slug, "text": str, "scale": "agreement5" |
    "zero_ten" | "text" | "leaving_reason"} (other keys are ignored). Items are keyed "custom.<slug>"; each rated item
    gets a Measure "custom.<slug>" (method "item", favourable (4, 5) for agreement5, (7, 10) for zero_ten, no
    benchmarks). Text and choice items have no measure. Raises ValueError on an unknown scale, a duplicate or
    malformed slug, or empty text."""
    items: list[Item] = []
    measures: list[Measure] = []
    slugs: set[str] = set()
    for number, question in enumerate(questions, 1):
        if not isinstance(question, dict):
            raise ValueError(f"question {number} must be an object")
        slug, text, scale_key = question.get("key"), question.get("text"), question.get("scale")
        if not isinstance(slug, str) or len(slug) > 64 or not _SLUG.fullmatch(slug):
            raise ValueError(f"question {number}: key must be a slug of lower-case letters, digits, '-' and '_' "
                             f"(at most 64 characters), not {slug!r}")
        if slug in slugs:
            raise ValueError(f"question {number}: duplicate key {slug!r}")
        slugs.add(slug)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"question {number} ({slug}): text must be non-empty")
        if scale_key not in CUSTOM_SCALES:
            raise ValueError(f"question {number} ({slug}): unknown scale {scale_key!r}; "
                             f"use one of {', '.join(CUSTOM_SCALES)}")
        favourable = CUSTOM_SCALES[scale_key]
        key = f"custom.{slug}"
        items.append(Item(key=key, text=text.strip(), scale=scale_key, favourable=favourable))
        if favourable is not None:
            scale = SCALES[scale_key]
            measures.append(Measure(key=key, title=text.strip(), items=(key,), method="item",
                                    minimum=float(scale.minimum), maximum=float(scale.maximum),
                                    favourable=(float(favourable[0]), float(favourable[1]))))
    instrument = Instrument(key="custom", title="The trust's own questions", instructions="",
                            licence="The trust's own questions; no third-party licence applies.",
                            citation="", items=tuple(items), measures=tuple(measures))
    _check_instrument(instrument)
    return instrument


# ---------------------------------------------------------------------------------------------------------------
# A questionnaire: the instruments of one survey run, and the validation of a respondent's answers

class Questionnaire:
    def __init__(self, instruments: list[Instrument]):
        self.instruments: tuple[Instrument, ...] = tuple(instruments)
        self.items: dict[str, Item] = {}
        self.measures: dict[str, Measure] = {}
        instrument_keys: set[str] = set()
        for instrument in self.instruments:
            if instrument.key in instrument_keys:
                raise ValueError(f"instrument {instrument.key!r} is included twice")
            instrument_keys.add(instrument.key)
            for item in instrument.items:
                if item.key in self.items:
                    raise ValueError(f"item {item.key!r} appears in more than one instrument")
                self.items[item.key] = item
            for measure in instrument.measures:
                if measure.key in self.measures:
                    raise ValueError(f"measure {measure.key!r} appears in more than one instrument")
                self.measures[measure.key] = measure

    def errors(self, answers: dict) -> dict[str, list[str]]:
        """Field errors keyed by item key (or "_schema" for unknown keys and a non-object): an unknown item, a wrong
        type (a whole number for rated items, where true/false is not a number; a string for text items, non-empty
        once stripped and at most 2000 characters), or an answer outside the item's scale. A question is skipped by
        leaving its key out; null is not an answer. Every question may be skipped. Returns {} when the answers
        are valid."""
        if not isinstance(answers, dict):
            return {"_schema": ["Answers must be an object keyed by question."]}
        errors: dict[str, list[str]] = {}
        for key, answer in answers.items():
            item = self.items.get(key) if isinstance(key, str) else None
            if item is None:
                errors.setdefault("_schema", []).append(f"Unknown question {key!r}.")
                continue
            problem = _answer_problem(item, answer)
            if problem:
                errors[key] = [problem]
        return errors


def _answer_problem(item: Item, answer: Any) -> str | None:
    scale = SCALES[item.scale]
    if scale.is_text:
        if not isinstance(answer, str):
            return "Must be text (leave the question out to skip it)."
        text = answer.strip()
        if not text:
            return "Must not be empty (leave the question out to skip it)."
        if len(text) > TEXT_MAX_LENGTH:
            return f"Must be at most {TEXT_MAX_LENGTH} characters."
        if problem := text_problem(text):  # outsider O6, issue 24: "\u200b" alone, or an escape, in a 360 comment
            return f"{problem[0].upper()}{problem[1:]}."
        return None
    if isinstance(answer, bool) or not isinstance(answer, int):
        return (f"Must be a whole number from {scale.minimum} to {scale.maximum} "
                "(leave the question out to skip it).")
    if not scale.minimum <= answer <= scale.maximum:
        return f"Must be from {scale.minimum} to {scale.maximum}."
    return None
