"""The induction targets through the API: figures, the definition with the trust's period in words, the people
behind them for each kind of HR, and trust HR changing the period (judged again at once, refused in plain words)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from staffroom_shared.events import new_event

from .conftest import TODAY

KEY = "ect_tutor_and_mentor"
PROBLEM = "application/problem+json"


def _induction(trust, person: dict, weeks_ago: int, named_after_days: int | None) -> None:
    """An ECT whose induction started `weeks_ago`, given a tutor and mentor `named_after_days` after (None: not)."""
    starts_on = TODAY - timedelta(weeks=weeks_ago)
    ref = {"induction_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"]}
    trust.world.deliver(new_event("cpd.induction_started", {
        **ref, "starts_on": starts_on, "expected_completion": starts_on + timedelta(days=700),
        "appropriate_body": "Teaching School Hub", "programme_type": "provider-led", "tutor_id": None,
        "mentor_id": None}, producer="cpd", correlation_id="test", academy_id=person["academy_id"]))
    if named_after_days is not None:
        trust.world.deliver(new_event("cpd.induction_people_assigned", {
            **ref, "tutor_id": uuid.uuid4(), "mentor_id": uuid.uuid4(),
            "assigned_on": starts_on + timedelta(days=named_after_days)},
            producer="cpd", correlation_id="test", academy_id=person["academy_id"]))


def _figures(body) -> dict:
    return {f["academy_id"]: (f["numerator"], f["denominator"], f["value"], f["status"]) for f in body["figures"]}


def _ects(trust):
    on_time = trust.starter(trust.oak, first_name="Ada", last_name="Ontime")
    late = trust.starter(trust.oak, first_name="Ben", last_name="Late")
    elm = trust.starter(trust.elm, first_name="Cleo", last_name="Elm")
    _induction(trust, on_time, 6, 14)
    _induction(trust, late, 6, 15)
    _induction(trust, elm, 6, None)
    return on_time, late, elm


def test_trust_hr_sees_the_figure_with_the_period_in_words_and_who_is_behind_it(trust, client):
    _, late, elm = _ects(trust)
    body = client.get(f"/targets/{KEY}", headers=trust.trust_hr()).get_json()
    assert (body["period"], body["period_unit"]) == (2, "weeks")
    assert "first 2 weeks of it" in body["definition"] and "{period}" not in body["definition"]
    assert _figures(body) == {None: (1, 3, 33.3, "at_risk"), str(trust.oak): (1, 2, 50.0, "at_risk"),
                              str(trust.elm): (0, 1, 0.0, "at_risk")}
    people = client.get(f"/targets/{KEY}/people", headers=trust.trust_hr()).get_json()
    assert [(p["last_name"], p["state"]) for p in people] == [("Elm", "no_people"), ("Late", "late")]
    assert people[1]["reason"].startswith("both an induction tutor and a mentor were due by {due_on}")


def test_academy_hr_see_their_own_academys_ects_only(trust, client):
    _ects(trust)
    people = client.get(f"/targets/{KEY}/people", headers=trust.academy_hr(trust.elm)).get_json()
    assert [p["last_name"] for p in people] == ["Elm"]
    refused = client.get(f"/targets/{KEY}/people?academy_id={trust.oak}", headers=trust.academy_hr(trust.elm))
    assert refused.status_code == 403
    assert client.get(f"/targets/{KEY}", headers=trust.staff()).status_code == 403


def test_trust_hr_gives_three_weeks_and_the_late_pair_counts_at_once(trust, client, db):
    _ects(trust)
    response = client.patch(f"/targets/{KEY}", json={"period": 3}, headers=trust.trust_hr())
    assert response.status_code == 200, response.get_json()
    body = client.get(f"/targets/{KEY}", headers=trust.trust_hr()).get_json()
    assert body["period"] == 3 and "first 3 weeks of it" in body["definition"]
    assert _figures(body)[str(trust.oak)] == (2, 2, 100.0, "met")
    assert db.audit(KEY)[-1]["changes"] == {"period": {"from": 2, "to": 3}}


def test_a_period_out_of_range_or_for_a_target_without_one_is_refused_in_plain_words(trust, client, db):
    _ects(trust)
    before = db.snapshot()
    for key, body, fix in ((KEY, {"period": 53}, "Enter a number of weeks from 1 to 52."),
                           ("ects_retained", {"period": 0}, None),
                           ("reviews_on_time", {"period": 4}, "Leave the period out for this target.")):
        response = client.patch(f"/targets/{key}", json=body, headers=trust.trust_hr())
        assert response.status_code == 422 and response.mimetype == PROBLEM, response.get_json()
        errors = response.get_json()["errors"]
        assert [e["pointer"] for e in errors] == ["#/period"]
        if fix:
            assert errors[0]["detail"] == fix and key not in response.get_json()["detail"]
        assert db.snapshot() == before
    put = client.put("/targets/ects_retained", json={"threshold": 95}, headers=trust.trust_hr()).get_json()
    assert put["period"] == 12  # left out of a PUT: back to its default
