"""HR change a draft survey before it is scheduled, and preview its questions as respondents will see them."""
from __future__ import annotations

from datetime import date, timedelta

PROBLEM = "application/problem+json"
TODAY = date.today()


def test_hr_change_a_draft_title_sets_dates_and_who_is_asked(trust, client):
    trust.academy("Oak", teaching=5, support=5)
    trust.academy("Elm", teaching=5)
    run = trust.run(instruments=["enps", "trust_core"])
    changed = client.patch(f"/runs/{run['id']}", headers=trust.hr(), json={
        "title": "Spring survey", "instruments": ["ons4", "trust_core"], "staff_types": ["support"],
        "academy_ids": [str(trust.academies["Oak"])], "opens_on": str(TODAY + timedelta(days=1)),
        "closes_on": str(TODAY + timedelta(days=20))})
    assert changed.status_code == 200, changed.get_json()
    body = client.get(f"/runs/{run['id']}", headers=trust.hr()).get_json()
    assert (body["title"], body["instruments"], body["staff_types"], body["academy_ids"]) == (
        "Spring survey", ["ons4", "trust_core"], ["support"], [str(trust.academies["Oak"])])
    assert (body["opens_on"], body["closes_on"]) == (str(TODAY + timedelta(days=1)), str(TODAY + timedelta(days=20)))


def test_taking_enps_out_of_a_draft_moves_its_default_outcome_with_it(trust, client):
    run = trust.run(instruments=["enps", "trust_core"])
    assert run["outcome"] == "enps"
    changed = client.patch(f"/runs/{run['id']}", json={"instruments": ["trust_core"]}, headers=trust.hr())
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["instruments"] == ["trust_core"] and changed.get_json()["outcome"] == "trust.valued"
    back = client.patch(f"/runs/{run['id']}", json={"instruments": ["trust_core", "enps"]}, headers=trust.hr())
    assert back.get_json()["outcome"] == "enps"


def test_an_outcome_hr_chose_stays_while_it_is_still_asked(trust, client):
    run = trust.run(instruments=["enps", "trust_core"], outcome="trust.satisfied")
    changed = client.patch(f"/runs/{run['id']}", json={"instruments": ["trust_core"]}, headers=trust.hr())
    assert changed.get_json()["outcome"] == "trust.satisfied"


def test_a_scheduled_survey_cannot_be_changed_and_says_so(trust, client, db):
    trust.academy("Oak", teaching=5)
    run = trust.run(opens_on=str(TODAY + timedelta(days=3)), closes_on=str(TODAY + timedelta(days=10)))
    assert client.post(f"/runs/{run['id']}/schedule", headers=trust.hr()).get_json()["status"] == "scheduled"
    before = db.snapshot()
    for change in ({"title": "New"}, {"instruments": ["gallup"]}, {"closes_on": "2020-01-01"}):
        refused = client.patch(f"/runs/{run['id']}", json=change, headers=trust.hr())
        assert refused.status_code == 409 and refused.mimetype == PROBLEM
        assert "only a draft can" in refused.get_json()["detail"]
    assert db.snapshot() == before


def test_a_bad_change_to_a_draft_is_refused_and_changes_nothing(trust, client, db):
    run = trust.run(instruments=["enps"])
    before = db.snapshot()
    for change, status in (({"instruments": []}, 422), ({"instruments": ["gallup"]}, 422),
                           ({"closes_on": str(TODAY - timedelta(days=1))}, 422), ({"title": ""}, 422),
                           ({"min_group_size": 2}, 422), ({"staff_types": ["cooks"]}, 422), ({"status": "open"}, 422)):
        refused = client.patch(f"/runs/{run['id']}", json=change, headers=trust.hr())
        assert refused.status_code == status and refused.mimetype == PROBLEM, (change, refused.get_json())
    assert db.snapshot() == before


def test_hr_preview_a_draft_exactly_as_respondents_will_see_it(trust, client):
    trust.academy("Oak", teaching=5)
    run = trust.run(instruments=["swemwbs", "trust_core"],
                    questions=[{"key": "lunch", "text": "The staff room is a good place to eat lunch",
                                "scale": "agreement5"}])
    preview = client.get(f"/runs/{run['id']}/questionnaire", headers=trust.hr())
    assert preview.status_code == 200
    body = preview.get_json()
    assert [s["key"] for s in body["sections"]] == ["swemwbs", "trust_core", "custom"]
    assert body["saved"] == {} and body["title"] == "Autumn staff survey"
    # the same questionnaire the link opens once the survey is open
    client.post(f"/runs/{run['id']}/schedule", headers=trust.hr())
    token = next(iter(trust.links(run["id"]).values()))
    answering = client.get("/survey", headers={"X-Survey-Token": token, "X-Draft-Key": trust.browser}).get_json()
    assert answering["sections"] == body["sections"] and answering["scales"] == body["scales"]
    staff = trust.me(trust.staff["Oak"][0])
    assert client.get(f"/runs/{run['id']}/questionnaire", headers=staff).status_code == 403
