"""A survey from HR's draft to published results, answered with single-use links."""
from __future__ import annotations

import csv
import io
import uuid



def test_hr_runs_a_survey_staff_answer_with_their_links_and_results_are_published(trust, db, client, answers):
    oak = trust.academy("Oak", teaching=6, support=2)
    trust.academy("Elm", teaching=5)
    run, links = trust.open()
    assert run["status"] == "open" and run["invited"] == 13 and len(links) == 13
    [opened] = db.events("wellbeing.survey_opened")
    assert opened["payload"]["invited"] == 13

    # a member of staff sees the survey they are invited to
    person = trust.staff["Oak"][0]
    mine = client.get("/me/surveys", headers=trust.me(person)).get_json()
    assert [(s["run_id"], s["answered"]) for s in mine] == [(run["id"], False)]

    # with their link: the questionnaire, a partial save, then the one submission
    token = links[person["staff_id"]]
    form = client.get("/survey", headers={"X-Survey-Token": token})
    assert form.status_code == 200
    sections = [s["key"] for s in form.get_json()["sections"]]
    assert sections == ["hse_indicator", "swemwbs", "ons4", "enps", "trust_core"]
    # what a respondent must be shown under SWEMWBS, by its licence; nothing for the trust's own questions
    shown = {s["key"]: s["acknowledgement"] for s in form.get_json()["sections"]}
    # respondents are told where a score of several questions counts only when all are answered
    assert {s["key"] for s in form.get_json()["sections"] if s["counted_whole"]} == {"hse_indicator", "swemwbs"}
    assert shown["swemwbs"].startswith("Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health")
    assert shown["trust_core"] == ""
    assert trust.answer(token, {"hse.1": 4, "trust.improve": "Fewer meetings"}, final=False).status_code == 204
    mine_here = {"X-Survey-Token": token, "X-Draft-Key": trust.browser}
    assert client.get("/survey", headers=mine_here).get_json()["saved"] == {
        "hse.1": 4, "trust.improve": "Fewer meetings"}
    # another browser with the same link sees that something was saved, but cannot open it
    elsewhere = client.get("/survey", headers={"X-Survey-Token": token}).get_json()
    assert (elsewhere["saved"], elsewhere["saved_elsewhere"]) == ({}, True)
    assert trust.answer(token, {"hse.1": None}, final=False).status_code == 204
    assert client.get("/survey", headers=mine_here).get_json()["saved"] == {"trust.improve": "Fewer meetings"}
    full = answers(4, enps=9)
    del full["hse.1"]
    assert trust.answer(token, full).status_code == 204
    assert trust.answer(token, full).status_code == 409  # once only
    assert client.get("/survey", headers={"X-Survey-Token": token}).status_code == 409
    assert client.get("/me/surveys", headers=trust.me(person)).get_json()[0]["answered"] is True

    for i, someone in enumerate(trust.staff["Oak"][1:] + trust.staff["Elm"]):
        level = 3 + i % 3
        assert trust.answer(links[someone["staff_id"]], answers(level, enps=10 - i % 6,
                                                               comment=f"Comment {i}")).status_code == 204

    # while open: counts, never results
    progress = client.get(f"/runs/{run['id']}/progress", headers=trust.hr()).get_json()
    assert {p["academy_id"]: (p["invited"], p["responded"]) for p in progress} == {
        str(oak): (8, 8), str(trust.academies["Elm"]): (5, 5)}
    assert client.get(f"/runs/{run['id']}/report", headers=trust.hr()).status_code == 409

    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
    groups = {(g["cut"], g["academy_name"], g["staff_type"]): g for g in report["groups"]}
    whole = groups[("trust", None, None)]
    assert (whole["responses"], whole["invited"], whole["response_rate"]) == (13, 13, 100.0)
    assert not whole["suppressed"]
    enps = next(m for m in whole["measures"] if m["key"] == "enps")
    scores = [9] + [10 - i % 6 for i in range(12)]
    expected = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / 13
    assert enps["mean"] == round(expected, 2) and enps["benchmark_note"] == "no national benchmark"
    life = next(m for m in whole["measures"] if m["key"] == "ons.life_satisfaction")
    [uk] = life["benchmarks"]
    assert uk["value"] == 7.45 and uk["comparison"] in ("above", "below", "level with") and uk["year"]
    item = next(i for i in whole["items"] if i["key"] == "hse.1")
    assert item["n"] == 12 and sum(item["distribution"].values()) == 12  # the first person skipped it
    # Oak's support staff (2 people) are hidden, and so is the cell that would give them away by subtraction
    assert groups[("academy_staff_type", "Oak", "support")]["suppressed"]
    assert groups[("academy_staff_type", "Oak", "support")]["measures"][0]["mean"] is None
    assert groups[("academy", "Oak", None)]["responses"] == 8
    assert len(report["trend"]) > 0
    # once the invitations are past their window (retention), the response counts come from the published results,
    # not nowhere (outsider 8, issue 21)
    context = client.application.extensions["staffroom"]
    with context.engine.begin() as conn:
        conn.execute(context.metadata.tables["invitations"].delete())
    progress = client.get(f"/runs/{run['id']}/progress", headers=trust.hr()).get_json()
    assert {p["academy_id"]: (p["invited"], p["responded"]) for p in progress} == {
        str(oak): (8, 8), str(trust.academies["Elm"]): (5, 5)}

    # the report is written without marshmallow for speed; it must be exactly what the schema would give
    from wellbeing.api.schemas import ReportSchema
    from wellbeing.domain.model import SurveyRun
    from wellbeing.service.reports import report as build_report

    context = client.application.extensions["staffroom"]
    with context.read_sessions() as session:
        built = build_report(session, session.get(SurveyRun, uuid.UUID(run["id"])), None)
    assert report == ReportSchema().dump(built)

    rows = list(csv.DictReader(io.StringIO(client.get(f"/runs/{run['id']}/report.csv",
                                                      headers=trust.hr()).get_data(as_text=True))))
    assert any(r["Question or measure"] == "Life satisfaction" and r["National benchmark"] == "7.45" for r in rows)
    # a measure beside its latest national figures, each saying whom it is for (issue 20: DfE's three waves made
    # three rows of one figure; SWEMWBS is set against all adults, not the men's norm or men's and women's apart)
    trust_rows = [r for r in rows if r["Groups"] == "The whole trust" and r["Figure"] == "Measure"]
    valued = [r for r in trust_rows if r["Question or measure"] == "Feeling valued"]
    assert [r["Benchmark year"] for r in valued] == ["2024 (wave 3)"]
    assert valued[0]["Benchmark is for"] == "teachers and leaders in state schools in England"
    wellbeing = [r for r in trust_rows if r["Question or measure"].startswith("Mental wellbeing")]
    assert [(r["National benchmark"], r["Benchmark is for"].split(" (")[0]) for r in wellbeing] == [
        ("23.4", "all adults aged 16+ in England")]
    # eNPS as the score the page shows (a whole number from -100 to +100), not as an average or a share
    [enps] = [r for r in trust_rows if r["Question or measure"] == "Employee Net Promoter Score"]
    whole = next(g for g in report["groups"] if g["cut"] == "trust")
    shown = next(m for m in whole["measures"] if m["key"] == "enps")
    assert (enps["eNPS score"], enps["Average"], enps["% favourable"]) == (str(round(shown["mean"])), "", "")
    assert any(r["Figure"] == "People who answered" and r["Groups"] == "The whole trust"
               and r["Response rate %"] == "100.0" for r in rows)
    # in words: no keys, ids or true/false for someone opening it in a spreadsheet
    cells = {cell for r in rows for cell in r.values()}
    assert not cells & {"True", "False", "trust", "academy_staff_type", "ons.life_satisfaction"}
    assert not any(str(v) in cells for v in trust.academies.values())
    comments = client.get(f"/runs/{run['id']}/comments", headers=trust.hr()).get_json()
    trust_texts = comments[0]["comments"][0]["texts"]
    assert comments[0]["cut"] == "trust" and "Fewer meetings" in trust_texts and trust_texts == sorted(trust_texts)
    drivers = client.get(f"/runs/{run['id']}/drivers", headers=trust.hr()).get_json()
    assert drivers["outcome"] == "enps" and drivers["drivers"] and all(d["n"] >= 5 for d in drivers["drivers"])

    [closed] = db.events("wellbeing.survey_closed")
    assert closed["payload"]["responses"] == 13
    [published] = db.events("wellbeing.results_published")
    academies = {g["academy_id"] for g in published["payload"]["groups"] if g["cut"] == "academy"}
    assert academies == {str(oak), str(trust.academies["Elm"])}


def test_academy_hr_sees_their_academy_and_trust_wide_figures_only(trust, client, answers):
    trust.academy("Oak", teaching=6)
    trust.academy("Elm", teaching=6)
    run, links = trust.open()
    for i, token in enumerate(links.values()):
        trust.answer(token, answers(2 + i % 4))
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr("Oak")).get_json()
    assert {g["academy_name"] for g in report["groups"]} == {None, "Oak"}
    assert client.get(f"/runs/{run['id']}/drivers?academy_id={trust.academies['Elm']}",
                      headers=trust.hr("Oak")).status_code == 403
    staff = trust.me(trust.staff["Oak"][0])
    assert client.get(f"/runs/{run['id']}/report", headers=staff).status_code == 403


def test_academy_hr_cannot_widen_their_academy_survey_to_the_trust_by_editing_it(trust, client):
    """Found by issue 19's third outsider: PATCH academy_ids [] on an academy's draft made it trust-wide."""
    trust.academy("Oak", teaching=5)
    trust.academy("Elm", teaching=5)
    oak_hr = trust.hr("Oak")
    run = trust.run(hr=oak_hr, owner_academy_id=str(trust.academies["Oak"]))
    widened = client.patch(f"/runs/{run['id']}", json={"academy_ids": []}, headers=oak_hr)
    assert widened.status_code == 200 and widened.get_json()["academy_ids"] == [str(trust.academies["Oak"])]
    elm = client.patch(f"/runs/{run['id']}", json={"academy_ids": [str(trust.academies["Elm"])]}, headers=oak_hr)
    assert elm.status_code == 403
    opened = client.post(f"/runs/{run['id']}/schedule", headers=oak_hr).get_json()
    assert opened["invited"] == 5 and set(trust.links(run["id"])) == {p["staff_id"] for p in trust.staff["Oak"]}


def test_a_survey_of_some_academies_names_its_whole_as_everyone_asked_there_not_the_trust(trust, client, answers):
    trust.academy("Oak", teaching=6)
    trust.academy("Elm", teaching=6)
    run, links = trust.open(academy_ids=[str(trust.academies["Oak"])])
    for i, token in enumerate(links.values()):
        assert trust.answer(token, answers(2 + i % 4)).status_code == 204
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
    assert report["everyone"] == "Everyone asked at Oak"
    csv = client.get(f"/runs/{run['id']}/report.csv", headers=trust.hr()).get_data(as_text=True)
    assert "\nEveryone asked at Oak,," in csv and "whole trust" not in csv
    import csv as csv_module
    import io
    assert {len(row) for row in csv_module.reader(io.StringIO(csv))} == {19}  # every row as wide as the header
    whole, links = trust.open()
    for i, token in enumerate(links.values()):
        assert trust.answer(token, answers(2 + i % 4)).status_code == 204
    trust.close(whole["id"])
    assert client.get(f"/runs/{whole['id']}/report", headers=trust.hr()).get_json()["everyone"] == "The whole trust"


def test_a_lost_link_is_replaced_and_the_old_one_stops_working(trust, client, answers):
    trust.academy("Oak", teaching=5)
    run, links = trust.open()
    person = trust.staff["Oak"][0]
    old = links[person["staff_id"]]
    trust.answer(old, {"hse.1": 2}, final=False)
    made = client.post(f"/runs/{run['id']}/link", headers=trust.me(person))
    assert made.status_code == 201
    new = made.get_json()["link"].split("#token=")[1]
    assert client.get("/survey", headers={"X-Survey-Token": old}).status_code == 404
    assert client.get("/survey", headers={"X-Survey-Token": new}).get_json()["saved"] == {}
    assert client.post(f"/runs/{run['id']}/link", headers=trust.me({"staff_id": uuid.uuid4(),
                                                                     "academy_id": None})).status_code == 404


def test_a_run_closed_early_is_dated_by_its_close_and_the_trend_lists_runs_in_the_order_they_closed(trust, client,
                                                                                                    answers):
    from datetime import date

    trust.academy("Oak", teaching=6)
    titles = ["Zebra survey", "Aardvark survey"]  # closed in this order; neither name nor id sorts them so
    for title in titles:
        run, links = trust.open(title=title)
        for i, token in enumerate(links.values()):
            assert trust.answer(token, answers(2 + i % 3)).status_code == 204
        closed = trust.close(run["id"])
        assert closed["closed_at"][:10] == str(date.today()) != closed["closes_on"]
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
    [series] = [s for s in report["trend"] if s["measure"] == "enps"]
    assert [p["title"] for p in series["points"]] == titles
    assert all(p["closed_on"] == str(date.today()) for p in series["points"])


def test_the_report_csv_opens_text_that_looks_like_a_formula_as_text(trust, client, answers):
    """Academy HR name academies and write questions; trust HR open the CSV: nothing typed may run there."""
    trust.academy("=cmd|' /C calc'!A0", teaching=6)
    run, links = trust.open(questions=[{"key": "sums", "text": "+1+1 is two", "scale": "agreement5"},
                                       {"key": "minus", "text": "-2+3 is one", "scale": "agreement5"}])
    for i, token in enumerate(links.values()):
        assert trust.answer(token, {**answers(2 + i % 3), "custom.sums": 4, "custom.minus": 2}).status_code == 204
    trust.close(run["id"])
    rows = list(csv.reader(io.StringIO(client.get(f"/runs/{run['id']}/report.csv",
                                                  headers=trust.hr()).get_data(as_text=True))))
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'+1+1 is two" in cells and "'-2+3 is one" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_a_group_with_support_staff_is_not_compared_with_teachers_figures_in_the_report_and_its_csv(
        trust, client, answers):
    """Outsider, issue 20: the page said DfE's figures (teachers and leaders) were "not compared" with a group that
    counts support staff, while the CSV called the same rows better or worse. The service decides, for both."""
    trust.academy("Oak", teaching=6, support=6)
    run, links = trust.open()
    for i, token in enumerate(links.values()):
        assert trust.answer(token, answers(2 + i % 4)).status_code == 204
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report?cut=trust", headers=trust.hr()).get_json()
    [whole] = report["groups"]
    valued = next(m for m in whole["measures"] if m["key"] == "trust.valued")
    assert {b["comparison"] for b in valued["benchmarks"]} == {"not comparable"}, valued
    rows = list(csv.DictReader(io.StringIO(client.get(f"/runs/{run['id']}/report.csv?cut=trust",
                                                      headers=trust.hr()).get_data(as_text=True))))
    compared = {r["Compared with the benchmark"] for r in rows if r["Question or measure"] == "Feeling valued"}
    assert compared == {"not compared: the national figure is for other staff"}


def test_ours_is_level_with_a_national_figure_to_the_places_it_was_published_to():
    """Outsider, issue 20: 23.18 was "worse" than a published 23.2 on a scale of 7 to 35."""
    from wellbeing.service.reports import _compare

    assert _compare(23.18, 23.2, True) == "level with"
    assert _compare(23.14, 23.2, True) == "below"
    assert _compare(65.7, 66, True) == "level with" and _compare(65.4, 66, True) == "below"
    assert _compare(7.454, 7.45, True) == "level with" and _compare(7.46, 7.45, True) == "above"
    assert _compare(3.3, 3.23, False) == "below"  # anxiety: lower is better
