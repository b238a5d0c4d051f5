"""Which figures a report may show: the minimum group size, and complementary suppression.

A report shows groups at five cuts (the "group" DESIGN.md asks us to define):
    trust; academy; staff type; length-of-service band; academy × staff type.
Those cuts are tied by sums, and each sum is a way to subtract one report from another:
    trust = Σ academies = Σ staff types = Σ service bands;  academy = Σ its staff types;
    staff type = Σ academies' cells of that staff type.
Primary suppression hides every group of fewer than k respondents. Secondary (complementary) suppression
then makes every sum whose total is shown either hide nothing, or hide at least two groups with at least k
respondents between them, so subtracting what is shown from the total reveals nobody and no group below k.
Hiding one more group can break another sum, so it repeats until every sum holds (it only ever hides more,
so it ends). Groups with no respondents are not cells at all: "nobody" discloses nothing.

This is the standard row-and-column rule of statistical disclosure control, applied per figure (each item
and measure has its own counts, because people may skip questions).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Iterable, NamedTuple


class Cell(NamedTuple):
    cut: str
    academy_id: str | None = None
    staff_type: str | None = None
    service_band: str | None = None


TRUST = Cell("trust")
CUTS = ("trust", "academy", "staff_type", "service_band", "academy_staff_type")


def equations(cells: Iterable[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """Each (total, parts) sum among these cells."""
    by_cut: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_cut[cell.cut].append(cell)
    sums = [(TRUST, by_cut["academy"]), (TRUST, by_cut["staff_type"]), (TRUST, by_cut["service_band"])]
    of_academy: dict[str, list[Cell]] = defaultdict(list)
    of_type: dict[str, list[Cell]] = defaultdict(list)
    for cell in by_cut["academy_staff_type"]:
        of_academy[cell.academy_id].append(cell)
        of_type[cell.staff_type].append(cell)
    sums += [(Cell("academy", academy_id=a), parts) for a, parts in of_academy.items()]
    sums += [(Cell("staff_type", staff_type=t), parts) for t, parts in of_type.items()]
    return sums


def suppressed(counts: dict[Hashable, int], sums: list[tuple[Hashable, list[Hashable]]], k: int) -> set:
    """The cells to hide, given each cell's count of respondents (cells with none are left out)."""
    hidden = {cell for cell, n in counts.items() if n < k}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            if total not in counts or total in hidden:
                continue  # an absent or hidden total cannot be subtracted from
            present = [p for p in parts if counts.get(p, 0) > 0]
            gone = [p for p in present if p in hidden]
            if not gone or (len(gone) >= 2 and sum(counts[p] for p in gone) >= k):
                continue
            shown = sorted((p for p in present if p not in hidden), key=lambda p: (counts[p], repr(p)))
            hidden.add(shown[0] if shown else total)  # the smallest shown part; failing that, the total itself
            changed = True
    return hidden


def comparable(series: list[tuple[int, int]]) -> list[bool]:
    """Which points of a figure's series over runs (oldest first; each its count n and its run's minimum group k)
    may be shown beside the others.

    Two runs' figures for a group subtract to the answers of the people who came or went in between: if one person
    left and the rest answered as before, the difference is that person's answer. So a point is shown only if its
    count equals, or differs by at least the minimum group from, the count of every earlier point shown (the rule
    TalentMap and others apply to year-on-year comparisons); the others are withheld from the comparison, though
    each run's own report still shows its figure.
    """
    shown: list[tuple[int, int]] = []
    out = []
    for n, k in series:
        ok = all(n == m or abs(n - m) >= max(k, j) for m, j in shown)
        if ok:
            shown.append((n, k))
        out.append(ok)
    return out
