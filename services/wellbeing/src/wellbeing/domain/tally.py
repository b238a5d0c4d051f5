"""Counting a closed run's answers into every group of the report, in memory.

Which group an answer came from (academy, staff type, length of service) is known only inside the sealed ballots
and, while a run closes, in this process; nobody's answers are kept after it. So every figure for every cut, and
how each measure goes with the outcome (the drivers), is worked out here from the opened ballots, and only these
aggregates are stored (docs/wellbeing.md says why: per-person answers kept beside the published figures could be
matched back to the few people of a small group).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from .disclosure import Cell
from .scoring import Scored


class Group(NamedTuple):
    """The finest group a respondent belongs to; every cut of the report is a union of these."""

    academy_id: str
    staff_type: str
    service_band: str

    def cells(self) -> tuple[Cell, ...]:
        return (Cell("trust"), Cell("academy", academy_id=self.academy_id), Cell("staff_type", staff_type=self.staff_type),
                Cell("service_band", service_band=self.service_band),
                Cell("academy_staff_type", academy_id=self.academy_id, staff_type=self.staff_type))


@dataclass
class Figure:
    """The sums behind one figure of one group: how many answered, the total score, and how many of those with a
    favourable range were in it; for items, how many gave each answer."""

    n: int = 0
    total: float = 0.0
    rated: int = 0
    favourable: int = 0
    distribution: dict[str, int] | None = None

    def add(self, value: float, favourable: bool | None, answer: int | None = None) -> None:
        self.n += 1
        self.total += value
        if favourable is not None:
            self.rated += 1
            self.favourable += favourable
        if answer is not None:
            self.distribution = self.distribution or {}
            self.distribution[str(answer)] = self.distribution.get(str(answer), 0) + 1

    def merge(self, other: "Figure") -> None:
        self.n += other.n
        self.total += other.total
        self.rated += other.rated
        self.favourable += other.favourable
        if other.distribution is not None:
            self.distribution = self.distribution or {}
            for answer, count in other.distribution.items():
                self.distribution[answer] = self.distribution.get(answer, 0) + count

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def percent_favourable(self) -> float | None:
        return 100.0 * self.favourable / self.rated if self.rated else None


@dataclass
class Tally:
    """Every figure ("responses", each item, each measure) of every cell: {(kind, key): {cell: Figure}}."""

    figures: dict[tuple[str, str], dict[Cell, Figure]] = field(default_factory=dict)


def tally(answers: Iterable[tuple[Group, Scored]]) -> Tally:
    """Add up each respondent's scored answers in their own group, then roll the groups up into every cut."""
    finest: dict[tuple[str, str], dict[Group, Figure]] = defaultdict(lambda: defaultdict(Figure))
    for group, scored in answers:
        finest[("responses", "responses")][group].add(0, None)
        for item in scored.items:
            finest[("item", item.key)][group].add(item.score, item.favourable, item.value)
        for measure in scored.measures:
            finest[("measure", measure.key)][group].add(measure.value, measure.favourable)
    result = Tally()
    for figure, groups in finest.items():
        cells: dict[Cell, Figure] = defaultdict(Figure)
        for group, sums in groups.items():
            for cell in group.cells():
                cells[cell].merge(sums)
        result.figures[figure] = dict(cells)
    return result


def correlations(answers: Iterable[Scored], outcome: str, minimum: int) -> dict[str, tuple[int, float | None]]:
    """Pearson's r of each measure with the `outcome` measure over the respondents who have both: {measure: (n, r)},
    only where at least `minimum` people have both; r is None where either measure did not vary."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0, 0.0])  # n, Σx, Σy, Σxy, Σx², Σy²
    for scored in answers:
        values = {m.key: m.value for m in scored.measures}
        if outcome not in values:
            continue
        y = values[outcome]
        for key, x in values.items():
            if key != outcome:
                s = sums[key]
                s[0] += 1
                s[1] += x
                s[2] += y
                s[3] += x * y
                s[4] += x * x
                s[5] += y * y
    found = {}
    for key, (n, sx, sy, sxy, sxx, syy) in sums.items():
        if n < minimum:
            continue
        spread = math.sqrt(max(n * sxx - sx * sx, 0.0) * max(n * syy - sy * sy, 0.0))
        found[key] = (n, (n * sxy - sx * sy) / spread if spread > 1e-9 else None)
    return found
