"""Scoring against the published rules and tables (docs/wellbeing-instruments.md): HSE domain means with reversed
items, the SWEMWBS raw-to-metric table, ONS thresholds, eNPS categories, and what is left out when answers are
missing."""
from __future__ import annotations

import pytest

from wellbeing.domain.instruments import INSTRUMENTS, Questionnaire, custom_instrument
from wellbeing.domain.scoring import Scored, ScoredItem, ScoredMeasure, score

# The 29-row SWEMWBS conversion table as researched (danlewer/aow_adolescent_mh swemwbs_metric_lookup.csv, matched by
# four other copies; two copies give 25.99 for raw 29). Typed out here independently of data/swemwbs.json.
SWEMWBS_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32, 15: 15.84, 16: 16.36,
    17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98, 23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21,
    27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03, 31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}


def _questionnaire(*keys: str) -> Questionnaire:
    return Questionnaire([INSTRUMENTS[key] for key in keys or INSTRUMENTS])


def _measures(scored: Scored) -> dict[str, float]:
    return {measure.key: measure.value for measure in scored.measures}


def _swemwbs_answers(raw: int, *, from_the_end: bool = False) -> dict[str, int]:
    """Seven answers (1-5) adding up to ``raw``, filled from the first item, or from the last."""
    answers, left = [1] * 7, raw - 7
    order = range(6, -1, -1) if from_the_end else range(7)
    for index in order:
        extra = min(4, left)
        answers[index] += extra
        left -= extra
    assert sum(answers) == raw
    return {f"swemwbs.{n}": answer for n, answer in enumerate(answers, 1)}


# --- HSE Management Standards Indicator Tool --------------------------------------------------------------------

def test_hse_all_fives_gives_1_for_the_reversed_domains_and_5_for_the_others():
    scored = score(_questionnaire("hse_indicator"), {f"hse.{n}": 5 for n in range(1, 36)})
    assert _measures(scored) == {"hse.demands": 1.0, "hse.control": 5.0, "hse.managers_support": 5.0,
                                 "hse.peer_support": 5.0, "hse.relationships": 1.0, "hse.role": 5.0, "hse.change": 5.0}
    assert all(measure.favourable is None for measure in scored.measures)


def test_hse_all_ones_is_the_mirror_image():
    scored = score(_questionnaire("hse_indicator"), {f"hse.{n}": 1 for n in range(1, 36)})
    assert _measures(scored)["hse.demands"] == 5.0 and _measures(scored)["hse.role"] == 1.0


def test_hse_mixed_answers_worked_by_hand():
    answers = {
        "hse.1": 2, "hse.2": 3, "hse.3": 4, "hse.4": 5, "hse.5": 1, "hse.6": 2, "hse.7": 3, "hse.8": 4, "hse.9": 5,
        "hse.10": 1, "hse.11": 2, "hse.12": 3, "hse.13": 4, "hse.14": 5, "hse.15": 1, "hse.16": 2, "hse.17": 3,
        "hse.18": 4, "hse.19": 5, "hse.20": 1, "hse.21": 2, "hse.22": 3, "hse.23": 4, "hse.24": 5, "hse.25": 1,
        "hse.26": 2, "hse.27": 3, "hse.28": 4, "hse.29": 5, "hse.30": 1, "hse.31": 2, "hse.32": 3, "hse.33": 4,
        "hse.34": 5, "hse.35": 1,
    }
    # Demands 3,6,9,12,16,18,20,22 (reversed, 6 - answer): answers 4,2,5,3,2,4,1,3 -> 2,4,1,3,4,2,5,3 = 24 / 8 = 3.0
    # Control 2,10,15,19,25,30: 3,1,1,5,1,1 = 12 / 6 = 2.0
    # Managers' support 8,23,29,33,35: 4,4,5,4,1 = 18 / 5 = 3.6
    # Peer support 7,24,27,31: 3,5,3,2 = 13 / 4 = 3.25
    # Relationships 5,14,21,34 (reversed): answers 1,5,2,5 -> 5,1,4,1 = 11 / 4 = 2.75
    # Role 1,4,11,13,17: 2,5,2,4,3 = 16 / 5 = 3.2
    # Change 26,28,32: 2,4,3 = 9 / 3 = 3.0
    expected = {"hse.demands": 3.0, "hse.control": 2.0, "hse.managers_support": 3.6, "hse.peer_support": 3.25,
                "hse.relationships": 2.75, "hse.role": 3.2, "hse.change": 3.0}
    assert _measures(score(_questionnaire("hse_indicator"), answers)) == pytest.approx(expected)


def test_hse_items_are_reversed_before_the_favourable_test():
    given = {"hse.1": 4, "hse.3": 4, "hse.5": 1, "hse.34": 2, "hse.35": 3}
    scored = score(_questionnaire("hse_indicator"), {**{f"hse.{n}": 3 for n in range(1, 36)}, **given})
    assert tuple(item for item in scored.items if item.key in given) == (
        ScoredItem("hse.1", value=4, score=4, favourable=True),
        ScoredItem("hse.3", value=4, score=2, favourable=False),
        ScoredItem("hse.5", value=1, score=5, favourable=True),
        ScoredItem("hse.34", value=2, score=4, favourable=True),
        ScoredItem("hse.35", value=3, score=3, favourable=False),
    )


def test_a_hse_domain_needs_every_item_answered_and_its_other_items_are_not_counted_without_it():
    """Issue 19's sixth outsider: a domain's three questions less three times the domain gave the answer of the one
    person who answered part of it."""
    answers = {f"hse.{n}": 3 for n in range(1, 36)}
    del answers["hse.32"]  # a Change item
    scored = score(_questionnaire("hse_indicator"), answers)
    measures = _measures(scored)
    assert "hse.change" not in measures and len(measures) == 6
    assert measures["hse.demands"] == 3.0
    change = {"hse.26", "hse.28", "hse.32"}
    assert not change & {item.key for item in scored.items} and len(scored.items) == 35 - 3


# --- SWEMWBS ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, metric", sorted(SWEMWBS_TABLE.items()))
def test_swemwbs_every_row_of_the_conversion_table(raw, metric):
    for from_the_end in (False, True):
        scored = score(_questionnaire("swemwbs"), _swemwbs_answers(raw, from_the_end=from_the_end))
        assert scored.measures == (ScoredMeasure("swemwbs.metric", value=metric, favourable=None),)


def test_swemwbs_items_are_not_reversed_and_have_no_favourable_range():
    scored = score(_questionnaire("swemwbs"), _swemwbs_answers(20))
    assert all(item.score == item.value and item.favourable is None for item in scored.items)


def test_incomplete_swemwbs_gives_no_metric_score():
    answers = _swemwbs_answers(30)
    del answers["swemwbs.4"]
    scored = score(_questionnaire("swemwbs"), answers)
    assert scored.measures == () and scored.items == ()  # its other six answers are not counted either


# --- ONS personal wellbeing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["ons.life_satisfaction", "ons.worthwhile", "ons.happiness"])
@pytest.mark.parametrize("answer, favourable", [(0, False), (4, False), (6, False), (7, True), (8, True), (10, True)])
def test_ons_high_and_very_high_are_favourable(key, answer, favourable):
    scored = score(_questionnaire("ons4"), {key: answer})
    assert scored.measures == (ScoredMeasure(key, value=float(answer), favourable=favourable),)
    assert scored.items == (ScoredItem(key, value=answer, score=answer, favourable=favourable),)


@pytest.mark.parametrize("answer, favourable", [(0, True), (1, True), (2, True), (3, True), (4, False), (6, False),
                                                (10, False)])
def test_ons_anxiety_very_low_and_low_are_favourable_and_it_is_not_reversed(answer, favourable):
    scored = score(_questionnaire("ons4"), {"ons.anxiety": answer})
    assert scored.measures == (ScoredMeasure("ons.anxiety", value=float(answer), favourable=favourable),)
    assert scored.items[0].score == answer


def test_ons_questions_are_scored_separately():
    scored = score(_questionnaire("ons4"), {"ons.life_satisfaction": 8, "ons.anxiety": 5})
    assert _measures(scored) == {"ons.life_satisfaction": 8.0, "ons.anxiety": 5.0}


# --- eNPS -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, value, favourable", [
    (0, -100.0, False), (6, -100.0, False), (7, 0.0, False), (8, 0.0, False), (9, 100.0, True), (10, 100.0, True),
])
def test_enps_detractors_passives_and_promoters(answer, value, favourable):
    scored = score(_questionnaire("enps"), {"enps.recommend": answer})
    assert scored.measures == (ScoredMeasure("enps", value=value, favourable=favourable),)
    assert scored.items[0].favourable is favourable


def test_the_mean_of_enps_values_is_percent_promoters_minus_percent_detractors():
    answers = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5]  # 4 promoters, 2 passives, 4 detractors -> 40% - 40% = 0
    values = [score(_questionnaire("enps"), {"enps.recommend": a}).measures[0].value for a in answers]
    assert sum(values) / len(values) == 0.0
    values = [score(_questionnaire("enps"), {"enps.recommend": a}).measures[0].value for a in (9, 9, 9, 7, 0)]
    assert sum(values) / len(values) == pytest.approx(60 - 20)


# --- trust questions, comments and the whole questionnaire ------------------------------------------------------

def test_trust_statements_agree_and_strongly_agree_are_favourable():
    scored = score(_questionnaire("trust_core"), {"trust.valued": 3, "trust.workload": 4, "trust.satisfied": 5,
                                                   "trust.intend_to_stay": 1})
    assert [(m.key, m.value, m.favourable) for m in scored.measures] == [
        ("trust.valued", 3.0, False), ("trust.workload", 4.0, True), ("trust.satisfied", 5.0, True),
        ("trust.intend_to_stay", 1.0, False),
    ]


def test_comments_are_stripped_and_kept_apart_from_rated_items():
    scored = score(_questionnaire("trust_core"), {"trust.improve": "  Fewer data drops.\n", "trust.valued": 4})
    assert scored.comments == (("trust.improve", "Fewer data drops."),)
    assert [item.key for item in scored.items] == ["trust.valued"]


def test_custom_questions_are_scored_as_single_items():
    custom = custom_instrument([{"key": "pay", "text": "My pay is fair", "scale": "agreement5"},
                                {"key": "school", "text": "Recommend this school?", "scale": "zero_ten"},
                                {"key": "else", "text": "Anything else?", "scale": "text"}])
    scored = score(Questionnaire([custom]), {"custom.pay": 4, "custom.school": 6, "custom.else": "No"})
    assert scored.measures == (ScoredMeasure("custom.pay", 4.0, True), ScoredMeasure("custom.school", 6.0, False))
    assert scored.comments == (("custom.else", "No"),)


def test_nothing_answered_scores_nothing():
    assert score(_questionnaire(), {}) == Scored(items=(), measures=(), comments=())


def test_results_follow_questionnaire_order_not_answer_order():
    answers = {"enps.recommend": 9, **_swemwbs_answers(20), "ons.anxiety": 2}
    scored = score(_questionnaire(), dict(reversed(answers.items())))
    assert [item.key for item in scored.items] == [*(f"swemwbs.{n}" for n in range(1, 8)), "ons.anxiety",
                                                   "enps.recommend"]
    assert [measure.key for measure in scored.measures] == ["swemwbs.metric", "ons.anxiety", "enps"]


@pytest.mark.parametrize("answers", [{"hse.1": True}, {"hse.1": 6}, {"nope": 1}, {"trust.improve": ""},
                                     {"trust.improve": "x" * 2001}, {"ons.anxiety": 2.0}])
def test_invalid_answers_are_refused(answers):
    with pytest.raises(ValueError):
        score(_questionnaire(), answers)
