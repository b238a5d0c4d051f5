"""The benchmark registry, the heatmap and the priorities through HTTP: who may do what, bad input refused with
nothing changed, and every cell and priority resting only on what the report shows."""
from __future__ import annotations

import pytest

HSE_MEDIAN = {"measure": "hse.demands", "statistic": "mean", "value": 3.2, "percentile": 50,
              "source": "HSE Management Standards Analysis Tool, our licensed copy", "year": "2025",
              "population": "employees of organisations using the Analysis Tool",
              "licence": "Licensed to the trust by HSE; not for publication"}


def _closed(trust, answers, sizes: dict[str, int], support: int = 0, enps=lambda level: level * 2):
    for name, teaching in sizes.items():
        trust.academy(name, teaching=teaching, support=support)
    run, links = trust.open()
    for i, token in enumerate(sorted(links.values())):
        level = 1 + i % 5
        assert trust.answer(token, answers(level, enps=enps(level))).status_code == 204
    trust.close(run["id"])
    return run


def test_trust_hr_add_edit_and_retire_a_figure_with_its_band_and_each_is_audited(trust, client, db):
    made = client.post("/benchmarks", json=HSE_MEDIAN, headers=trust.hr())
    assert made.status_code == 201, made.get_json()
    figure = made.get_json()
    assert (figure["built_in"], figure["band"], figure["measure_title"]) == (False, "the median", "Demands")
    changed = client.patch(f"/benchmarks/{figure['id']}", json={"value": 3.4, "percentile": 75}, headers=trust.hr())
    assert changed.status_code == 200 and changed.get_json()["band"] == "the top quartile"
    listed = client.get("/benchmarks", query_string={"measure": "hse.demands"}, headers=trust.hr()).get_json()
    assert [(f["value"], f["built_in"]) for f in listed] == [(3.4, False)]
    assert client.post(f"/benchmarks/{figure['id']}/retire", headers=trust.hr()).status_code == 200
    assert client.get("/benchmarks", query_string={"measure": "hse.demands"}, headers=trust.hr()).get_json() == []
    assert [f["retired"] for f in client.get("/benchmarks", query_string={"measure": "hse.demands", "retired": "true"},
                                             headers=trust.hr()).get_json()] == [True]
    assert [a["action"] for a in db.audit() if a["entity"] == "benchmark"] == ["add", "edit", "retire"]


def test_the_built_in_figures_are_listed_with_their_licence_and_are_read_only(trust, client):
    listed = client.get("/benchmarks", headers=trust.hr()).get_json()
    built_in = [f for f in listed if f["built_in"]]
    assert built_in and all(f["licence"] and f["population"] and f["source"] for f in built_in)
    assert {f["licence"].split(" (")[0] for f in built_in if f["measure"].startswith("ons.")} == {
        "Open Government Licence v3.0"}
    # the newest built-in of each measure is the one in use
    valued = [f for f in built_in if f["measure"] == "trust.valued"]
    assert [f["in_use"] for f in valued] == [True, False, False] and valued[0]["year"] == "2024 (wave 3)"


@pytest.mark.parametrize("change, field", [
    ({"measure": "no.such"}, "measure"),
    ({"value": 7}, "value"),                                       # HSE's scale is 1 to 5
    ({"statistic": "percent_favourable", "value": 50}, "statistic"),  # HSE has no favourable answers
    ({"percentile": 100}, "percentile"),
    ({"reference": "yes"}, "reference"),                           # a word is not true (third outsider)
    ({"source": "a\nb"}, "source"),
    ({"source": "a\x00b"}, None),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"value": "NaN"}, "value"),
    ({"value": "3.2"}, "value"),                                   # a string is not a number
    ({"value": True}, "value"),
    ({"percentile": "50"}, "percentile"),
    ({"value": 3.20001}, "value"),                                 # more places than anyone publishes
])
def test_a_bad_figure_is_refused_with_a_problem_and_nothing_is_stored(trust, client, db, change, field):
    refused = client.post("/benchmarks", json={**HSE_MEDIAN, **change}, headers=trust.hr())
    assert refused.status_code in (400, 422) and refused.content_type == "application/problem+json"
    if field:
        assert field in str(refused.get_json())
    assert db.rows("benchmarks") == [] and not [a for a in db.audit() if a["entity"] == "benchmark"]


def test_only_trust_hr_keep_the_trust_s_figures(trust, client, db):
    trust.academy("Oak", teaching=5)
    assert client.post("/benchmarks", json=HSE_MEDIAN, headers=trust.hr("Oak")).status_code == 403
    assert client.get("/benchmarks", headers=trust.hr("Oak")).status_code == 200
    assert client.get("/benchmarks", headers=trust.me(trust.staff["Oak"][0])).status_code == 403
    figure = client.post("/benchmarks", json=HSE_MEDIAN, headers=trust.hr()).get_json()
    assert client.patch(f"/benchmarks/{figure['id']}", json={"value": 1}, headers=trust.hr("Oak")).status_code == 403
    assert client.post(f"/benchmarks/{figure['id']}/retire", headers=trust.hr("Oak")).status_code == 403
    assert [r["value"] for r in db.rows("benchmarks")] == [3.2]
    assert client.patch("/benchmarks/builtin:ons.anxiety:0", json={"value": 1}, headers=trust.hr()).status_code == 404


def test_heatmap_rows_and_cells_in_words_against_the_benchmark_and_the_trust(trust, client, answers):
    run = _closed(trust, answers, {"Oak": 20, "Elm": 20}, support=5)
    heat = client.get(f"/runs/{run['id']}/heatmap", headers=trust.hr())
    assert heat.status_code == 200, heat.get_json()
    heat = heat.get_json()
    cuts = [r["cut"] for r in heat["rows"]]
    assert cuts[0] == "trust" and {"academy", "staff_type"} <= set(cuts)  # one band of service: not a cut here
    legend = {m["key"]: m for m in heat["measures"]}
    assert legend["ons.life_satisfaction"]["reference"]["value"] == 7.45
    assert legend["hse.demands"]["reference"] is None and legend["trust.valued"]["statistic"] == "percent_favourable"
    trust_row = {c["measure"]: c for c in heat["rows"][0]["cells"]}
    assert trust_row["ons.life_satisfaction"]["against_benchmark"] == "below"
    assert trust_row["hse.demands"]["against_benchmark"] == "no benchmark"
    # all staff against a figure for teachers and leaders: not compared
    assert trust_row["trust.valued"]["against_benchmark"] == "not comparable"
    assert trust_row["enps"]["text"].lstrip("+-").isdigit()
    academy = next(r for r in heat["rows"] if r["cut"] == "academy")
    assert all(c["against_trust"] in ("above", "level with", "below") for c in academy["cells"] if c["shown"])
    assert all(c["against_trust"] is None for c in heat["rows"][0]["cells"])


def test_a_band_says_where_the_group_sits_and_the_trust_may_choose_the_reference(trust, client, answers):
    for value, percentile in ((2.0, 25), (3.2, 50), (4.5, 75)):
        made = client.post("/benchmarks", json={**HSE_MEDIAN, "value": value, "percentile": percentile,
                                                "reference": percentile == 50}, headers=trust.hr())
        assert made.status_code == 201, made.get_json()
    run = _closed(trust, answers, {"Oak": 10})
    heat = client.get(f"/runs/{run['id']}/heatmap", headers=trust.hr()).get_json()
    legend = {m["key"]: m for m in heat["measures"]}["hse.demands"]
    assert (legend["reference"]["band"], len(legend["bands"])) == ("the median", 3)
    cell = {c["measure"]: c for c in heat["rows"][0]["cells"]}["hse.demands"]
    assert cell["bands"] == "between the bottom quartile and the median" and cell["against_benchmark"] == "below"


def test_priorities_name_measures_below_benchmark_most_linked_with_the_outcome_in_words(trust, client, answers):
    run = _closed(trust, answers, {"Oak": 20, "Elm": 20})
    found = client.get(f"/runs/{run['id']}/priorities", headers=trust.hr())
    assert found.status_code == 200, found.get_json()
    found = found.get_json()
    assert 0 < len(found["focus"]) <= 3 and found["note"] is None
    for f in found["focus"]:
        assert f["pairs"] >= 30 and f["link"].startswith("strongly linked with how likely people are to recommend")
    heat = client.get(f"/runs/{run['id']}/heatmap", headers=trust.hr()).get_json()
    below = {c["measure"] for c in heat["rows"][0]["cells"] if c["against_benchmark"] == "below"}
    assert {f["measure"] for f in found["focus"]} <= below


def test_priorities_say_so_when_too_few_people_answered_both(trust, client, answers):
    run = _closed(trust, answers, {"Oak": 12})
    found = client.get(f"/runs/{run['id']}/priorities", headers=trust.hr()).get_json()
    assert found["focus"] == [] and "at least 30 people" in found["note"]


def test_academy_hr_see_the_trust_their_academy_and_its_staff_types_only(trust, client, answers):
    run = _closed(trust, answers, {"Oak": 10, "Elm": 10}, support=5)
    heat = client.get(f"/runs/{run['id']}/heatmap", headers=trust.hr("Oak"))
    assert heat.status_code == 200
    rows = heat.get_json()["rows"]
    oak = str(trust.academies["Oak"])
    assert {r["cut"] for r in rows} == {"trust", "academy", "academy_staff_type"}
    assert all(r["academy_id"] in (None, oak) for r in rows)
    elm = trust.academies["Elm"]
    assert client.get(f"/runs/{run['id']}/heatmap", query_string={"academy_id": elm},
                      headers=trust.hr("Oak")).status_code == 403
    assert client.get(f"/runs/{run['id']}/priorities", query_string={"academy_id": elm},
                      headers=trust.hr("Oak")).status_code == 403
    mine = client.get(f"/runs/{run['id']}/priorities", headers=trust.hr("Oak")).get_json()
    assert mine["compared_with"] == "trust" and mine["academy_id"] == oak


def test_heatmap_and_priorities_wait_for_the_close(trust, client):
    trust.academy("Oak", teaching=5)
    run, _ = trust.open()
    for what in ("heatmap", "priorities"):
        assert client.get(f"/runs/{run['id']}/{what}", headers=trust.hr()).status_code == 409
