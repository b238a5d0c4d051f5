"""Which figures a report may show: the minimum group size, complementary suppression, and groups that cross.

A report shows groups at five cuts (the "group" DESIGN.md asks us to define):
    trust; academy; academy × staff type            (one tree: each group lies inside the one above it)
    staff type across the trust; length of service across the trust   (these cross the tree)
Those cuts are tied by sums, and each sum is a way to subtract one report from another:
    trust = Σ academies = Σ staff types = Σ service bands;  academy = Σ its staff types;
    staff type = Σ academies' cells of that staff type.
Primary suppression hides every group of fewer than k respondents. Secondary (complementary) suppression
then makes every sum whose total is shown either hide nothing, or hide at least two groups with at least k
respondents between them, so subtracting what is shown from the total reveals nobody and no group below k.
Hiding one more group can break another sum, so it repeats until every sum holds (it only ever hides more,
so it ends). Every group the run asked is a cell, with 0 where nobody answered: a lone leader's cell is then
hidden, and hides the same others, whether they answered or not, so what is hidden does not say who took part
(issue 19's tenth outsider). This is the standard row-and-column rule of statistical disclosure control, applied
per figure (people skip different questions).

That rule holds each sum on its own. It does not hold against all the sums at once: issue 19's outsiders
solved every published distribution together (an integer programme) and, because the groups that cross the
tree split its hidden pools, pinned a lone leader's answers. So the cuts that cross are published only in a
shape that cannot split anyone off (`publishable`): the tree's shown cells and hidden pools are "blocks";
staff types are merged where a pool mixes them ("support staff and leaders"), and length-of-service bands are
merged into ranges until every block's share of each range invited none or at least k (the shape is drawn from
who was asked, never from who answered). A figure is published across those cuts only where each of these
"atoms" (a block's share of a range) has none or at least k answering it. Then every such figure is a sum of
whole atoms of at least k people each, and no combination of figures, however solved, can tell apart the
people inside an atom.
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


def equations(cells: Iterable[Cell], type_group: dict[str, str] | None = None) -> list[tuple[Cell, list[Cell]]]:
    """Each (total, parts) sum among these cells (`type_group`: which published staff-type group each type is in)."""
    by_cut: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_cut[cell.cut].append(cell)
    sums = [(TRUST, by_cut["academy"]), (TRUST, by_cut["staff_type"]), (TRUST, by_cut["service_band"])]
    of_academy: dict[str, list[Cell]] = defaultdict(list)
    of_type: dict[str, list[Cell]] = defaultdict(list)
    for cell in by_cut["academy_staff_type"]:
        of_academy[cell.academy_id].append(cell)
        of_type[(type_group or {}).get(cell.staff_type, cell.staff_type)].append(cell)
    sums += [(Cell("academy", academy_id=a), parts) for a, parts in of_academy.items()]
    sums += [(Cell("staff_type", staff_type=t), parts) for t, parts in of_type.items()]
    return sums


class Shape(NamedTuple):
    """How the cuts that cross the tree are published: each staff type's and each band's group (a label joining
    its members with "+"); a cut whose types or bands all fall in one group is not published (it is the trust).
    `hidden`: the tree's cells every figure must hide, so that each published cell is a sum of whole atoms."""

    type_group: dict[str, str]
    band_group: dict[str, str]
    hidden: frozenset = frozenset()
    atom_of: dict = {}  # (academy, staff type, band) -> its atom: (block, range); each atom holds none or k or more

    @property
    def shows_staff_types(self) -> bool:
        return len(set(self.type_group.values())) > 1

    @property
    def shows_bands(self) -> bool:
        return len(set(self.band_group.values())) > 1


def publishable(invited: dict[tuple[str, str, str], int], answered: dict[tuple[str, str, str], int], k: int,
                staff_types: tuple[str, ...], bands: tuple[str, ...]) -> Shape:
    """The finest shape of the crossing cuts in which every published figure is a sum of whole atoms of at least k
    people. `invited` and `answered`: people invited and respondents per (academy, staff type, band).

    Which cells of the tree are hidden follows the respondents, as every figure's suppression does (it is what
    the published counts already say). How the staff types and bands are grouped follows only who was invited:
    issue 19's tenth outsider saw "support staff and leaders" merged where a lone leader had answered and apart
    where they had not, so a shape drawn from respondents said who took part. Atoms are then at least k invited
    people; a figure answered by fewer than k of an atom is not published across the crossing cuts (tally)."""
    tree: dict[Cell, int] = defaultdict(int)
    asked: dict[Cell, int] = defaultdict(int)
    few = lone(invited, k)
    for (academy, staff_type, band) in invited.keys() | answered.keys():
        for cell in (TRUST, Cell("academy", academy), Cell("academy_staff_type", academy, staff_type)):
            lone_here = (academy, staff_type) in few and cell != TRUST  # the whole run counts everyone
            tree[cell] += 0 if lone_here else answered.get((academy, staff_type, band), 0)
            asked[cell] += invited.get((academy, staff_type, band), 0)
    hidden = suppressed_in_tree(tree, equations(tree), k, asked)
    blocks: dict[tuple, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    block_of = {}
    # who was asked; a ballot whose group its run did not ask (its invitation's group is stored with it, so only
    # from data made some other way, as the benchmark's is) still has an atom rather than stopping the close
    for (academy, staff_type, band) in invited.keys() | answered.keys():
        n = max(invited.get((academy, staff_type, band), 0), answered.get((academy, staff_type, band), 0))
        if n == 0:
            continue
        if Cell("academy", academy) in hidden:
            block = ("hidden academies",)
        elif Cell("academy_staff_type", academy, staff_type) in hidden:
            block = ("hidden in", academy)
        else:
            block = ("shown", academy, staff_type)
        blocks[block][(staff_type, band)] += n
        block_of[(academy, staff_type, band)] = block
    type_group = next(grouping for grouping in _partitions(staff_types)
                      if all(len({grouping[t] for t, _ in members}) == 1 for members in blocks.values()))
    # a block that asked fewer than k in all (a run of one academy's one leader) has no ranges: the cut is not shown
    band_group = next((grouping for grouping in _ranges(bands)
                       if all(all(n == 0 or n >= k for n in _by(members, grouping).values())
                              for members in blocks.values())), {band: "+".join(bands) for band in bands})
    type_group, band_group = (_one_unless_split(grouping, {group[i] for group in block_of}, items)
                              for i, grouping, items in ((1, type_group, staff_types), (2, band_group, bands)))
    atom_of = {group: (block, band_group[group[2]]) for group, block in block_of.items()}
    return Shape(type_group, band_group, frozenset(hidden), atom_of)


def _one_unless_split(grouping: dict[str, str], asked: set[str], items: tuple[str, ...]) -> dict[str, str]:
    """`grouping`, or all in one group where those asked all fall in one (a survey of support staff alone has
    one staff-type group, which is everyone asked: a cut of it would be the trust)."""
    if len({grouping[item] for item in asked}) > 1:
        return grouping
    return {item: "+".join(items) for item in items}


def _by(members: dict[tuple[str, str], int], grouping: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for (_, band), n in members.items():
        out[grouping[band]] += n
    return out


def _partitions(items: tuple[str, ...]):
    """Every way to group these, finest first (as {item: label}); ties keep earlier items apart longest."""
    def split(rest):
        if not rest:
            yield []
            return
        first, others = rest[0], rest[1:]
        for grouping in split(others):
            yield [[first], *grouping]
            for i in range(len(grouping)):
                yield [*grouping[:i], [first, *grouping[i]], *grouping[i + 1:]]
    found = sorted(split(list(items)), key=lambda g: -len(g))
    for grouping in found:
        yield {item: "+".join(sorted(group, key=items.index)) for group in grouping for item in group}


def _ranges(bands: tuple[str, ...]):
    """Every way to merge neighbouring bands into ranges, finest first (as {band: label})."""
    n = len(bands)
    cuts = [[i for i in range(1, n) if mask >> (i - 1) & 1] for mask in range(2 ** (n - 1))]
    for chosen in sorted(cuts, key=lambda c: -len(c)):
        edges = [0, *chosen, n]
        grouping = {}
        for lo, hi in zip(edges, edges[1:]):
            label = "+".join(bands[lo:hi])
            grouping.update({band: label for band in bands[lo:hi]})
        yield grouping


def lone(invited: dict[tuple[str, str, str], int], k: int) -> set[tuple[str, str]]:
    """The (academy, staff type)s that asked fewer than k people: whether any of them took part must never decide
    what is hidden, so what is hidden is worked out without counting them (they are in every figure shown)."""
    asked: dict[tuple[str, str], int] = defaultdict(int)
    for (academy, staff_type, _), n in invited.items():
        asked[(academy, staff_type)] += n
    return {key for key, n in asked.items() if n < k}


def suppressed(counts: dict[Hashable, int], sums: list[tuple[Hashable, list[Hashable]]], k: int,
               asked: dict[Hashable, int], also: Iterable[Hashable] = ()) -> set:
    """The cells to hide, given each cell's count of respondents (every group asked, those where nobody answered
    with 0) and of people asked, starting from those under k and any the caller must hide (`also`).

    The counts leave out those of a `lone` staff type, and the part hidden next is the one that asked the fewest
    people (not the one fewest answered), so which cells are hidden never turns on whether someone in a group
    smaller than k took part. Issue 19's eleventh outsider had an academy of ten teachers, five support staff and
    one leader: with four teachers and the leader answering, the hidden teachers and leader held five and support
    staff were shown; without the leader, four, and support staff were hidden too. Which was hidden said whether
    the leader had answered."""
    hidden = {cell for cell, n in counts.items() if n < k} | {cell for cell in also if cell in counts}

    def fewest(cells):
        return min(cells, key=lambda p: (asked.get(p, 0), repr(p)))

    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            if total not in counts:
                continue
            present = [p for p in parts if p in counts]
            if total in hidden:
                # a hidden total whose parts are all shown is their sum (an academy of one staff type is that
                # type's cell: issue 19's seventh outsider saw the academy hidden and the same figures shown)
                if present and not any(p in hidden for p in present):
                    hidden.add(fewest(present))
                    changed = True
                continue
            gone = [p for p in present if p in hidden]
            # fine: nothing hidden; or two or more hidden with at least k between them, or all of the parts (then
            # what is hidden is the shown total itself, which subtracts to nothing smaller)
            if not gone or (len(gone) >= 2 and (len(gone) == len(present) or sum(counts[p] for p in gone) >= k)):
                continue
            shown = [p for p in present if p not in hidden]
            hidden.add(fewest(shown) if shown else total)  # the shown part that asked fewest; failing that, the total
            changed = True
    return hidden


def suppressed_in_tree(counts: dict[Cell, int], sums: list[tuple[Cell, list[Cell]]], k: int,
                       asked: dict[Cell, int], also: Iterable[Cell] = ()) -> set:
    """`suppressed`, where a hidden academy hides every staff type's cell in it too (and the sums are held again,
    until nothing more is hidden). Each sum holding on its own is not enough in the tree: issue 19's ninth
    outsider took the trust less a shown academy (the hidden academies' pool) less a hidden academy's one shown
    staff type, and had the two answers left in it."""
    hidden = suppressed(counts, sums, k, asked, also)
    while True:
        inside = {cell for cell in counts if cell.cut == "academy_staff_type"
                  and Cell("academy", cell.academy_id) in hidden} - hidden
        if not inside:
            return hidden
        hidden = suppressed(counts, sums, k, asked, hidden | inside)


def driver_shown(pairs: int, measure_n: int | None, outcome_n: int | None, k: int) -> bool:
    """Whether a driver (a measure's correlation with the outcome over the `pairs` people who answered both) may be
    shown for a group: only where the measure's and the outcome's own figures are shown there (`measure_n`,
    `outcome_n`: their counts, None if hidden), and the pairs are the same people as each or differ by at least k.
    Issue 19's seventh outsider read a hidden group's count, and with r its answers, from a driver over a group
    whose figure was hidden; and one person's answer from a driver whose n was one short of the measure's."""
    if measure_n is None or outcome_n is None or pairs < k:
        return False
    return all(d == 0 or d >= k for d in (measure_n - pairs, outcome_n - pairs))


def comparable(series: list[tuple[int, int, int]], changed=lambda i, j: 0) -> list[bool]:
    """Which points of a figure's series over runs (oldest first; each its count n, its run's minimum group k and
    how many of the group's respondents skipped it, None if not known) may be shown beside the others;
    `changed(i, j)`: how many people answered one of runs i and j and not the other (None: not known, so not
    compared).

    Two runs' figures for a group subtract to the answers of the people who came or went in between: if one person
    left and the rest answered as before, the difference is that person's answer. So a point is shown only if, with
    every earlier point shown, its count is the same or differs by at least the minimum group (the rule TalentMap
    and others apply to year-on-year comparisons), and the people who answered are the same or differ by at least
    the minimum group (equal counts do not mean the same people: one leaver and one joiner keep the count, and
    their difference is two people's answers). Who answered the figure, not just the survey: someone who skipped
    the question in one run and answered it in the other counts as a change too, so the change is at most those
    who came or went plus those who skipped it in either run, and if that is under the minimum group the point is
    withheld (one person answering eNPS where another skipped it, with everyone else the same, is two people's
    answers). The others are withheld from the comparison, though each run's own report shows its own figure.
    """
    shown: list[int] = []
    out = []
    for i, (n, k, skipped) in enumerate(series):
        ok = True
        for j in shown:
            m, kj, skipped_j = series[j]
            least = max(k, kj)
            people = changed(i, j)
            if people is None or skipped is None or skipped_j is None or any(
                    0 < d < least for d in (abs(n - m), people, people + skipped + skipped_j)):
                ok = False
        if ok:
            shown.append(i)
        out.append(ok)
    return out
