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
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from .disclosure import TRUST, Cell, Shape, equations, lone, publishable, suppressed_in_tree
from .model import SERVICE_BANDS, STAFF_TYPES
from .scoring import Scored


class Group(NamedTuple):
    """The finest group a respondent belongs to; every cut of the report is a union of these."""

    academy_id: str
    staff_type: str
    service_band: str

    def cells(self, shape: Shape) -> tuple[Cell, ...]:
        """The published cells this group counts in: the tree's, and the crossing cuts' as `shape` groups them."""
        out = [TRUST, Cell("academy", academy_id=self.academy_id),
               Cell("academy_staff_type", academy_id=self.academy_id, staff_type=self.staff_type)]
        if shape.shows_staff_types:
            out.append(Cell("staff_type", staff_type=shape.type_group[self.staff_type]))
        if shape.shows_bands:
            out.append(Cell("service_band", service_band=shape.band_group[self.service_band]))
        return tuple(out)


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


Finest = dict[tuple[str, str], dict[Group, Figure]]  # (kind, key) -> the sums of each finest group


def tally(answers: Iterable[tuple[Group, Scored]]) -> Finest:
    """Add up each respondent's scored answers ("responses", each item, each measure) in their own finest group."""
    finest: Finest = defaultdict(lambda: defaultdict(Figure))
    for group, scored in answers:
        finest[("responses", "responses")][group].add(0, None)
        for item in scored.items:
            finest[("item", item.key)][group].add(item.score, item.favourable, item.value)
        for measure in scored.measures:
            finest[("measure", measure.key)][group].add(measure.value, measure.favourable)
    return finest


def people(finest: Finest) -> dict[tuple[str, str, str], int]:
    """Respondents per finest group (academy, staff type, band)."""
    return {tuple(group): sums.n for group, sums in finest.get(("responses", "responses"), {}).items()}


def cells(finest: Finest, shape: Shape) -> dict[tuple[str, str], dict[Cell, Figure]]:
    """Every figure of every published cell: the finest groups rolled up into the cuts, as `shape` allows."""
    out = {}
    for figure, groups in finest.items():
        rolled: dict[Cell, Figure] = defaultdict(Figure)
        for group, sums in groups.items():
            for cell in group.cells(shape):
                rolled[cell].merge(sums)
        out[figure] = dict(rolled)
    return out


Published = dict[tuple[str, str], dict[Cell, "Figure | None"]]  # (kind, key) -> each cell's sums, None if hidden


def publish(finest: Finest, invited: dict[tuple[str, str, str], int], k: int) -> tuple[Shape, Published]:
    """What a run's report may show: the crossing cuts in the shape `publishable` allows, then primary and
    complementary suppression per figure over every group the run asked (`invited`: people per finest group),
    answered or not. A hidden cell's sums are dropped here, before anything is stored."""
    shape = publishable(invited, people(finest), k, STAFF_TYPES, tuple(band for band, *_ in SERVICE_BANDS))
    asked: dict[Cell, int] = defaultdict(int)
    for group in {*invited, *people(finest)}:
        for cell in Group(*group).cells(shape):
            asked[cell] += invited.get(group, 0)
    few = lone(invited, k)
    out: Published = {}
    responses = ("responses", "responses")
    every = cells(finest, shape)
    # The count of respondents first: a group whose count is hidden shows no figure either (issue 19's twelfth
    # outsider had an academy's count hidden and a question's n shown, and the trend, taking those who skipped it
    # as the hidden count, 0, less n, compared two runs in which two people swapped skipping it).
    for figure in sorted(every, key=lambda f: f != responses):
        by_cell = every[figure]
        # everyone who answered it, but those of a lone staff type; the whole run counts everyone (whether at least
        # k answered at all is the close's own test: issue 19's thirteenth outsider had nine leaders, three at
        # each academy, answer and nothing at all shown)
        counts = dict.fromkeys(asked, 0)
        for group, sums in finest[figure].items():
            for cell in group.cells(shape):
                if cell == TRUST or (group.academy_id, group.staff_type) not in few:
                    counts[cell] += sums.n
        also = shape.hidden | {cell for cell, sums in out.get(responses, {}).items() if sums is None}
        if not _whole_atoms(finest[figure], shape, k, few):
            also = also | {cell for cell in counts if cell.cut in ("staff_type", "service_band")}
        hidden = suppressed_in_tree(counts, equations(counts, shape.type_group), k, asked, also)
        out[figure] = {cell: None if cell in hidden else by_cell.get(cell) for cell in counts}
    return shape, out


def _whole_atoms(groups: dict[Group, Figure], shape: Shape, k: int, few: set[tuple[str, str]]) -> bool:
    """Whether everyone who answered this figure makes atoms of none or at least k. The shape's atoms asked k
    people or more, but not all of them answer, and people skip questions: issue 19's fifth outsider had one of an
    atom's six answer eNPS, and a length-of-service band less an academy was that one person's answer. Where a
    figure splits an atom below k, it is not published across the cuts that cross the tree (the tree's own sums
    hold on their own).

    Those of a lone staff type (`few`: an academy's staff type that asked fewer than k) are not counted towards
    the k, and an atom holding one with nobody else answering fails whether or not they answered: so whether a
    lone leader took part never decides what is shown (issue 19's eleventh outsider)."""
    answered: dict = defaultdict(int)
    for group, sums in groups.items():
        if (group.academy_id, group.staff_type) not in few:
            answered[shape.atom_of[tuple(group)]] += sums.n
    holding_few = {atom for group, atom in shape.atom_of.items() if group[:2] in few}
    return all(answered[atom] >= k or (answered[atom] == 0 and atom not in holding_few)
               for atom in set(shape.atom_of.values()))


def lone_pairs(answers: Iterable[tuple[Group, Scored]], outcome: str, measures: Iterable[str], shape: Shape, k: int,
               scope_of=lambda group: ("",)) -> set[tuple[str, str]]:
    """The (scope, measure) drivers that would single people out: those who answered only one of the measure and
    the outcome (left out of the driver's pairs, though counted in the figures) number, in some atom of the scope,
    more than none and fewer than k. Issue 19's eighth outsider took a trust driver whose left-out were six (five
    at one academy, all answering alike, and one at another), and only one value of that one person's answer made
    r come out as published. `scope_of(group)`: the scopes a respondent counts in."""
    left_out: dict[tuple, int] = defaultdict(int)
    others = [measure for measure in measures if measure != outcome]
    for group, scored in answers:
        keys = {m.key for m in scored.measures}
        atom = shape.atom_of[tuple(group)]
        has_outcome = outcome in keys
        for measure in others:
            if (measure in keys) != has_outcome:
                for scope in scope_of(group):
                    left_out[(scope, measure, atom, has_outcome)] += 1
    return {(scope, measure) for (scope, measure, _, _), n in left_out.items() if 0 < n < k}


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
