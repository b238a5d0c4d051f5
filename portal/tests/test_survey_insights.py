"""The heatmap's cells and key read in words: colour never says anything the words do not, a hidden figure says so,
and each benchmark says whom it is for and whether the trust added it."""
from __future__ import annotations

from staffroom_portal.views import survey_insights


def _cell(**given):
    return {"measure": "ons.anxiety", "shown": True, "hidden": None, "value": 3.4, "text": "3.40",
            "against_benchmark": "below", "bands": None, "against_trust": "above", **given}


def test_a_cell_says_in_words_what_its_colour_says():
    cell = survey_insights._cell(_cell(bands="between the median and the top quartile"), trust_row=False)
    assert cell == {"css": "heat-below", "value": "3.40", "lines": [
        "worse than benchmark", "between the median and the top quartile", "better than the trust"]}
    assert survey_insights._cell(_cell(against_benchmark="not comparable"), trust_row=True)["lines"] == [
        "not compared: the benchmark is for other staff"]
    assert survey_insights._cell(_cell(against_benchmark="no benchmark"), trust_row=True)["css"] == "heat-none"


def test_a_hidden_cell_has_no_value_and_says_hidden():
    hidden = _cell(shown=False, hidden="hidden: too few people answered", value=None, text=None)
    assert survey_insights._cell(hidden, trust_row=False) == {"css": "heat-hidden", "value": "hidden", "lines": []}


def test_the_key_names_whom_a_benchmark_is_for_and_its_bands():
    ref = {"id": "x", "value": 3.2, "band": "the median", "source": "HSE Analysis Tool", "year": "2025",
           "population": "its users", "built_in": False}
    top = {**ref, "id": "y", "value": 3.6, "band": "the top quartile"}
    line = survey_insights._legend({"title": "Demands", "statistic": "mean", "reference": ref, "bands": [ref, top]})
    assert line == ("<bdi>Demands</bdi>: against median 3.2, for <bdi>its users</bdi> (<bdi>HSE Analysis Tool</bdi>, "
                    "<bdi>2025</bdi>; added by the trust). Bands from the same source: top quartile 3.6.")
    assert survey_insights._legend({"title": "Demands", "reference": None}) == "<bdi>Demands</bdi>: no benchmark."


def test_typed_text_in_the_key_is_isolated_so_an_override_cannot_reverse_the_key_s_own_words():
    """Outsider, issue 23: a population typed with U+202E turned '(the trust, cmd, 2025; added by the trust)' round."""
    ref = {"id": "x", "value": -100, "band": None, "source": "<b>cmd</b>", "year": "2025",
           "population": "the trust. \u202eteachers", "built_in": False}
    line = survey_insights._legend({"title": "eNPS", "statistic": "mean", "reference": ref, "bands": []})
    assert line == ("<bdi>eNPS</bdi>: against \u2212100, for <bdi>the trust. \u202eteachers</bdi> "
                    "(<bdi>&lt;b&gt;cmd&lt;/b&gt;</bdi>, <bdi>2025</bdi>; added by the trust).")


def test_figures_take_a_true_minus_and_never_an_exponent():
    assert survey_insights._cell(_cell(text="-42"), trust_row=True)["value"] == "\u221242"
    assert survey_insights._figure({"value": 1e-300}, "percent_favourable") == "0%"
    assert survey_insights._figure({"value": 3.25, "band": "the median"}, "mean") == "median 3.25"
    assert survey_insights._figure({"value": -12.0}, "mean") == "\u221212"
