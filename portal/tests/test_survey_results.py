"""The results page's summary sorts each measure by how it compares with its national figure, named for whom it is."""
from __future__ import annotations

from staffroom_portal.views import survey_results

ALL_ADULTS = "all adults aged 16+ in England (Health Survey for England 2010–2013, n = 27,169)"


def _bench(value, comparison, population=ALL_ADULTS):
    return {"statistic": "mean", "value": value, "comparison": comparison, "year": "2010–2013",
            "population": population, "source": "Ng Fat et al. (2017)"}


def _summary(mean, *benchmarks, staff_types=()):
    instruments = [{"key": "swemwbs", "measures": [{"key": "swemwbs.metric", "method": "sum",
                                                    "benchmarks": list(benchmarks)}]}]
    measure = {"key": "swemwbs.metric", "title": "Mental wellbeing", "higher_is_better": True, "suppressed": False,
               "n": 40, "mean": mean, "favourable": None, "benchmarks": list(benchmarks)}
    report = {"groups": [{"cut": "trust", "suppressed": False, "responses": 40, "invited": 50, "measures": [measure]}]}
    return survey_results.summary(report, instruments, {"staff_types": list(staff_types)})


def test_each_verdict_names_whom_the_national_figure_is_for():
    """Outsider, issue 20: SWEMWBS was set against the men's norm, then men's and women's apart; now one norm for all
    adults, and the summary says so."""
    assert _summary(22.0, _bench(23.4, "below"))["worse"] == [
        "Mental wellbeing: 22.00 here; nationally 23.4 (all adults aged 16+ in England), 2010–2013"]
    assert _summary(24.0, _bench(23.4, "above"))["better"][0].startswith("Mental wellbeing: 24.00 here")
    assert _summary(23.38, _bench(23.4, "level with"))["other"] == [
        "Mental wellbeing: 23.38 here; nationally 23.4 (all adults aged 16+ in England), 2010–2013 "
        "(ours is level with it)"]


def test_a_figure_for_other_staff_is_not_compared_and_says_why():
    teachers = _bench(23.4, "not comparable", "teachers and leaders in state schools in England")
    [line] = _summary(22.0, teachers)["other"]
    assert line.endswith("(teachers and leaders in state schools in England), 2010–2013 (not compared, as ours "
                         "includes support staff)")
    [line] = _summary(22.0, teachers, staff_types=["support"])["other"]
    assert line.endswith("(not compared, as ours is of support staff)")


def test_an_enps_on_a_half_rounds_up_as_the_hand_count_it_shows():
    # 1 promoter, no detractors, 7 passives: (1 − 0) ÷ 8 × 100 = 12.5, which a hand count rounds to +13, not +12
    group = {"measures": [{"key": "enps", "suppressed": False, "mean": 12.5, "favourable": 12.5}],
             "items": [{"key": "enps.recommend", "distribution": {"10": 1, "8": 7}}]}
    words = survey_results.enps_in_words(group)
    assert words.startswith("+13 ") and words.endswith("= +13.")
