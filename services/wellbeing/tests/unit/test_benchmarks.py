"""The benchmark registry's rules and the priorities, without Flask or a database; and its commands against the
fake unit of work (the change, the audit row, and nothing committed when refused)."""
from __future__ import annotations

import uuid

import pytest

from staffroom_shared.errors import Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal
from wellbeing.domain import benchmarks as registry
from wellbeing.domain.benchmarks import Benchmark, BenchmarkError, Candidate
from wellbeing.service import benchmarks

from .fakes import FakeWellbeingUnitOfWork

HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")
OAK_HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "academy_hr"}), academy_id=uuid.uuid4(),
                   subject="oak-hr")
MEASURES = registry.measures()
FIGURE = {"measure": "hse.demands", "statistic": "mean", "value": 3.2, "percentile": 50, "source": "HSE Analysis Tool",
          "year": "2025", "population": "organisations using the Analysis Tool", "licence": "Licensed to the trust"}


def _band(value: float, percentile: int) -> Benchmark:
    return registry.trust_benchmark({**FIGURE, "value": value, "percentile": percentile})


# -- the registry's rules ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"measure": "nothing"}, "measure"),
    ({"value": 0.5}, "value"),                                          # HSE: 1 to 5
    ({"value": float("inf")}, "value"),
    ({"statistic": "percent_favourable", "value": 40}, "statistic"),    # HSE has no favourable range
    ({"measure": "trust.valued", "statistic": "percent_favourable", "value": 101}, "value"),
    ({"measure": "enps", "value": -101}, "value"),                      # eNPS is its score, -100 to 100
    ({"percentile": 0}, "percentile"),
    ({"value": 3.421}, "value"),                                        # more places than anyone publishes
    ({"measure": "trust.valued", "statistic": "percent_favourable", "value": 1e-300}, "value"),
])
def test_a_trust_figure_outside_its_measure_s_scale_is_refused_naming_the_field(change, field):
    with pytest.raises(BenchmarkError) as refused:
        registry.trust_benchmark({**FIGURE, **change})
    assert refused.value.field == field


def test_an_enps_score_and_a_share_favourable_are_accepted_on_their_own_scales():
    assert registry.trust_benchmark({**FIGURE, "measure": "enps", "value": -12, "percentile": None}).value == -12
    share = registry.trust_benchmark({**FIGURE, "measure": "trust.valued", "statistic": "percent_favourable",
                                      "value": 70, "percentile": 75})
    assert share.band == "the top quartile" and not share.built_in


def test_built_in_figures_carry_their_licence_and_cannot_be_changed_or_retired():
    built_in = registry.built_in()
    assert built_in and all(b.licence and b.built_in for b in built_in)
    with pytest.raises(BenchmarkError):
        registry.edited(built_in[0], {"value": 1})
    with pytest.raises(BenchmarkError):
        registry.retire(built_in[0])


def test_the_reference_is_the_trust_s_choice_else_the_newest_built_in_and_never_a_retired_one():
    valued = MEASURES["trust.valued"]
    figures = registry.built_in()
    assert registry.reference(valued, figures).year == "2024 (wave 3)"
    mine = registry.trust_benchmark({**FIGURE, "measure": "trust.valued", "statistic": "percent_favourable",
                                     "value": 70, "percentile": None, "reference": True})
    assert registry.reference(valued, [*figures, mine]) == mine
    assert registry.reference(valued, [*figures, registry.retire(mine)]).built_in
    assert registry.reference(MEASURES["hse.demands"], figures) is None


def test_a_group_is_placed_among_a_source_s_bands_in_words():
    bands = [_band(2.8, 25), _band(3.2, 50), _band(3.6, 75)]
    assert registry.against_bands(3.4, bands) == "between the median and the top quartile"
    assert registry.against_bands(3.9, bands) == "above the top quartile"
    assert registry.against_bands(3.2, bands) == "level with the median"
    assert registry.against_bands(2.1, bands) == "below the bottom quartile"
    assert registry.against_bands(3.4, []) is None
    # by value, as the bands are published, whichever way is better
    assert registry.against_bands(2.5, bands) == "below the bottom quartile"
    assert _band(3.0, 90).band == "the 90th percentile"


def test_bands_come_only_from_the_reference_s_own_source_year_and_population():
    median = _band(3.2, 50)
    other_year = registry.trust_benchmark({**FIGURE, "value": 3.6, "percentile": 75, "year": "2019"})
    assert [b.value for b in registry.bands_for(median, [median, other_year, _band(3.6, 75)])] == [3.2, 3.6]


def test_compare_reads_a_figure_to_the_places_it_was_published_to():
    assert registry.compare(23.18, 23.2, True) == "level with"
    assert registry.compare(3.3, 3.23, False) == "below"
    assert registry.compare(3.454, 3.45, True, places=2) == "level with"
    assert registry.unlike("teachers and leaders in state schools", {"teaching", "support"})
    assert not registry.unlike("teachers and leaders in state schools", {"teaching"})


# -- priorities --------------------------------------------------------------------------------------------------

def _candidate(key: str, comparison="below", pairs=40, r=0.6) -> Candidate:
    return Candidate(MEASURES[key], comparison, pairs, r)


def test_priorities_are_the_lower_measures_most_linked_with_the_outcome_three_at_most():
    focus, note = registry.priorities([
        _candidate("hse.demands", r=0.35), _candidate("hse.control", r=0.62), _candidate("hse.role", r=0.55),
        _candidate("hse.change", r=0.51), _candidate("hse.peer_support", comparison="above", r=0.9),
        _candidate("enps", r=1.0)], MEASURES["enps"])
    assert [f["measure"] for f in focus] == ["hse.control", "hse.role", "hse.change"] and note is None
    assert focus[0]["link"] == "strongly linked with how likely people are to recommend the trust as a place to work"


def test_a_measure_where_lower_is_better_counts_when_it_goes_down_as_the_outcome_goes_up():
    focus, _ = registry.priorities([_candidate("ons.anxiety", r=-0.4), _candidate("hse.role", r=-0.4)],
                                   MEASURES["enps"])
    assert [(f["measure"], f["link"].split()[0]) for f in focus] == [("ons.anxiety", "moderately")]


def test_no_priority_rests_on_a_hidden_figure_a_driver_not_shown_or_fewer_than_thirty_pairs():
    focus, note = registry.priorities([_candidate("hse.demands", comparison=None),
                                       _candidate("hse.role", pairs=None, r=None),
                                       _candidate("hse.control", pairs=29)], MEASURES["enps"])
    assert focus == [] and "at least 30 people" in note
    assert registry.priorities([_candidate("hse.role", comparison="above")], MEASURES["enps"]) == (
        [], "Nothing here is worse than what it is compared with, so there is nothing to single out.")
    assert registry.priorities([_candidate("hse.role", r=0.05)], MEASURES["enps"])[0] == []


def test_a_link_the_unhelpful_way_says_worse_not_lower_and_anxiety_s_sign_turns():
    enps, anxiety, role = MEASURES["enps"], MEASURES["ons.anxiety"], MEASURES["hse.role"]
    assert registry.direction(0.11, anxiety, enps) == "unhelpful"  # more anxiety with a higher eNPS (outsider)
    assert registry.direction(-0.11, anxiety, enps) == "helpful"
    assert registry.direction(0.11, role, enps) == "helpful" and registry.direction(-0.3, role, enps) == "unhelpful"
    assert registry.direction(0.05, role, enps) is None and registry.direction(None, role, enps) is None
    _, note = registry.priorities([_candidate("ons.anxiety", r=0.4)], enps)
    assert note.startswith("None of the figures that are worse goes clearly with the outcome the helpful way")


# -- commands ----------------------------------------------------------------------------------------------------

def test_trust_hr_add_edit_and_retire_a_figure_each_audited():
    uow = FakeWellbeingUnitOfWork(HR.actor)
    added = benchmarks.add(uow, HR, {**FIGURE, "reference": True})
    assert added["in_use"] and added["band"] == "the median"
    edited = benchmarks.edit(uow, HR, uuid.UUID(added["id"]), {"value": 3.5})
    assert edited["value"] == 3.5 and edited["percentile"] == 50
    second = benchmarks.add(uow, HR, {**FIGURE, "value": 3.9, "percentile": 75, "reference": True})
    assert not uow.benchmarks.get(added["id"]).reference and uow.benchmarks.get(second["id"]).reference
    assert benchmarks.retire(uow, HR, uuid.UUID(added["id"]))["retired"]
    assert [a["action"] for a in uow.audits] == ["add", "edit", "add", "retire"] and not uow.published


def test_a_refused_figure_or_caller_commits_nothing():
    uow = FakeWellbeingUnitOfWork(HR.actor)
    with pytest.raises(Unprocessable):
        benchmarks.add(uow, HR, {**FIGURE, "value": 9})
    with pytest.raises(Forbidden):
        benchmarks.add(uow, OAK_HR, FIGURE)
    with pytest.raises(NotFound):
        benchmarks.edit(uow, HR, uuid.uuid4(), {"value": 3})
    added = benchmarks.add(uow, HR, FIGURE)
    with pytest.raises(Unprocessable):
        benchmarks.edit(uow, HR, uuid.UUID(added["id"]), {"value": 0})
    assert uow.benchmarks.get(added["id"]).value == 3.2 and len(uow.audits) == 1 and uow.commits == 1
