"""The results page's summary sorts each measure by how it compares with every national figure it has."""
from __future__ import annotations

from staffroom_portal.views import survey_results


def _bench(value, comparison, population):
    return {"statistic": "mean", "value": value, "comparison": comparison, "year": "2010–2013",
            "population": population, "source": "Ng Fat et al. (2017)"}


def test_a_figure_worse_than_one_norm_and_better_than_the_other_is_between_not_worse():
    """Outsider, issue 20: 23.30 against 23.7 (men) and 23.2 (women) was listed under "Worse than the national
    figure" while its own section said worse than one and better than the other."""
    instruments = [{"key": "swemwbs", "measures": [{"key": "swemwbs.metric", "method": "sum", "benchmarks": [
        _bench(23.7, None, "adults in England: men")]}]}]
    measure = {"key": "swemwbs.metric", "title": "Mental wellbeing", "higher_is_better": True, "suppressed": False,
               "n": 40, "mean": 23.3, "favourable": None,
               "benchmarks": [_bench(23.7, "below", "adults in England: men"),
                              _bench(23.2, "above", "adults in England: women")]}
    report = {"groups": [{"cut": "trust", "suppressed": False, "responses": 40, "invited": 50, "measures": [measure]}]}
    found = survey_results.summary(report, instruments, {"staff_types": []})
    assert found["worse"] == [] and found["better"] == []
    assert found["other"] == ["Mental wellbeing: 23.30 here; nationally 23.7 (men), 23.2 (women), 2010–2013 (ours is "
                              "worse than the figure for men, better than the figure for women)"]
    one = {**measure, "benchmarks": [_bench(23.7, "below", "adults in England: men"),
                                     _bench(23.2, "below", "adults in England: women")], "mean": 22.0}
    report["groups"][0]["measures"] = [one]
    assert survey_results.summary(report, instruments, {"staff_types": []})["worse"][0].startswith("Mental wellbeing")
