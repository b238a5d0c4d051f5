"""Instrument definitions against the published sources (docs/wellbeing-instruments.md), answer validation, and the
trust's own questions."""
from __future__ import annotations

import dataclasses

import pytest

from wellbeing.domain.instruments import (
    INSTRUMENTS, SCALES, SWEMWBS_METRIC, Benchmark, Instrument, Item, Measure, Questionnaire, _check_instrument,
    custom_instrument,
)

HSE_DOMAINS = {
    "hse.demands": [3, 6, 9, 12, 16, 18, 20, 22],
    "hse.control": [2, 10, 15, 19, 25, 30],
    "hse.managers_support": [8, 23, 29, 33, 35],
    "hse.peer_support": [7, 24, 27, 31],
    "hse.relationships": [5, 14, 21, 34],
    "hse.role": [1, 4, 11, 13, 17],
    "hse.change": [26, 28, 32],
}
HSE_REVERSED = {3, 5, 6, 9, 12, 14, 16, 18, 20, 21, 22, 34}


def _all() -> Questionnaire:
    return Questionnaire(list(INSTRUMENTS.values()))


# --- scales -----------------------------------------------------------------------------------------------------

def test_the_scales_have_the_published_labels_and_ranges():
    assert (SCALES["frequency5"].minimum, SCALES["frequency5"].maximum) == (1, 5)
    assert SCALES["frequency5"].labels == ("Never", "Seldom", "Sometimes", "Often", "Always")
    assert (SCALES["agreement5"].minimum, SCALES["agreement5"].maximum) == (1, 5)
    assert SCALES["agreement5"].labels[0] == "Strongly disagree" and SCALES["agreement5"].labels[-1] == "Strongly agree"
    assert SCALES["swemwbs5"].labels == ("None of the time", "Rarely", "Some of the time", "Often", "All of the time")
    assert (SCALES["zero_ten"].minimum, SCALES["zero_ten"].maximum) == (0, 10)
    assert len(SCALES["zero_ten"].labels) == 2
    assert (SCALES["text"].minimum, SCALES["text"].maximum, SCALES["text"].labels) == (0, 0, ())
    assert all(key == scale.key for key, scale in SCALES.items())


# --- the shipped instruments ------------------------------------------------------------------------------------

def test_the_six_instruments_are_loaded_in_order():
    assert list(INSTRUMENTS) == ["hse_indicator", "swemwbs", "ons4", "enps", "trust_core", "development"]
    for key, instrument in INSTRUMENTS.items():
        assert instrument.key == key
        assert instrument.title and instrument.licence and instrument.citation


def test_item_and_measure_keys_are_unique_across_instruments_and_every_measure_item_exists():
    items = [item.key for instrument in INSTRUMENTS.values() for item in instrument.items]
    measures = [measure.key for instrument in INSTRUMENTS.values() for measure in instrument.measures]
    assert len(items) == len(set(items)) and len(measures) == len(set(measures))
    for instrument in INSTRUMENTS.values():
        own = {item.key: item for item in instrument.items}
        for measure in instrument.measures:
            assert measure.items and all(key in own for key in measure.items), measure.key
            assert all(SCALES[own[key].scale].key != "text" for key in measure.items)


def test_hse_has_35_items_1_to_23_on_frequency_and_24_to_35_on_agreement():
    hse = INSTRUMENTS["hse_indicator"]
    assert [item.key for item in hse.items] == [f"hse.{n}" for n in range(1, 36)]
    for number, item in enumerate(hse.items, 1):
        assert item.scale == ("frequency5" if number <= 23 else "agreement5"), item.key
        assert item.favourable == (4, 5)
    assert hse.items[0].text == "I am clear what is expected of me at work"
    assert hse.items[34].text == "My line manager encourages me at work"


def test_hse_reverses_exactly_the_demands_and_relationships_items():
    hse = INSTRUMENTS["hse_indicator"]
    assert {int(item.key.split(".")[1]) for item in hse.items if item.reverse} == HSE_REVERSED
    assert HSE_REVERSED == set(HSE_DOMAINS["hse.demands"]) | set(HSE_DOMAINS["hse.relationships"])


def test_hse_domains_have_the_published_membership_and_sizes():
    hse = INSTRUMENTS["hse_indicator"]
    assert [measure.key for measure in hse.measures] == list(HSE_DOMAINS)
    assert [len(measure.items) for measure in hse.measures] == [8, 6, 5, 4, 4, 5, 3]
    for measure in hse.measures:
        assert measure.items == tuple(f"hse.{n}" for n in HSE_DOMAINS[measure.key])
        assert (measure.method, measure.minimum, measure.maximum) == ("mean", 1, 5)
        assert measure.higher_is_better and measure.favourable is None
    covered = sorted(n for numbers in HSE_DOMAINS.values() for n in numbers)
    assert covered == list(range(1, 36))  # every item in exactly one domain


def test_hse_measures_have_no_benchmarks():
    assert all(measure.benchmarks == () for measure in INSTRUMENTS["hse_indicator"].measures)


def test_hse_licence_covers_crown_copyright_accuracy_logo_and_endorsement():
    licence = INSTRUMENTS["hse_indicator"].licence
    for phrase in ("Crown copyright", "Open Government Licence", "accurately", "logo", "endorsement"):
        assert phrase in licence


def test_swemwbs_has_the_seven_published_items_and_the_29_row_table():
    swemwbs = INSTRUMENTS["swemwbs"]
    assert [item.key for item in swemwbs.items] == [f"swemwbs.{n}" for n in range(1, 8)]
    assert swemwbs.items[0].text == "I’ve been feeling optimistic about the future"
    assert swemwbs.items[6].text == "I’ve been able to make up my own mind about things"
    assert all(item.scale == "swemwbs5" and not item.reverse and item.favourable is None for item in swemwbs.items)
    assert "over the last 2 weeks" in swemwbs.instructions
    (metric,) = swemwbs.measures
    assert (metric.key, metric.method, metric.minimum, metric.maximum) == ("swemwbs.metric", "swemwbs_metric", 7, 35)
    assert metric.favourable is None
    assert sorted(SWEMWBS_METRIC) == list(range(7, 36))
    assert SWEMWBS_METRIC[29] == 26.02


def test_swemwbs_licence_carries_the_registration_and_copyright_line():
    licence = INSTRUMENTS["swemwbs"].licence
    assert "register" in licence
    assert "© NHS Health Scotland, University of Warwick and University of Edinburgh, 2008" in licence


def test_swemwbs_is_compared_with_the_norm_for_all_adults_and_says_how_it_was_worked_out():
    """Issue 20: SWEMWBS was compared with the men's norm, then with men's and women's side by side; the outsider
    wanted the norm for the population surveyed, all adults, named as such."""
    (metric,) = INSTRUMENTS["swemwbs"].measures
    (norm,) = metric.benchmarks
    assert (norm.statistic, norm.value) == ("mean", 23.4)
    assert norm.population.startswith("all adults aged 16+ in England (Health Survey for England 2010–2013")
    # the paper publishes men's and women's means only: the note says so and how 23.4 follows from them
    assert "men (23.7)" in norm.note and "women (23.2)" in norm.note and "worked out" in norm.note
    assert all(round(share * 23.7 + (1 - share) * 23.2, 1) == norm.value for share in (0.40, 0.45, 0.49))


def test_two_national_figures_for_one_statistic_and_year_are_refused():
    (metric,) = INSTRUMENTS["swemwbs"].measures
    (norm,) = metric.benchmarks
    women = dataclasses.replace(norm, value=23.2, population="women")
    twice = dataclasses.replace(INSTRUMENTS["swemwbs"], measures=(dataclasses.replace(metric, benchmarks=(norm, women)),))
    with pytest.raises(ValueError, match="one national figure per statistic and year"):
        _check_instrument(twice)


def test_ons4_wording_thresholds_and_uk_means():
    ons = INSTRUMENTS["ons4"]
    items = {item.key: item for item in ons.items}
    assert items["ons.life_satisfaction"].text == "Overall, how satisfied are you with your life nowadays?"
    assert items["ons.happiness"].text == "Overall, how happy did you feel yesterday?"
    assert all(item.scale == "zero_ten" and not item.reverse for item in ons.items)
    measures = {measure.key: measure for measure in ons.measures}
    assert list(measures) == ["ons.life_satisfaction", "ons.worthwhile", "ons.happiness", "ons.anxiety"]
    for key in ("ons.life_satisfaction", "ons.worthwhile", "ons.happiness"):
        assert measures[key].higher_is_better
        assert measures[key].favourable == (7, 10) and items[key].favourable == (7, 10)
    assert not measures["ons.anxiety"].higher_is_better
    assert measures["ons.anxiety"].favourable == (0, 3) and items["ons.anxiety"].favourable == (0, 3)
    uk_means = {key: [b.value for b in m.benchmarks if b.statistic == "mean"] for key, m in measures.items()}
    assert uk_means == {"ons.life_satisfaction": [7.45], "ons.worthwhile": [7.73], "ons.happiness": [7.39],
                        "ons.anxiety": [3.23]}
    for measure in measures.values():
        for benchmark in measure.benchmarks:
            if benchmark.statistic == "mean":
                assert benchmark.year == "year ending March 2023" and "16 and over" in benchmark.population


def test_a_benchmark_we_worked_out_says_so():
    """Every national figure is printed in its source, except SWEMWBS's all-adults mean, whose note shows the sum."""
    worked_out = [m.key for i in INSTRUMENTS.values() for m in i.measures for b in m.benchmarks
                  if "worked out" in b.note]
    assert worked_out == ["swemwbs.metric"]


def test_enps_is_one_0_to_10_item_with_promoters_favourable_and_no_benchmark():
    enps = INSTRUMENTS["enps"]
    (item,) = enps.items
    (measure,) = enps.measures
    assert (item.key, item.scale, item.favourable) == ("enps.recommend", "zero_ten", (9, 10))
    assert (measure.key, measure.method, measure.minimum, measure.maximum) == ("enps", "enps", -100, 100)
    assert measure.favourable == (100, 100) and measure.benchmarks == ()


def test_trust_core_questions_and_their_wltl_benchmarks():
    trust = INSTRUMENTS["trust_core"]
    assert [(item.key, item.text, item.scale) for item in trust.items] == [
        ("trust.valued", "I feel valued", "agreement5"),
        ("trust.workload", "My workload is manageable", "agreement5"),
        ("trust.satisfied", "I am satisfied with my job", "agreement5"),
        ("trust.intend_to_stay", "I intend to still be working at this trust in two years' time", "agreement5"),
        ("trust.improve", "What one change would most improve your working life here?", "text"),
    ]
    measures = {measure.key: measure for measure in trust.measures}
    assert list(measures) == ["trust.valued", "trust.workload", "trust.satisfied", "trust.intend_to_stay"]
    assert all(m.method == "item" and m.favourable == (4, 5) for m in measures.values())
    figures = {key: [(b.year[:4], b.value) for b in m.benchmarks] for key, m in measures.items()}
    assert figures == {
        "trust.valued": [("2024", 66), ("2023", 65), ("2022", 65)],
        "trust.workload": [("2024", 22), ("2023", 17), ("2022", 17)],
        "trust.satisfied": [("2024", 49), ("2023", 46), ("2022", 58)],
        "trust.intend_to_stay": [],
    }
    for measure in measures.values():
        for benchmark in measure.benchmarks:
            assert benchmark.statistic == "percent_favourable"
            assert benchmark.population == "teachers and leaders in state schools in England"
            assert benchmark.note  # the wording difference


def test_the_development_question_is_one_agreement_item_with_no_benchmark():
    (item,) = INSTRUMENTS["development"].items
    (measure,) = INSTRUMENTS["development"].measures
    assert (item.key, item.text, item.scale, item.favourable) == (
        "development.useful", "I have had useful development this year", "agreement5", (4, 5))
    assert (measure.key, measure.method, measure.favourable, measure.benchmarks) == (
        "development.useful", "item", (4, 5), ())


def test_every_benchmark_is_sourced_and_in_range():
    count = 0
    for instrument in INSTRUMENTS.values():
        for measure in instrument.measures:
            for benchmark in measure.benchmarks:
                count += 1
                assert benchmark.statistic in ("mean", "percent_favourable")
                for field in ("source", "url", "year", "population"):
                    assert getattr(benchmark, field).strip(), (measure.key, field)
                assert benchmark.url.startswith("https://")
                if benchmark.statistic == "mean":
                    assert measure.minimum <= benchmark.value <= measure.maximum
                else:
                    assert 0 <= benchmark.value <= 100 and measure.favourable is not None
    assert count == 14  # SWEMWBS 1, ONS 4 UK means, trust 3 x 3 WLTL waves


def test_a_broken_definition_is_refused():
    custom = custom_instrument([{"key": "a", "text": "A", "scale": "agreement5"}])
    broken = dataclasses.replace(custom.measures[0], items=("custom.missing",))
    with pytest.raises(ValueError, match="unknown item"):
        _check_instrument(dataclasses.replace(custom, measures=(broken,)))
    wrong_range = dataclasses.replace(custom.items[0], favourable=(4, 6))
    with pytest.raises(ValueError, match="favourable"):
        _check_instrument(dataclasses.replace(custom, items=(wrong_range,)))


# --- validation -------------------------------------------------------------------------------------------------

def test_no_answers_and_a_full_set_of_valid_answers_are_both_valid():
    questionnaire = _all()
    assert questionnaire.errors({}) == {}
    answers = {key: (SCALES[item.scale].maximum if item.scale != "text" else "More time to plan")
               for key, item in questionnaire.items.items()}
    assert questionnaire.errors(answers) == {}
    assert questionnaire.errors(answers) == {}


def test_an_unknown_question_is_a_schema_error():
    assert list(_all().errors({"hse.36": 3, "hse.1": 3})) == ["_schema"]
    assert "hse.36" in _all().errors({"hse.36": 3})["_schema"][0]


@pytest.mark.parametrize("answer", [True, False, 3.0, 3.5, "3", None, [3]])
def test_a_rated_answer_must_be_a_whole_number_and_not_a_bool(answer):
    assert list(_all().errors({"hse.1": answer})) == ["hse.1"]


@pytest.mark.parametrize("key, answer", [("hse.1", 0), ("hse.1", 6), ("hse.35", 6), ("swemwbs.1", 0),
                                         ("ons.anxiety", -1), ("ons.anxiety", 11), ("enps.recommend", 11),
                                         ("trust.valued", 0)])
def test_an_answer_outside_the_scale_is_refused(key, answer):
    errors = _all().errors({key: answer})
    assert list(errors) == [key] and "from" in errors[key][0]


@pytest.mark.parametrize("key, answer", [("hse.1", 1), ("hse.1", 5), ("ons.anxiety", 0), ("ons.anxiety", 10)])
def test_the_ends_of_the_scale_are_accepted(key, answer):
    assert _all().errors({key: answer}) == {}


@pytest.mark.parametrize("answer", ["", "   \n", 3, None, True])
def test_a_text_answer_must_be_non_empty_text(answer):
    assert list(_all().errors({"trust.improve": answer})) == ["trust.improve"]


def test_a_text_answer_may_be_2000_characters_once_stripped_but_not_more():
    questionnaire = _all()
    assert questionnaire.errors({"trust.improve": "  " + "x" * 2000 + "  "}) == {}
    errors = questionnaire.errors({"trust.improve": "x" * 2001})
    assert list(errors) == ["trust.improve"] and "2000" in errors["trust.improve"][0]


def test_answers_that_are_not_an_object_are_a_schema_error():
    assert list(_all().errors([("hse.1", 3)])) == ["_schema"]


def test_a_questionnaire_refuses_the_same_instrument_twice():
    with pytest.raises(ValueError):
        Questionnaire([INSTRUMENTS["ons4"], INSTRUMENTS["ons4"]])


def test_a_questionnaire_keeps_items_and_measures_in_instrument_order():
    questionnaire = Questionnaire([INSTRUMENTS["enps"], INSTRUMENTS["ons4"]])
    assert list(questionnaire.items) == ["enps.recommend", "ons.life_satisfaction", "ons.worthwhile",
                                         "ons.happiness", "ons.anxiety"]
    assert list(questionnaire.measures)[0] == "enps"
    assert all(isinstance(item, Item) for item in questionnaire.items.values())
    assert all(isinstance(measure, Measure) for measure in questionnaire.measures.values())


# --- the trust's own questions ----------------------------------------------------------------------------------

def test_custom_questions_become_custom_items_with_measures_for_rated_ones():
    custom = custom_instrument([
        {"key": "pay_fair", "text": " My pay is fair ", "scale": "agreement5", "id": "ignored"},
        {"key": "recommend-school", "text": "How likely are you to recommend this school?", "scale": "zero_ten"},
        {"key": "anything_else", "text": "Anything else?", "scale": "text"},
    ])
    assert isinstance(custom, Instrument) and custom.key == "custom"
    assert [(i.key, i.text, i.scale, i.favourable) for i in custom.items] == [
        ("custom.pay_fair", "My pay is fair", "agreement5", (4, 5)),
        ("custom.recommend-school", "How likely are you to recommend this school?", "zero_ten", (7, 10)),
        ("custom.anything_else", "Anything else?", "text", None),
    ]
    assert [(m.key, m.items, m.method, m.minimum, m.maximum, m.favourable, m.benchmarks) for m in custom.measures] == [
        ("custom.pay_fair", ("custom.pay_fair",), "item", 1, 5, (4, 5), ()),
        ("custom.recommend-school", ("custom.recommend-school",), "item", 0, 10, (7, 10), ()),
    ]
    assert custom_instrument([]).items == ()


@pytest.mark.parametrize("questions, message", [
    ([{"key": "a", "text": "A", "scale": "likert7"}], "unknown scale"),
    ([{"key": "a", "text": "A", "scale": "frequency5"}], "unknown scale"),
    ([{"key": "a", "text": "A"}], "unknown scale"),
    ([{"key": "a", "text": "A", "scale": "text"}, {"key": "a", "text": "B", "scale": "agreement5"}], "duplicate"),
    ([{"key": "Not A Slug", "text": "A", "scale": "text"}], "slug"),
    ([{"key": "", "text": "A", "scale": "text"}], "slug"),
    ([{"key": "a", "text": "  ", "scale": "text"}], "text"),
    (["a"], "object"),
])
def test_custom_questions_are_checked(questions, message):
    with pytest.raises(ValueError, match=message):
        custom_instrument(questions)


def test_custom_questions_sit_alongside_the_published_instruments():
    custom = custom_instrument([{"key": "valued", "text": "I feel valued by my head", "scale": "agreement5"}])
    questionnaire = Questionnaire([INSTRUMENTS["trust_core"], custom])
    assert "custom.valued" in questionnaire.items and "trust.valued" in questionnaire.items
    assert questionnaire.errors({"custom.valued": 6}) == {"custom.valued": ["Must be from 1 to 5."]}


def test_benchmark_note_defaults_to_empty():
    benchmark = Benchmark(statistic="mean", value=1.0, source="s", url="https://x", year="2024", population="p")
    assert benchmark.note == ""


def test_working_lives_figures_are_cited_to_dfe_on_gov_uk_not_a_secondary_website():
    """Issue 20: the DfE figures were cited through the websites that reported them."""
    for measure in INSTRUMENTS["trust_core"].measures:
        for b in measure.benchmarks:
            assert b.url.startswith("https://www.gov.uk/government/publications/working-lives-of-teachers-and-leaders-")
            assert b.source.startswith("Working lives of teachers and leaders") and "Department for Education" in b.source
            assert "as reported by" not in b.source


@pytest.mark.parametrize("answer, says", [
    ("\u200b", "Must have some visible text"), ("\u3164", "Must have some visible text"),
    ("a\u001b[31m", "Contains U+001B"), ("abc\u202egnp.exe", "Contains U+202E"),
    # outsider O8 E: hidden tag text, a private-use character, a noncharacter, a paragraph separator
    ("Fine\U000e0062\U000e0061\U000e0064", "Contains U+E0062, a tag character"), ("Fine\ue123", "Contains U+E123"),
    ("Fine\U0002fffe", "Contains U+2FFFE"), ("One\u2029two", "Contains U+2029, a paragraph separator")])
def test_a_comment_that_shows_nothing_or_shows_as_something_else_is_refused(answer, says):
    """Outsider O6, issue 24: a 360 comment of a zero-width space alone read as blank to its subject; an escape went
    into exports."""
    errors = _all().errors({"trust.improve": answer})
    assert list(errors) == ["trust.improve"] and errors["trust.improve"][0].startswith(says)


def test_a_comment_with_line_breaks_is_fine():
    assert _all().errors({"trust.improve": "More time\n\tto plan"}) == {}
