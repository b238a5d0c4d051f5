"""Adding answers up into every group of the report, checked against counting by hand."""
from __future__ import annotations

from wellbeing.domain.disclosure import Cell, Shape, comparable
from wellbeing.domain.scoring import Scored, ScoredItem, ScoredMeasure
from wellbeing.domain.tally import Group, cells, correlations, tally

EVERY_CUT = Shape({"teaching": "teaching", "support": "support", "leadership": "leadership"},
                  {b: b for b in ("under_2_years", "2_to_5_years", "5_to_10_years", "10_years_plus")})

OAK, ELM = "oak", "elm"


def _answer(value: int, favourable: bool | None, measure: float) -> Scored:
    return Scored(items=(ScoredItem("hse.1", value, 6 - value, favourable),),
                  measures=(ScoredMeasure("hse.demands", measure, favourable),), comments=())


def test_each_cut_adds_up_the_groups_it_covers():
    answers = [(Group(OAK, "teaching", "under_2_years"), _answer(1, True, 4.0)),
               (Group(OAK, "support", "under_2_years"), _answer(2, False, 3.0)),
               (Group(ELM, "teaching", "10_years_plus"), _answer(5, None, 1.0)),
               (Group(ELM, "teaching", "10_years_plus"), _answer(4, True, 2.0))]
    figures = cells(tally(answers), EVERY_CUT)
    people = {cell: f.n for cell, f in figures[("responses", "responses")].items()}
    assert people == {Cell("trust"): 4, Cell("academy", OAK): 2, Cell("academy", ELM): 2,
                      Cell("staff_type", staff_type="teaching"): 3, Cell("staff_type", staff_type="support"): 1,
                      Cell("service_band", service_band="under_2_years"): 2,
                      Cell("service_band", service_band="10_years_plus"): 2,
                      Cell("academy_staff_type", OAK, "teaching"): 1, Cell("academy_staff_type", OAK, "support"): 1,
                      Cell("academy_staff_type", ELM, "teaching"): 2}
    item = figures[("item", "hse.1")]
    trust = item[Cell("trust")]
    assert (trust.n, trust.mean) == (4, (5 + 4 + 1 + 2) / 4)  # scores, reversed: 6 - answer
    assert trust.percent_favourable == 100 * 2 / 3  # one answer has no favourable range
    assert trust.distribution == {"1": 1, "2": 1, "5": 1, "4": 1}
    elm = figures[("measure", "hse.demands")][Cell("academy", ELM)]
    assert (elm.n, elm.mean, elm.percent_favourable) == (2, 1.5, 100.0)


def test_no_answers_make_no_figures():
    assert cells(tally([]), EVERY_CUT) == {}


def test_a_trend_point_whose_count_moved_by_fewer_than_the_minimum_is_withheld():
    k = 5
    # 20 answered; one left (19): the difference would be that one person's answers
    assert comparable([(20, k, 0), (19, k, 0)]) == [True, False]
    # the same count, or a change of at least k, may be compared
    assert comparable([(20, k, 0), (20, k, 0), (25, k, 0), (14, k, 0)]) == [True, True, True, True]
    # a point is checked against every point shown before it, not only the one before
    assert comparable([(20, k, 0), (26, k, 0), (22, k, 0)]) == [True, True, False]
    # a run that raised its minimum group is held to it
    assert comparable([(20, 5, 0), (27, 10, 0)]) == [True, False]
    # the same count is not the same people: one left and one joined, and their difference is two people's answers
    swapped = {(1, 0): 2}
    assert comparable([(20, k, 0), (20, k, 0)], lambda i, j: swapped.get((i, j), 0)) == [True, False]
    assert comparable([(20, k, 0), (20, k, 0)], lambda i, j: 6) == [True, True]  # six came and went: compared
    assert comparable([(20, k, 0), (20, k, 0)], lambda i, j: None) == [True, False]  # nobody counted them: not compared


def test_a_trend_point_is_withheld_where_those_who_skipped_the_question_could_be_a_few_different_people():
    """Issue 19's fourth outsider: the same ten answered both surveys; one skipped eNPS in the first and another in
    the second, so each figure counted nine and the difference was one person's 0 against another's 10."""
    k = 5
    assert comparable([(9, k, 1), (9, k, 1)]) == [True, False]
    assert comparable([(10, k, 0), (10, k, 0)]) == [True, True]  # the same people answered it both times
    assert comparable([(17, k, 3), (17, k, 3)]) == [True, True]  # six skips: at least k, as for leavers
    assert comparable([(17, k, 3), (17, k, 3)], lambda i, j: 2) == [True, False]  # two left: still withheld


def _measures(**values) -> Scored:
    return Scored(items=(), measures=tuple(ScoredMeasure(k.replace("_", "."), v, None) for k, v in values.items()),
                  comments=())


def test_drivers_are_pearson_s_r_over_the_people_who_answered_both():
    answers = [_measures(enps=100.0, hse_demands=5.0, ons_happy=7.0), _measures(enps=-100.0, hse_demands=1.0),
               _measures(enps=0.0, hse_demands=3.0, ons_happy=7.0), _measures(hse_demands=2.0)]  # no outcome
    found = correlations(answers, "enps", minimum=2)
    assert found["hse.demands"][0] == 3 and round(found["hse.demands"][1], 6) == 1.0  # a straight line
    assert found["ons.happy"] == (2, None)  # it did not vary: no correlation to speak of
    assert correlations(answers, "enps", minimum=4) == {}  # nobody's pairs below the minimum group


def test_a_trend_point_is_not_compared_where_who_skipped_it_is_not_known():
    """Where a group's count of respondents is hidden, how many skipped a question is not known: no comparison."""
    assert comparable([(20, 5, 0), (20, 5, None)], lambda i, j: 0) == [True, False]
    assert comparable([(20, 5, None)], lambda i, j: 0) == [True]  # one run alone is not a comparison
