"""Bad input and illegal steps: a 4xx application/problem+json that says what to fix, and nothing changed."""
import uuid

import pytest


@pytest.mark.parametrize("body, pointer", [
    ({"title": "", "kind": "internal_course", "provider": "x", "delivery_mode": "online", "cost": "1"}, "#/title"),
    # one line: a title goes into emails' subjects (issue 20: a line break there stopped every email)
    ({"title": "Middle\r\nBcc: x@evil.example", "kind": "internal_course", "provider": "x", "delivery_mode": "online",
      "cost": "1"}, "#/title"),
    ({"title": "x", "kind": "webinar", "provider": "x", "delivery_mode": "online", "cost": "1"}, "#/kind"),
    ({"title": "x", "kind": "internal_course", "provider": "x", "delivery_mode": "online", "cost": "-1"}, "#/cost"),
    ({"title": "x", "kind": "internal_course", "provider": "x", "delivery_mode": "online", "cost": "abc"}, "#/cost"),
    ({"title": "x", "kind": "internal_course", "provider": "x", "delivery_mode": "online", "cost": -1e-9}, "#/cost"),
    ({"title": "x", "kind": "internal_course", "provider": "x", "delivery_mode": "online", "cost": "2e3"}, "#/cost"),
    ({"title": "x", "kind": "npq", "npq": "NPQXYZ", "provider": "x", "delivery_mode": "online", "cost": "1"}, "#/npq"),
    ({"title": "x", "kind": "internal_course", "provider": "x", "delivery_mode": "online", "cost": "1",
      "colour": "red"}, "#/colour"),
])
def test_a_bad_programme_is_422_naming_the_field(client, trust, problem, unchanged, body, pointer):
    unchanged()
    found = problem(client.post("/programmes", json=body, headers=trust.trust_hr.headers), 422)
    assert pointer in [e["pointer"] for e in found["errors"]]


def test_an_npq_without_its_name_breaks_a_rule(client, trust, problem, unchanged):
    unchanged()
    body = {"title": "x", "kind": "npq", "provider": "x", "delivery_mode": "online", "cost": "1"}
    assert "names which one" in problem(client.post("/programmes", json=body, headers=trust.trust_hr.headers), 422)["detail"]


def test_a_cohort_ending_before_it_starts_is_422(client, trust, steps, problem, unchanged):
    p = steps.programme()
    unchanged()
    found = problem(client.post(f"/programmes/{p['id']}/cohorts", json={"name": "x", "starts_on": "2027-02-01",
                    "ends_on": "2027-01-01", "capacity": 3}, headers=trust.oak_hr.headers), 422)
    assert found["detail"] == "the cohort ends (1 January 2027) before it starts (1 February 2027)"


def test_capacity_below_the_places_given_is_409(client, trust, steps, problem, unchanged):
    cohort = steps.offered("0.00", capacity=2, requires_approval=False)
    steps.request(cohort, trust.teacher)
    steps.request(cohort, trust.ta)
    unchanged()
    body = problem(client.patch(f"/cohorts/{cohort['id']}", json={"capacity": 1}, headers=trust.oak_hr.headers), 409)
    assert body["detail"] == (f"the cohort '{cohort['name']}' has 2 confirmed places; its places cannot go below "
                              f"that (withdraw places first)")


def test_asking_twice_for_the_same_cohort_is_409(client, trust, steps, problem, unchanged):
    cohort = steps.offered()
    steps.request(cohort, trust.teacher)
    unchanged()
    problem(client.post("/enrolments", json={"cohort_id": cohort["id"], "reason": "again"},
                        headers=trust.teacher.headers), 409)


def test_asking_for_an_unknown_cohort_is_404(client, trust, problem, unchanged):
    unchanged()
    problem(client.post("/enrolments", json={"cohort_id": str(uuid.uuid4()), "reason": "x"},
                        headers=trust.teacher.headers), 404)


def test_a_deactivated_programme_takes_no_requests(client, trust, steps, problem, unchanged):
    cohort = steps.offered()
    assert client.put(f"/programmes/{cohort['programme_id']}/active", json={"active": False},
                      headers=trust.oak_hr.headers).status_code == 200
    unchanged()
    problem(client.post("/enrolments", json={"cohort_id": cohort["id"], "reason": "x"},
                        headers=trust.oak_hr.headers), 409)
    assert client.get("/programmes", headers=trust.teacher.headers).json["total"] == 0


def test_completing_before_a_place_is_given_is_409(client, trust, steps, problem, unchanged):
    e = steps.request(steps.offered(), trust.teacher)
    unchanged()
    body = problem(client.post(f"/enrolments/{e['id']}/completion", json={}, headers=trust.hod.headers), 409)
    assert body["detail"] == ("to be marked complete, an enrolment must be confirmed; this one is waiting for the "
                              "line manager's approval")


def test_approving_twice_is_409(client, trust, steps, problem, unchanged):
    e = steps.placed()
    unchanged()
    problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=trust.hod.headers), 409)
    # HR too, told it is approved already, not "the line manager approves first" (second outsider, issue 20)
    detail = problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=trust.oak_hr.headers), 409)["detail"]
    assert detail == "this request is not waiting for approval: it is approved, with a place"


@pytest.mark.parametrize("name, body", [("attendance", {"percent": 101}), ("attendance", {"percent": "ninety"}),
                                        ("evaluation", {"rating": 6, "notes": "x"}), ("decline", {}),
                                        ("completion", {"completed_on": "2999-01-01"})])
def test_bad_step_input_is_422(client, trust, steps, problem, unchanged, name, body):
    e = steps.placed()
    unchanged()
    who = trust.teacher if name == "evaluation" else trust.hod
    problem(client.post(f"/enrolments/{e['id']}/{name}", json=body, headers=who.headers), 422)


@pytest.mark.parametrize("schedule", [[[24, 50], [12, 100]], [[12, 50], [24, 100]], [[12]], []])
def test_a_bad_repayment_schedule_is_422(client, trust, problem, unchanged, schedule):
    unchanged()
    problem(client.put("/settings", json={"approval_threshold": "500", "agreement_threshold": "1000",
                                          "repayment_schedule": schedule}, headers=trust.trust_hr.headers), 422)


@pytest.mark.parametrize("query", ["kind=webinar", "min_cost=10&max_cost=5", "colour=red", "page=0",
                                   # a hair below zero rounded to -0.00, and an exponent, were taken (fuzzing, issue 22)
                                   "max_cost=-6.571486955081992e-122", "max_cost=1e2", "min_cost=-0.001"])
def test_a_bad_catalogue_filter_is_422(client, trust, problem, query):
    problem(client.get(f"/programmes?{query}", headers=trust.teacher.headers), 422)
