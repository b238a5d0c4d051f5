"""Bad input gets a clear 4xx problem and changes nothing."""
from __future__ import annotations

import uuid

import pytest

PROBLEM = "application/problem+json"
KEY = "induction_for_new_starters"


@pytest.fixture
def before(trust, db):
    trust.starter(trust.oak)
    return db.snapshot()


def _refused(response, status, db, before):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM and response.get_json()["status"] == status
    assert db.snapshot() == before


@pytest.mark.parametrize("body, pointer", [
    ({"threshold": 101}, "threshold"),
    ({"threshold": -5}, "threshold"),
    ({"threshold": "all of them"}, "threshold"),
    ({"threshold": "NaN"}, "threshold"),
    ({"at_risk_below": 100.5}, "at_risk_below"),
    ({"window_months": 0}, "window_months"),
    ({"window_months": "12"}, "window_months"),
    ({"window_months": 12.5}, "window_months"),
    ({"deadline": "end of term"}, "deadline"),
    ({"academy_ids": ["not-a-uuid"]}, "academy_ids"),
    ({"academy_ids": "all"}, "academy_ids"),
    ({"surprise": 1}, "surprise"),
    ({"benchmarks": [{"figure": "enps", "statistic": "median", "value": 0}]}, "statistic"),
    ({"benchmarks": [{"figure": "Bad Key", "statistic": "mean", "value": 0}]}, "figure"),
    ({"benchmarks": [{"figure": "enps", "statistic": "mean"}]}, "value"),
])
def test_a_bad_definition_is_refused_field_by_field(trust, client, db, before, body, pointer):
    response = client.put(f"/targets/{KEY}", json=body, headers=trust.trust_hr())
    _refused(response, 422, db, before)
    assert pointer in str(response.get_json()["errors"])


@pytest.mark.parametrize("key, body, detail", [
    (KEY, {"threshold": 80, "at_risk_below": 90}, "cannot be above the threshold (80%)"),
    (KEY, {"at_risk_below": 95, "threshold": 90}, "at-risk line (95%) cannot be above"),
    (KEY, {"benchmarks": [{"figure": "enps", "statistic": "mean", "value": 0}]}, "takes no benchmarks"),
    ("engagement_vs_benchmark", {"benchmarks": []}, "at least one benchmark"),
])
def test_a_definition_that_makes_no_sense_is_refused(trust, client, db, before, key, body, detail):
    response = client.put(f"/targets/{key}", json=body, headers=trust.trust_hr())
    _refused(response, 422, db, before)
    assert detail in response.get_json()["detail"]


@pytest.mark.parametrize("body, pointer, detail", [
    ({}, "_schema", "give at least one setting to change"),
    ({"threshold": 101}, "threshold", None),
    ({"threshold": "ninety"}, "threshold", None),
    ({"threshold": 85}, "at_risk_below", "the at-risk line (90%) cannot be above the threshold (85%)"),
    ({"at_risk_below": 100, "threshold": 99}, "at_risk_below", "cannot be above the threshold (99%)"),
    ({"window_months": "12"}, "window_months", None),
    ({"deadline": "31/07/2027"}, "deadline", None),
    ({"deadline": "2199-07-31"}, "deadline", None),
    ({"academy_ids": ["oak"]}, "academy_ids/0", None),
    ({"colour": "red"}, "colour", None),
])
def test_a_bad_change_is_refused_naming_the_setting_and_changes_nothing(trust, client, db, before, body, pointer,
                                                                       detail):
    response = client.patch(f"/targets/{KEY}", json=body, headers=trust.trust_hr())
    _refused(response, 422, db, before)
    assert f"#/{pointer}" in [e["pointer"] for e in response.get_json()["errors"]]
    if detail:
        assert detail in response.get_json()["detail"] + str(response.get_json()["errors"])


def test_a_refused_setting_says_how_to_put_it_right_beside_it(trust, client, db, before):
    response = client.patch(f"/targets/{KEY}", json={"threshold": 85}, headers=trust.trust_hr())
    _refused(response, 422, db, before)
    assert response.get_json()["errors"] == [{"location": "json", "pointer": "#/at_risk_below",
                                              "detail": "Set it at or below the threshold (85%)."}]


def test_only_trust_hr_changes_a_target(trust, client, db, before):
    body = {"threshold": 50, "at_risk_below": 40}
    for headers in (trust.academy_hr(trust.oak), trust.staff(), trust.tokens.headers(uuid.uuid4(), roles=("service",))):
        _refused(client.patch(f"/targets/{KEY}", json=body, headers=headers), 403, db, before)
    _refused(client.patch(f"/targets/{KEY}", json=body), 401, db, before)
    _refused(client.patch("/targets/happiness", json=body, headers=trust.trust_hr()), 404, db, before)
    _refused(client.patch(f"/targets/{KEY}", data="{not json", content_type="application/json",
                          headers=trust.trust_hr()), 400, db, before)


def test_malformed_unknown_and_unauthenticated_requests(trust, client, db, before):
    hr = trust.trust_hr()
    _refused(client.put(f"/targets/{KEY}", data="{not json", content_type="application/json", headers=hr), 400, db,
             before)
    _refused(client.put(f"/targets/{KEY}", json={"threshold": 50, "at_risk_below": 40}), 401, db, before)
    _refused(client.get("/targets"), 401, db, before)
    _refused(client.put("/targets/happiness", json={"threshold": 50, "at_risk_below": 40}, headers=hr), 404, db,
             before)
    _refused(client.get("/targets/happiness", headers=hr), 404, db, before)
    _refused(client.get("/targets/happiness/people", headers=hr), 404, db, before)
    _refused(client.get("/targets/happiness/trend", headers=hr), 404, db, before)
    _refused(client.get("/targets/engagement_vs_benchmark/people", headers=hr), 404, db, before)
    _refused(client.get("/targets/satisfaction_with_investment/people", headers=hr), 404, db, before)
    _refused(client.get("/targets?academy_id=oak", headers=hr), 422, db, before)
    _refused(client.get("/targets?colour=red", headers=hr), 422, db, before)
    _refused(client.get(f"/targets/{KEY}?academy_id={uuid.uuid4()}&x=1", headers=hr), 422, db, before)
    _refused(client.get(f"/targets/{KEY}/people?academy_id=42", headers=hr), 422, db, before)
    _refused(client.get(f"/targets/{KEY}/trend?since=yesterday", headers=hr), 422, db, before)
    _refused(client.delete(f"/targets/{KEY}", headers=hr), 405, db, before)
