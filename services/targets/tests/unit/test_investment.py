"""satisfaction_with_investment's rule (domain/investment.py): pairs of academies, the one that spent more per head
in line when its satisfaction (and useful development) changed at least as well; too little data below three."""
from __future__ import annotations

import uuid
from decimal import Decimal

from targets.domain.investment import MIN_COMPARED_GROUPS, Change, Group, figures, in_line, judged_pairs

OAK, ASH, ELM, YEW = (uuid.UUID(int=i) for i in range(1, 5))


def group(academy_id, spent, heads, before, after, useful=None, hours="0") -> Group:
    return Group(academy_id, Decimal(spent), Decimal(hours), heads, Change(before, after, 20, 20),
                 None if useful is None else Change(*useful, 20, 20))


def test_more_spend_with_a_rise_at_least_as_large_is_in_line_and_a_smaller_one_is_not():
    less = group(ASH, "1000", 10, 60.0, 62.0)       # £100 a head, +2 points
    assert in_line(group(OAK, "2000", 10, 60.0, 62.0), less)       # +2 against +2: no worse
    assert in_line(group(OAK, "2000", 10, 60.0, 65.0), less)       # +5
    assert not in_line(group(OAK, "2000", 10, 60.0, 61.9), less)   # +1.9: a tenth worse
    assert in_line(group(OAK, "2000", 10, 60.0, 59.0), group(ASH, "0", 10, 60.0, 55.0))  # fell less


def test_points_are_the_shown_figures_subtracted_exactly():
    # in floats 65.1 - 60.0 and 70.1 - 65.0 differ in the last place; the shown figures both say 5.1
    assert in_line(group(OAK, "2000", 10, 60.0, 65.1), group(ASH, "1000", 10, 65.0, 70.1))
    assert in_line(group(OAK, "2000", 10, 65.0, 70.1), group(ASH, "1000", 10, 60.0, 65.1))


def test_useful_development_must_also_change_at_least_as_well_where_both_compared_it():
    less = group(ASH, "1000", 10, 60.0, 60.0, useful=(50.0, 55.0))
    assert not in_line(group(OAK, "2000", 10, 60.0, 70.0, useful=(50.0, 52.0)), less)
    assert in_line(group(OAK, "2000", 10, 60.0, 70.0, useful=(50.0, 55.0)), less)
    assert in_line(group(OAK, "2000", 10, 60.0, 70.0), less)  # not compared at one of them: satisfaction alone


def test_spend_per_head_is_compared_exactly_and_a_tie_is_not_judged():
    a = group(OAK, "1000", 3, 60.0, 70.0)   # £333.33... a head
    b = group(ASH, "2000", 6, 60.0, 50.0)   # the same exactly
    c = group(ELM, "1000.01", 3, 60.0, 50.0)  # a third of a penny a head more
    assert [(m.academy_id, less.academy_id) for m, less in judged_pairs([a, b, c])] == [(ELM, OAK), (ELM, ASH)]


def test_the_trust_counts_every_pair_and_an_academy_the_pairs_it_is_in():
    groups = [group(OAK, "3000", 10, 60.0, 66.0, hours="60"), group(ASH, "2000", 10, 60.0, 64.0),
              group(ELM, "1000", 10, 60.0, 65.0)]
    found = figures(groups)
    # OAK>ASH in line (+6 vs +4), OAK>ELM in line (+6 vs +5), ASH>ELM not (+4 vs +5)
    assert {a: (f.numerator, f.denominator) for a, f in found.items()} == {
        None: (2, 3), OAK: (2, 2), ASH: (1, 2), ELM: (1, 2)}
    summary = found[None].investment
    assert (summary["groups_compared"], summary["people"], summary["too_little_data"]) == (3, 60, False)
    assert [(p["academy_id"], p["spend_per_head"], p["hours_per_head"], p["satisfaction"]["points"])
            for p in summary["points"]] == [(OAK, 300.0, 6.0, 6.0), (ASH, 200.0, 0.0, 4.0), (ELM, 100.0, 0.0, 5.0)]


def test_spend_and_hours_per_head_by_staff_type_are_rounded_half_up_and_empty_types_left_out():
    found = figures([group(OAK, "3000", 10, 60.0, 66.0)], {
        "teaching": (Decimal("1000"), Decimal("25"), 3), "support": (Decimal("0.05"), Decimal("0"), 2),
        "leadership": (Decimal("500"), Decimal("0"), 0)})
    assert found[None].investment["staff_types"] == [
        {"staff_type": "support", "staff": 2, "spend_per_head": 0.03, "hours_per_head": 0.0},
        {"staff_type": "teaching", "staff": 3, "spend_per_head": 333.33, "hours_per_head": 8.3}]


def test_fewer_than_three_academies_compared_is_too_little_data():
    assert MIN_COMPARED_GROUPS == 3
    found = figures([group(OAK, "3000", 10, 60.0, 66.0), group(ASH, "2000", 10, 60.0, 64.0)])
    assert {a: (f.numerator, f.denominator) for a, f in found.items()} == {None: (0, 0), OAK: (0, 0), ASH: (0, 0)}
    assert found[None].investment["too_little_data"] and len(found[None].investment["points"]) == 2
    assert figures([])[None].investment["groups_compared"] == 0


def test_academies_that_all_spent_the_same_per_head_leave_nothing_to_judge():
    found = figures([group(a, "1000", 10, 60.0, 60.0 + i) for i, a in enumerate((OAK, ASH, ELM, YEW))])
    assert (found[None].numerator, found[None].denominator, found[None].value) == (0, 0, None)
