"""What HR do to the CPD catalogue and budgets from the portal (issue 20): set and change an academy's budget and
see what is left; add, change, retire and offer again a programme, whose places carry on. Each change audited;
bad input a 4xx problem that changes nothing."""
from datetime import timedelta
from decimal import Decimal

import pytest

from .conftest import TODAY


def budget_year(day) -> int:
    return day.year if day.month >= 9 else day.year - 1


def test_changing_a_budget_moves_what_is_left_and_is_audited(client, db, trust, steps):
    year = budget_year(TODAY + timedelta(days=30))  # the year steps' cohorts start in
    steps.placed(cost="300.00")
    for amount in ("1000", "1500.50"):
        response = client.put(f"/budgets/{trust.oak}/{year}", json={"amount": amount}, headers=trust.trust_hr.headers)
        assert response.status_code == 200, response.json
    assert response.json == {"academy_id": trust.oak, "year_starting": year, "amount": "1500.50"}
    [oak] = client.get(f"/reports/spend?year_starting={year}", headers=trust.oak_hr.headers).json["academies"]
    assert (oak["budget"], oak["spent"], oak["remaining"], oak["percent_used"]) == ("1500.50", "300.00", "1200.50", 20.0)
    assert client.get(f"/budgets?year_starting={year}", headers=trust.oak_hr.headers).json == [
        {"academy_id": trust.oak, "year_starting": year, "amount": "1500.50"}]
    audits = [a for a in db.audit(f"{trust.oak}/{year}") if a["action"] == "budget.set"]
    assert [a["changes"]["amount"] for a in audits] == [[None, "1000.00"], ["1000.00", "1500.50"]]
    assert {a["actor"] for a in audits} == {trust.trust_hr.id}


@pytest.mark.parametrize("body, pointer", [
    ({"amount": "-1"}, "#/amount"), ({"amount": "twelve thousand"}, "#/amount"), ({"amount": "1000000.01"}, "#/amount"),
    ({"amount": None}, "#/amount"), ({}, "#/amount"), ({"amount": "100", "year": 2026}, "#/year"),
])
def test_a_bad_budget_is_422_naming_the_amount_and_changes_nothing(client, trust, problem, unchanged, body, pointer):
    client.put(f"/budgets/{trust.oak}/2026", json={"amount": "900"}, headers=trust.oak_hr.headers)
    unchanged()
    found = problem(client.put(f"/budgets/{trust.oak}/2026", json=body, headers=trust.oak_hr.headers), 422)
    assert pointer in [e["pointer"] for e in found["errors"]]


@pytest.mark.parametrize("year", [1, 1999, 2101, 9999])
def test_a_budget_for_a_year_out_of_range_is_422_saying_which_years_and_changes_nothing(client, trust, problem,
                                                                                         unchanged, year):
    """Outsider 7, issue 20: it was 404 "there is no budget year with id 1"."""
    unchanged()
    found = problem(client.put(f"/budgets/{trust.oak}/{year}", json={"amount": "900"}, headers=trust.oak_hr.headers), 422)
    assert "from 2000 to 2100" in found["detail"] and " id " not in found["detail"]
    assert [e["pointer"] for e in found["errors"]] == ["#/year_starting"]


def test_a_change_to_a_programme_is_audited_and_places_keep_the_cost_they_were_asked_at(client, db, trust, steps):
    e = steps.placed(cost="300.00")
    changed = client.patch(f"/programmes/{e['programme_id']}", json={"cost": "350", "duration": "3 twilights",
                                                                       "title": "Adaptive teaching"},
                           headers=trust.oak_hr.headers)
    assert changed.status_code == 200, changed.json
    assert (changed.json["cost"], changed.json["duration"]) == ("350.00", "3 twilights")
    assert steps.get(e, trust.teacher)["cost"] == "300.00"
    [audit] = [a for a in db.audit(e["programme_id"]) if a["action"] == "programme.updated"]
    assert audit["changes"] == {"cost": ["300.00", "350.00"], "duration": ["", "3 twilights"]}  # only what changed


def test_a_retired_programme_keeps_its_places_and_takes_no_new_requests_until_offered_again(
        client, db, trust, steps, problem):
    e = steps.placed(cost="300.00")
    programme = f"/programmes/{e['programme_id']}"
    retired = client.put(f"{programme}/active", json={"active": False}, headers=trust.oak_hr.headers)
    assert retired.status_code == 200 and retired.json["active"] is False
    assert steps.get(e, trust.teacher)["status"] == "confirmed"  # the place carries on
    listed = client.get("/programmes?include_inactive=true", headers=trust.oak_hr.headers).json["items"]
    assert [(p["id"], p["active"]) for p in listed] == [(e["programme_id"], False)]
    assert client.get("/programmes", headers=trust.teacher.headers).json["total"] == 0
    problem(client.post("/enrolments", json={"cohort_id": e["cohort_id"], "reason": "x"},
                        headers=trust.ta.headers), 409)
    again = problem(client.put(f"{programme}/active", json={"active": False}, headers=trust.oak_hr.headers), 409)
    assert again["detail"] == "'Adaptive teaching' is already no longer offered"  # words, not an id
    dates = {"name": "Summer", "starts_on": str(TODAY + timedelta(days=60)), "ends_on": str(TODAY + timedelta(days=61)),
             "capacity": 5}
    closed = problem(client.post(f"{programme}/cohorts", json=dates, headers=trust.oak_hr.headers), 409)
    assert closed["detail"] == "'Adaptive teaching' is no longer offered; offer it again before adding dates"

    assert client.put(f"{programme}/active", json={"active": True}, headers=trust.oak_hr.headers).json["active"]
    assert client.post(f"{programme}/cohorts", json=dates, headers=trust.oak_hr.headers).status_code == 201
    assert [a["action"] for a in db.audit(e["programme_id"]) if a["action"].startswith("programme.")] == [
        "programme.created", "programme.deactivated", "programme.activated"]


def test_an_apprenticeship_without_its_off_the_job_time_says_what_is_missing(client, trust, problem, unchanged):
    unchanged()
    body = {"title": "Level 3 TA", "kind": "apprenticeship", "provider": "College", "delivery_mode": "blended",
            "cost": "0", "levy_funded": True}
    found = problem(client.post("/programmes", json=body, headers=trust.trust_hr.headers), 422)
    assert found["detail"] == "an apprenticeship records its off-the-job training time, at least 20% of paid hours"
    body["off_the_job_percent"] = 10
    assert problem(client.post("/programmes", json=body, headers=trust.trust_hr.headers), 422)["detail"].endswith(
        "at least 20% of paid hours (got 10%)")


def test_the_budget_amount_is_kept_to_the_penny(client, trust):
    assert client.put(f"/budgets/{trust.oak}/2026", json={"amount": "12000.5"},
                      headers=trust.oak_hr.headers).json["amount"] == "12000.50"
    assert Decimal(client.get("/budgets", headers=trust.trust_hr.headers).json[0]["amount"]) == Decimal("12000.50")


@pytest.mark.parametrize("hours", [-1, 5000.5, "six", "NaN"])
def test_a_programmes_hours_out_of_range_are_422_on_the_field_and_change_nothing(client, trust, problem, unchanged,
                                                                                 hours):
    unchanged()
    body = {"title": "Coaching", "kind": "internal_course", "provider": "Oak", "delivery_mode": "in_person",
            "cost": "0", "hours": hours}
    found = problem(client.post("/programmes", json=body, headers=trust.trust_hr.headers), 422)
    assert "hours" in str(found)


def test_a_programme_says_its_hours_and_hr_can_change_them(client, trust, steps):
    e = steps.placed(cost="300.00")
    changed = client.patch(f"/programmes/{e['programme_id']}", json={"hours": 12.5}, headers=trust.oak_hr.headers)
    assert changed.status_code == 200, changed.json
    assert changed.json["hours"] == 12.5
    assert client.patch(f"/programmes/{e['programme_id']}", json={"hours": None},
                        headers=trust.oak_hr.headers).json["hours"] is None
