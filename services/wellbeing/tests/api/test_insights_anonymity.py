"""The heatmap and the priorities show nothing the report does not: a cell is shown exactly where the report shows
that figure, with the same value; a priority rests only on a shown figure and a shown driver."""
from __future__ import annotations


def _key(group: dict) -> tuple:
    return group["cut"], group["academy_id"], group["staff_type"], group["service_band"]


def _closed_with_small_groups(trust, answers):
    trust.academy("Oak", teaching=34, support=2)  # two support staff: hidden, and what would reveal them too
    trust.academy("Elm", teaching=14, support=1)
    trust.academy("Ash", teaching=3)              # too small to show at all
    run, links = trust.open()
    oak = {s["staff_id"] for s in trust.staff["Oak"]}
    for i, (staff_id, token) in enumerate(sorted(links.items())):
        level = 1 + i % 4 + (staff_id not in oak)  # Oak a little below the rest, so below the trust
        assert trust.answer(token, answers(level, enps=min(10, level * 2 + i % 2))).status_code == 204
    trust.close(run["id"])
    return run


def _check_against_report(client, run_id, headers, query=None):
    heat = client.get(f"/runs/{run_id}/heatmap", query_string=query or {}, headers=headers).get_json()
    report = client.get(f"/runs/{run_id}/report", headers=headers)
    groups = {}
    for cut in {r["cut"] for r in heat["rows"]}:
        for g in client.get(f"/runs/{run_id}/report", query_string={"cut": cut}, headers=headers).get_json()["groups"]:
            groups[_key(g)] = g
    assert report.status_code == 200
    legend = {m["key"]: m for m in heat["measures"]}
    hidden = 0
    for row in heat["rows"]:
        group = groups[_key(row)]  # every row is a group the report lists
        measures = {m["key"]: m for m in group["measures"]}
        for cell in row["cells"]:
            shown = measures.get(cell["measure"])
            visible = not group["suppressed"] and shown is not None and not shown["suppressed"]
            assert cell["shown"] is visible, (row, cell)
            if visible:
                statistic = legend[cell["measure"]]["statistic"]
                assert cell["value"] == (shown["mean"] if statistic == "mean" else shown["favourable"])
            else:
                hidden += 1
                assert cell["value"] is None and cell["text"] is None and cell["against_trust"] is None
                assert cell["hidden"].startswith("hidden: ")
    return heat, hidden


def test_a_heatmap_cell_is_shown_exactly_where_the_report_shows_that_figure(trust, client, answers):
    run = _closed_with_small_groups(trust, answers)
    _, hidden = _check_against_report(client, run["id"], trust.hr())
    assert hidden  # the small groups were there to be hidden
    for academy in ("Oak", "Ash"):
        heat, _ = _check_against_report(client, run["id"], trust.hr(academy))
        mine = str(trust.academies[academy])
        assert all(r["academy_id"] in (None, mine) for r in heat["rows"])
        assert {r["cut"] for r in heat["rows"]} <= {"trust", "academy", "academy_staff_type"}


def test_priorities_rest_only_on_shown_figures_and_shown_drivers(trust, client, answers):
    run = _closed_with_small_groups(trust, answers)
    for headers, query, cut in ((trust.hr(), {}, "trust"), (trust.hr("Oak"), {}, "academy"),
                                (trust.hr(), {"academy_id": trust.academies["Oak"]}, "academy")):
        found = client.get(f"/runs/{run['id']}/priorities", query_string=query, headers=headers).get_json()
        heat = client.get(f"/runs/{run['id']}/heatmap", query_string=query, headers=headers).get_json()
        row = next(r for r in heat["rows"] if r["cut"] == cut)
        cells = {c["measure"]: c for c in row["cells"]}
        drivers = client.get(f"/runs/{run['id']}/drivers", query_string={"academy_id": found["academy_id"]}
                             if found["academy_id"] else {}, headers=headers).get_json()
        shown = {d["measure"]: (d["n"], d["correlation"]) for d in drivers["drivers"]}
        assert found["focus"], found
        for f in found["focus"]:
            assert cells[f["measure"]]["shown"] and f["text"] == cells[f["measure"]]["text"]
            assert shown[f["measure"]] == (f["pairs"], f["correlation"])


def test_an_academy_whose_results_are_hidden_has_no_priorities_and_says_why(trust, client, answers):
    run = _closed_with_small_groups(trust, answers)
    found = client.get(f"/runs/{run['id']}/priorities", headers=trust.hr("Ash"))
    assert found.status_code == 200
    assert found.get_json()["focus"] == [] and "Too few people answered here" in found.get_json()["note"]
