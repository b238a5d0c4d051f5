"""Investment in development against job satisfaction: each academy's CPD spend and hours per head between two
surveys beside the change in its job satisfaction (and in "useful development"), and, pair by pair of academies,
whether the one that invested more per head saw the better change."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from .targets import Figure

SATISFACTION_FIGURE = "trust.satisfied"   # "I am satisfied with my job": its % favourable
USEFUL_FIGURE = "development.useful"      # "I have had useful development this year" (optional question set)
# Fewer academies compared than this is too little data: one pair is all or nothing, and says nothing of a trend.
MIN_COMPARED_GROUPS = 3
PENNY, TENTH = Decimal("0.01"), Decimal("0.1")


@dataclass(frozen=True)
class Change:
    """One survey figure's % favourable for a group in the earlier and the later survey, and how many answered."""

    before: float
    after: float
    answered_before: int
    answered: int

    @property
    def points(self) -> Decimal:
        """Percentage points, exactly as the two shown figures subtract (65.0 - 60.0 is 5.0)."""
        return Decimal(str(self.after)) - Decimal(str(self.before))


def per_head(amount: Decimal, heads: int, places: Decimal) -> Decimal:
    """An amount per member of staff, rounded half up to `places` (a penny, a tenth of an hour)."""
    return (Decimal(amount) / heads).quantize(places, ROUND_HALF_UP)


@dataclass(frozen=True)
class Group:
    """An academy compared between the two surveys: its CPD in between, its staff, its changes (useful: None where
    the question was not asked in both or its change may not be shown)."""

    academy_id: uuid.UUID
    spent: Decimal
    hours: Decimal
    heads: int
    satisfaction: Change
    useful: Change | None = None

    @property
    def spend_per_head(self) -> Decimal:
        return per_head(self.spent, self.heads, PENNY)

    @property
    def hours_per_head(self) -> Decimal:
        return per_head(self.hours, self.heads, TENTH)

    def invested_more_than(self, other: Group) -> bool:
        """Spend per head compared exactly (spent / heads > other's), not as rounded to the penny."""
        return self.spent * other.heads > other.spent * self.heads


def in_line(more: Group, less: Group) -> bool:
    """For two academies, `more` having spent more per head: its job satisfaction changed at least as well as the
    other's (rose more, or fell less), and so did "useful development" where both compared it."""
    if more.satisfaction.points < less.satisfaction.points:
        return False
    return more.useful is None or less.useful is None or more.useful.points >= less.useful.points


def judged_pairs(groups: list[Group]) -> list[tuple[Group, Group]]:
    """Every pair of academies whose spend per head differs, the one that spent more first (a tie says nothing)."""
    found = []
    for a, b in combinations(groups, 2):
        if a.invested_more_than(b):
            found.append((a, b))
        elif b.invested_more_than(a):
            found.append((b, a))
    return found


def figures(groups: list[Group], by_staff_type: dict | None = None) -> dict[uuid.UUID | None, Figure]:
    """The trust's figure (key None): of the judged pairs, how many are in line; each academy's: the pairs it is in.
    With fewer than MIN_COMPARED_GROUPS academies compared there is too little data: 0 of 0 everywhere. Each figure
    carries what the page draws (`investment`): how many academies and people were compared, each academy's spend,
    hours and changes, from which a reader can count the pairs by hand, and spend and hours per head by staff type
    across them (`by_staff_type`: {staff type: (spent, hours, staff)}; satisfaction is not compared by staff type)."""
    too_little = len(groups) < MIN_COMPARED_GROUPS
    pairs = [] if too_little else judged_pairs(groups)
    summary = {"groups_compared": len(groups), "min_groups": MIN_COMPARED_GROUPS, "too_little_data": too_little,
               "people": sum(g.satisfaction.answered for g in groups),
               "people_before": sum(g.satisfaction.answered_before for g in groups),
               "points": [point(g) for g in sorted(groups, key=lambda g: (-g.spend_per_head, str(g.academy_id)))],
               "staff_types": [{"staff_type": kind, "staff": heads, "spend_per_head": float(per_head(spent, heads, PENNY)),
                                "hours_per_head": float(per_head(hours, heads, TENTH))}
                               for kind, (spent, hours, heads) in sorted((by_staff_type or {}).items()) if heads]}
    found = {None: Figure(None, sum(in_line(m, less) for m, less in pairs), len(pairs), investment=summary)}
    for g in groups:
        own = [(m, less) for m, less in pairs if g in (m, less)]
        found[g.academy_id] = Figure(g.academy_id, sum(in_line(m, less) for m, less in own), len(own),
                                     investment=summary)
    return found


def point(g: Group) -> dict:
    """One academy as the chart shows it."""
    def change(c: Change | None) -> dict | None:
        return None if c is None else {"before": c.before, "after": c.after, "points": float(c.points),
                                       "answered_before": c.answered_before, "answered": c.answered}
    return {"academy_id": g.academy_id, "staff": g.heads, "spend_per_head": float(g.spend_per_head),
            "hours_per_head": float(g.hours_per_head), "satisfaction": change(g.satisfaction),
            "useful": change(g.useful)}
