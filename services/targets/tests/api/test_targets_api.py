"""HR reading the targets, their people and trend; trust HR setting a definition; who may see what."""
from __future__ import annotations

import uuid
from datetime import timedelta

from targets.domain.targets import TARGETS
from targets.service.daily_job import run_daily

from .conftest import TODAY

KEY = "induction_for_new_starters"


def figures(body: dict) -> dict:
    return {f["academy_id"]: (f["numerator"], f["denominator"], f["value"], f["status"]) for f in body["figures"]}


def test_trust_hr_sees_every_target_trust_wide_and_for_each_academy(trust, client):
    oak_starters = [trust.starter(trust.oak) for _ in range(3)]
    for person in oak_starters[:2]:
        trust.induct(person)
    trust.induct(trust.starter(trust.elm))

    response = client.get("/targets", headers=trust.trust_hr())
    assert response.status_code == 200
    body = {t["key"]: t for t in response.get_json()}
    assert list(body) == list(TARGETS)
    induction = body[KEY]
    assert induction["threshold"] == 100 and induction["at_risk_below"] == 90 and induction["window_months"] == 12
    assert induction["as_of"] == TODAY.isoformat() and "induction programme" in induction["definition"]
    assert figures(induction) == {None: (3, 4, 75.0, "at_risk"), str(trust.oak): (2, 3, 66.7, "at_risk"),
                                  str(trust.elm): (1, 1, 100.0, "met")}
    assert {f["academy_id"]: f["academy_name"] for f in induction["figures"]} == {
        None: None, str(trust.oak): "Oak Academy", str(trust.elm): "Elm Academy"}
    assert figures(body["reviews_on_time"])[None] == (0, 0, None, "no_data")
    engagement = body["engagement_vs_benchmark"]
    assert engagement["lists_people"] is False and len(engagement["benchmarks"]) == 2
    satisfaction = body["satisfaction_with_investment"]
    assert len(body) == 16 and satisfaction["lists_people"] is False and satisfaction["window_months"] == 24
    assert figures(satisfaction)[None] == (0, 0, None, "no_data")

    one = client.get(f"/targets/{KEY}?academy_id={trust.elm}", headers=trust.trust_hr()).get_json()
    assert figures(one) == {str(trust.elm): (1, 1, 100.0, "met")}

    people = client.get(f"/targets/{KEY}/people", headers=trust.trust_hr()).get_json()
    assert [(p["staff_id"], p["academy_name"], p["state"]) for p in people] == [
        (str(oak_starters[2]["staff_id"]), "Oak Academy", "no_induction")]
    assert people[0]["first_name"] == "Priya" and "induction" in people[0]["reason"]
    assert client.get(f"/targets/{KEY}/people?academy_id={trust.elm}", headers=trust.trust_hr()).get_json() == []


def test_academy_hr_sees_the_trust_and_their_own_academy_and_only_their_own_people(trust, client, db):
    oak_person = trust.starter(trust.oak)
    trust.starter(trust.elm)
    oak_hr = trust.academy_hr(trust.oak)

    body = {t["key"]: t for t in client.get("/targets", headers=oak_hr).get_json()}
    assert set(figures(body[KEY])) == {None, str(trust.oak)}
    assert set(figures(client.get(f"/targets/{KEY}", headers=oak_hr).get_json())) == {None, str(trust.oak)}

    people = client.get(f"/targets/{KEY}/people", headers=oak_hr).get_json()
    assert [p["staff_id"] for p in people] == [str(oak_person["staff_id"])]
    before = db.snapshot()
    for path in (f"/targets?academy_id={trust.elm}", f"/targets/{KEY}?academy_id={trust.elm}",
                 f"/targets/{KEY}/people?academy_id={trust.elm}", f"/targets/{KEY}/trend?academy_id={trust.elm}"):
        response = client.get(path, headers=oak_hr)
        assert response.status_code == 403, path
        assert response.mimetype == "application/problem+json"
    assert client.put(f"/targets/{KEY}", json={"threshold": 50, "at_risk_below": 40}, headers=oak_hr).status_code == 403
    assert db.snapshot() == before


def test_staff_see_no_targets(trust, client, db):
    person = trust.starter(trust.oak)
    before = db.snapshot()
    for headers in (trust.staff(person), trust.staff(), trust.tokens.headers(uuid.uuid4(), roles=("academy_hr",))):
        for path in ("/targets", f"/targets/{KEY}", f"/targets/{KEY}/people", f"/targets/{KEY}/trend",
                     f"/targets/{KEY}/people?academy_id={trust.oak}"):
            response = client.get(path, headers=headers)
            assert response.status_code == 403, (path, response.get_json())
        assert client.put(f"/targets/{KEY}", json={"threshold": 50, "at_risk_below": 40},
                          headers=headers).status_code == 403
    assert db.snapshot() == before


def test_trust_hr_sets_a_definition_judged_again_at_once_and_audited(trust, client, db):
    oak = [trust.starter(trust.oak) for _ in range(4)]
    for person in oak[:3]:
        trust.induct(person)
    trust.judge()
    assert [e["payload"]["status"] for e in db.events("targets.at_risk")] == ["at_risk", "at_risk"]

    response = client.put(f"/targets/{KEY}", json={"threshold": 75, "at_risk_below": 50, "deadline": "2030-07-31"},
                          headers=trust.trust_hr())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["threshold"], body["at_risk_below"], body["deadline"], body["window_months"]) == (
        75, 50, "2030-07-31", 12)
    assert figures(body)[None] == (3, 4, 75.0, "met")
    assert [(e["payload"]["academy_id"], e["payload"]["previous_status"]) for e in db.events("targets.met")] == [
        (None, "at_risk"), (str(trust.oak), "at_risk")]
    [audit] = db.audit(KEY)
    assert audit["action"] == "target_definition_set"
    assert audit["changes"]["threshold"] == {"from": 100.0, "to": 75.0}

    # PUT replaces: what is left out goes back to its default
    again = client.put(f"/targets/{KEY}", json={"window_months": 6}, headers=trust.trust_hr()).get_json()
    assert (again["threshold"], again["at_risk_below"], again["deadline"], again["window_months"]) == (
        100, 90, None, 6)
    assert client.get(f"/targets/{KEY}", headers=trust.trust_hr()).get_json()["window_months"] == 6


def test_engagement_benchmarks_can_be_replaced(trust, client):
    response = client.put("/targets/engagement_vs_benchmark", headers=trust.trust_hr(), json={
        "benchmarks": [{"figure": "ons.anxiety", "statistic": "mean", "value": 3.23, "higher_is_better": False,
                        "source": "ONS 2022/23"}]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["benchmarks"] == [{"figure": "ons.anxiety", "statistic": "mean", "value": 3.23,
                                                  "higher_is_better": False, "source": "ONS 2022/23"}]


def test_the_trend_is_the_daily_jobs_snapshots(trust, client, app):
    trust.starter(trust.oak)
    uow = app.extensions["staffroom"].uow
    run_daily(uow(), TODAY - timedelta(days=1))
    run_daily(uow(), TODAY)
    run_daily(uow(), TODAY)
    trend = client.get(f"/targets/{KEY}/trend", headers=trust.trust_hr()).get_json()
    assert trend["academy_id"] is None
    assert [(p["taken_on"], p["denominator"], p["status"]) for p in trend["points"]] == [
        ((TODAY - timedelta(days=1)).isoformat(), 1, "at_risk"), (TODAY.isoformat(), 1, "at_risk")]
    oak = client.get(f"/targets/{KEY}/trend?academy_id={trust.oak}&since={TODAY}",
                     headers=trust.academy_hr(trust.oak)).get_json()
    assert [(p["taken_on"], p["value"]) for p in oak["points"]] == [(TODAY.isoformat(), 0.0)]


def test_trust_hr_changes_the_threshold_and_deadline_and_the_rest_stays_as_set(trust, client, db):
    """PATCH (the portal's form): only what is sent changes; the academies and benchmarks it does not show stay."""
    oak = [trust.starter(trust.oak) for _ in range(4)]
    for person in oak[:3]:
        trust.induct(person)
    trust.starter(trust.elm)
    trust.judge()
    hr = trust.trust_hr()
    assert client.put(f"/targets/{KEY}", json={"academy_ids": [str(trust.oak)], "window_months": 6},
                      headers=hr).status_code == 200

    response = client.patch(f"/targets/{KEY}", json={"threshold": 75, "at_risk_below": 60, "deadline": "2030-07-31"},
                            headers=hr)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["threshold"], body["at_risk_below"], body["deadline"], body["window_months"], body["academy_ids"]) == (
        75, 60, "2030-07-31", 6, [str(trust.oak)])
    assert figures(body) == {None: (3, 4, 75.0, "met"), str(trust.oak): (3, 4, 75.0, "met")}
    # what the targets page reads, and what was announced through the outbox
    overview = {t["key"]: t for t in client.get("/targets", headers=hr).get_json()}[KEY]
    assert overview["threshold"] == 75 and figures(overview)[None] == (3, 4, 75.0, "met")
    assert [(e["payload"]["academy_id"], e["payload"]["threshold"]) for e in db.events("targets.met")] == [
        (None, 75.0), (str(trust.oak), 75.0)]
    change = db.audit(KEY)[-1]
    assert change["action"] == "target_definition_set" and change["actor"]
    assert change["changes"] == {"threshold": {"from": 100.0, "to": 75.0}, "at_risk_below": {"from": 90.0, "to": 60.0},
                                 "deadline": {"from": None, "to": "2030-07-31"}}


def test_a_deadline_passed_without_the_target_met_is_missed_and_clearing_it_makes_it_rolling(trust, client):
    for person in [trust.starter(trust.oak) for _ in range(2)][:1]:
        trust.induct(person)
    hr = trust.trust_hr()
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    missed = client.patch(f"/targets/{KEY}", json={"deadline": yesterday}, headers=hr).get_json()
    assert (missed["deadline"], figures(missed)[None]) == (yesterday, (1, 2, 50.0, "missed"))
    rolling = client.patch(f"/targets/{KEY}", json={"deadline": None}, headers=hr).get_json()
    assert (rolling["deadline"], figures(rolling)[None]) == (None, (1, 2, 50.0, "at_risk"))


def test_a_shorter_window_counts_fewer_starters(trust, client):
    trust.starter(trust.oak, days_ago=90)
    trust.induct(trust.starter(trust.oak, days_ago=10))
    hr = trust.trust_hr()
    assert figures(client.get(f"/targets/{KEY}", headers=hr).get_json())[None] == (1, 2, 50.0, "at_risk")
    shorter = client.patch(f"/targets/{KEY}", json={"window_months": 1}, headers=hr).get_json()
    assert (shorter["window_months"], figures(shorter)[None]) == (1, (1, 1, 100.0, "met"))


def test_changing_engagement_keeps_its_benchmarks(trust, client):
    hr = trust.trust_hr()
    before = client.get("/targets/engagement_vs_benchmark", headers=hr).get_json()["benchmarks"]
    after = client.patch("/targets/engagement_vs_benchmark", json={"threshold": 50}, headers=hr).get_json()
    assert after["threshold"] == 50 and after["benchmarks"] == before and len(before) == 2
