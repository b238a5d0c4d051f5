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
    assert line == ("Demands: against median 3.2, for its users (HSE Analysis Tool, 2025; added by the trust). "
                    "Bands from the same source: top quartile 3.6.")
    assert survey_insights._legend({"title": "Demands", "reference": None}) == "Demands: no benchmark."
