"""The benchmark registry and what is read off it: the built-in national figures (from the instruments) beside the
figures a trust adds (e.g. HSE Analysis Tool percentiles it is licensed for), the one reference figure per measure
a heatmap is coloured against, a group set against a benchmark's bands, and the "focus on" priorities.

Everything here works on figures already published: a hidden figure has no value, so nothing here can show one.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal

from .instruments import INSTRUMENTS, Measure

STATISTICS = ("mean", "percent_favourable")
TEACHING = {"teaching", "leadership"}
BANDS = {25: "the bottom quartile", 50: "the median", 75: "the top quartile"}
MIN_PAIRS = 30  # fewest people with both figures for a driver to rank a priority (docs/wellbeing.md, Priorities)
FOCUS = 3
PLACES = 2  # decimal places a trust's figure may have: national figures are published to one or two
OUTCOMES = {"enps": "how likely people are to recommend the trust as a place to work"}


class BenchmarkError(ValueError):
    """A trust figure the registry refuses; `field` names what to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Benchmark:
    """One figure of the registry: built in (an instrument's, read-only; id "builtin:<measure>:<n>") or added by the
    trust (a UUID). `percentile` marks a band (50: the median); None: an average or share of everyone surveyed."""

    id: str
    measure: str
    statistic: str
    value: float
    source: str
    year: str
    population: str
    licence: str
    url: str = ""
    note: str = ""
    percentile: int | None = None
    built_in: bool = True
    reference: bool = False
    retired: bool = False

    @property
    def band(self) -> str | None:
        if self.percentile is None:
            return None
        return BANDS.get(self.percentile, f"the {_ordinal(self.percentile)} percentile")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def built_in() -> list[Benchmark]:
    """Every instrument's national figures, newest first per measure as the instruments list them."""
    return [Benchmark(id=f"builtin:{m.key}:{i}", measure=m.key, statistic=b.statistic, value=b.value,
                      source=b.source, year=b.year, population=b.population, licence=b.licence, url=b.url,
                      note=b.note)
            for instrument in INSTRUMENTS.values() for m in instrument.measures
            for i, b in enumerate(m.benchmarks)]


def measures() -> dict[str, Measure]:
    """The measures a trust may add figures for: every published instrument's."""
    return {m.key: m for instrument in INSTRUMENTS.values() for m in instrument.measures}


def trust_benchmark(data: dict, actor_id: uuid.UUID | None = None) -> Benchmark:
    """A figure the trust adds, checked against its measure's scale: an average (eNPS: its score) within the
    measure's range, a share favourable from 0 to 100 for a measure that has a favourable range."""
    known = measures()
    measure = known.get(data["measure"])
    if measure is None:
        raise BenchmarkError("measure", f"there is no measure {data['measure']!r}; GET /instruments lists them")
    statistic, value = data["statistic"], float(data["value"])
    if statistic == "percent_favourable":
        if measure.favourable is None:
            raise BenchmarkError("statistic", f"{measure.title!r} has no favourable answers: give an average")
        low, high = 0.0, 100.0
    else:
        low, high = measure.minimum, measure.maximum
    if not (math.isfinite(value) and low <= value <= high):
        raise BenchmarkError("value", f"must be from {low:g} to {high:g} for {measure.title!r}")
    if round(value, PLACES) != value:  # 1e-300 was stored, and shown as "1e-300" (outsider, issue 23)
        raise BenchmarkError("value", "give the figure as it was published, to at most two decimal places")
    percentile = data.get("percentile")
    if percentile is not None and not 1 <= percentile <= 99:
        raise BenchmarkError("percentile", "must be from 1 to 99 (the median is 50, the top quartile 75)")
    return Benchmark(id=str(data.get("id") or uuid.uuid4()), measure=measure.key, statistic=statistic,
                     value=value, source=data["source"], year=data["year"], population=data["population"],
                     licence=data["licence"], url=data.get("url") or "", note=data.get("note") or "",
                     percentile=percentile, built_in=False, reference=bool(data.get("reference")))


def edited(current: Benchmark, changes: dict) -> Benchmark:
    """The trust's figure with these changes, checked as a new one is."""
    if current.built_in:
        raise BenchmarkError("id", "a built-in national figure cannot be changed")
    if current.retired:
        raise BenchmarkError("id", "this figure is retired; add a new one instead")
    fields = {name: getattr(current, name) for name in (
        "id", "measure", "statistic", "value", "source", "year", "population", "licence", "url", "note",
        "percentile", "reference")}
    return trust_benchmark({**fields, **changes})


def retire(current: Benchmark) -> Benchmark:
    if current.built_in:
        raise BenchmarkError("id", "a built-in national figure cannot be retired")
    return replace(current, retired=True, reference=False)


def reference(measure: Measure, figures: list[Benchmark]) -> Benchmark | None:
    """The one figure a measure is coloured against: the trust's choice if it made one, else the newest built-in
    average or share that is not a band (the instruments list theirs newest first)."""
    mine = [f for f in figures if f.measure == measure.key and not f.retired]
    chosen = next((f for f in mine if f.reference), None)
    return chosen or next((f for f in mine if f.built_in and f.percentile is None), None)


def unlike(population: str, types: set[str]) -> bool:
    """A national figure for teachers and leaders only, where the group counts support staff too: set side by side,
    all staff read as 'better' or 'worse' than teachers (outsider, issue 19), so the two are not compared."""
    population = population.lower()
    return "teacher" in population and "support" not in population and not types <= TEACHING


def compare(ours: float, theirs: float, higher_is_better: bool, places: int | None = None) -> str:
    """Ours against a figure to the places it was published to (or `places`): 23.18 is level with a published 23.2,
    not "worse" (outsider, issue 20), and 65.7% with 66%."""
    if places is None:
        places = max(-Decimal(str(theirs)).normalize().as_tuple().exponent, 0)
    if round(ours, places) == round(theirs, places):
        return "level with"
    return "above" if (ours > theirs) == higher_is_better else "below"


def better_when_higher(measure: Measure, statistic: str) -> bool:
    return measure.higher_is_better or statistic == "percent_favourable"


def statistic_of(measure: Measure, chosen: Benchmark | None) -> str:
    """What a heatmap cell shows: the statistic its reference figure is in; with none, the share favourable for
    a single question that has one, else the average (eNPS: its score)."""
    if chosen is not None:
        return chosen.statistic
    if measure.method == "item" and measure.favourable is not None:
        return "percent_favourable"
    return "mean"


def against_bands(value: float, bands: list[Benchmark]) -> str | None:
    """Where a group's figure sits among one source's bands, in words ("between the median and the top quartile").
    By value, as the bands are: for a measure where lower is better, above a band is the worse side."""
    ordered = sorted(bands, key=lambda b: b.value)
    level = next((b for b in ordered if compare(value, b.value, True) == "level with"), None)
    if level is not None:
        return f"level with {level.band}"
    under = [b for b in ordered if value > b.value]
    over = [b for b in ordered if value < b.value]
    if under and over:
        return f"between {under[-1].band} and {over[0].band}"
    if under:
        return f"above {under[-1].band}"
    return f"below {over[0].band}" if over else None


def bands_for(chosen: Benchmark | None, figures: list[Benchmark]) -> list[Benchmark]:
    """The bands published with the reference figure: the same measure, statistic, source, year and population."""
    if chosen is None:
        return []
    return [f for f in figures if f.percentile is not None and not f.retired and f.measure == chosen.measure
            and (f.statistic, f.source, f.year, f.population) ==
            (chosen.statistic, chosen.source, chosen.year, chosen.population)]


# -- priorities -----------------------------------------------------------------------------------------------

def strength(r: float) -> str | None:
    """|r| in words, after Cohen's conventions (0.1 small, 0.3 medium, 0.5 large); None below 0.1."""
    size = abs(r)
    if size >= 0.5:
        return "strongly"
    if size >= 0.3:
        return "moderately"
    if size >= 0.1:
        return "weakly"
    return None


def helpful(r: float, measure: Measure, outcome: Measure) -> float:
    """r signed so that above 0 is the helpful way: the measure getting better goes with the outcome getting better
    (for anxiety, where lower is better, less anxiety with a higher eNPS; outsider, issue 23, read +0.11 as fine)."""
    return r * (1 if outcome.higher_is_better else -1) * (1 if measure.higher_is_better else -1)


def direction(r: float | None, measure: Measure, outcome: Measure) -> str | None:
    """"helpful" or "unhelpful" for a link of at least a weak size; None for none, or too small to say."""
    if r is None or strength(r) is None:
        return None
    return "helpful" if helpful(r, measure, outcome) > 0 else "unhelpful"


@dataclass(frozen=True)
class Candidate:
    """A measure of one group: its shown comparison (below, above...) and its shown driver (None if not shown)."""

    measure: Measure
    comparison: str | None
    pairs: int | None
    r: float | None


def priorities(candidates: list[Candidate], outcome: Measure) -> tuple[list[dict], str | None]:
    """The measures worse than their comparison figure that go most with the outcome, strongest first, at most three;
    with a sentence when there is too little to go on. A link counts only where improving the measure goes with a
    better outcome, and only over at least MIN_PAIRS people."""
    below, ranked, thin = 0, [], 0
    for c in candidates:
        if c.measure.key == outcome.key or c.comparison != "below":
            continue
        below += 1
        if c.r is None or c.pairs is None:
            continue
        if c.pairs < MIN_PAIRS:
            thin += 1
            continue
        toward = helpful(c.r, c.measure, outcome)
        words = strength(c.r)
        if toward > 0 and words:
            ranked.append((toward, c, words))
    ranked.sort(key=lambda t: (-t[0], t[1].measure.key))
    focus = [{"measure": c.measure.key, "title": c.measure.title, "correlation": c.r, "pairs": c.pairs,
              "link": f"{words} linked with {OUTCOMES.get(outcome.key, outcome.title.lower())}"} for _, c, words in ranked[:FOCUS]]
    if focus:
        return focus, None
    if not below:
        return [], "Nothing here is worse than what it is compared with, so there is nothing to single out."
    if thin:
        return [], (f"Too few people answered both to say what matters most: we need at least {MIN_PAIRS} people "
                    f"with both answers before reading anything into a link.")
    return [], ("None of the figures that are worse goes clearly with the outcome the helpful way, or too few "
                "answered to tell.")
