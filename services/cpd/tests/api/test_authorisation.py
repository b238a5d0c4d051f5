"""Who may do what: staff their own, line managers their reports' requests, academy HR their academy,
trust HR all. Someone with no business with a record learns nothing of it (404)."""
import pytest


def test_staff_browse_their_academys_and_trust_wide_programmes_only(client, trust, steps):
    steps.programme(title="Oak phonics", academy="oak")
    steps.programme(title="Elm behaviour", academy="elm")
    steps.programme(title="NPQ for senior leaders", academy=None, kind="npq", npq="NPQSL", cost="0.00")
    titles = sorted(p["title"] for p in client.get("/programmes", headers=trust.teacher.headers).json["items"])
    assert titles == ["NPQ for senior leaders", "Oak phonics"]
    assert len(client.get("/programmes", headers=trust.trust_hr.headers).json["items"]) == 3


def test_another_academys_programme_and_cohort_are_not_found(client, trust, steps, problem):
    cohort = steps.offered(academy="elm")
    problem(client.get(f"/programmes/{cohort['programme_id']}", headers=trust.teacher.headers), 404)
    problem(client.get(f"/cohorts/{cohort['id']}", headers=trust.teacher.headers), 404)
    problem(client.post("/enrolments", json={"cohort_id": cohort["id"], "reason": "x"},
                        headers=trust.teacher.headers), 404)


@pytest.mark.parametrize("who, academy, status", [
    ("teacher", "oak", 403), ("oak_hr", "oak", 201), ("oak_hr", "elm", 403), ("oak_hr", None, 403),
    ("trust_hr", None, 201), ("trust_hr", "elm", 201),
])
def test_who_may_add_a_programme(client, trust, who, academy, status):
    body = {"title": "Coaching", "kind": "internal_course", "provider": "Trust", "delivery_mode": "online",
            "cost": "0.00", "academy_id": getattr(trust, academy) if academy else None}
    assert client.post("/programmes", json=body, headers=getattr(trust, who).headers).status_code == status


def test_academy_hr_cannot_change_a_trust_wide_programme(client, trust, steps, problem):
    p = steps.programme(academy=None)
    problem(client.patch(f"/programmes/{p['id']}", json={"cost": "1.00"}, headers=trust.oak_hr.headers), 403)
    problem(client.put(f"/programmes/{p['id']}/active", json={"active": False}, headers=trust.oak_hr.headers), 403)


def test_only_trust_hr_sets_the_trusts_settings(client, trust, problem):
    body = {"approval_threshold": "1.00", "agreement_threshold": "2.00", "repayment_schedule": [[12, 100]]}
    problem(client.put("/settings", json=body, headers=trust.oak_hr.headers), 403)
    assert client.put("/settings", json=body, headers=trust.trust_hr.headers).status_code == 200


@pytest.mark.parametrize("who, status", [("teacher", 403), ("elm_hr", 403), ("oak_hr", 200), ("trust_hr", 200)])
def test_who_may_set_an_academys_budget(client, trust, who, status):
    assert client.put(f"/budgets/{trust.oak}/2026", json={"amount": "5000"},
                      headers=getattr(trust, who).headers).status_code == status


@pytest.mark.parametrize("who", ["teacher", "hod"])
def test_spend_is_for_hr(client, trust, problem, who):
    problem(client.get("/reports/spend?year_starting=2026", headers=getattr(trust, who).headers), 403)


@pytest.mark.parametrize("who, status", [
    ("teacher", 200), ("hod", 200), ("oak_hr", 200), ("trust_hr", 200),
    ("ta", 404), ("other_teacher", 404), ("head", 404), ("elm_hr", 404), ("elm_teacher", 404),
])
def test_who_sees_an_enrolment(client, trust, steps, who, status):
    e = steps.request(steps.offered(), trust.teacher)
    assert client.get(f"/enrolments/{e['id']}", headers=getattr(trust, who).headers).status_code == status


def test_lists_show_only_what_the_caller_may_see(client, trust, steps):
    cohort = steps.offered()
    mine = steps.request(cohort, trust.teacher)
    steps.request(cohort, trust.other_teacher)
    ids = lambda who: {e["id"] for e in client.get("/enrolments", headers=who.headers).json["items"]}  # noqa: E731
    assert ids(trust.teacher) == {mine["id"]}
    assert ids(trust.hod) == {mine["id"]}  # their report's, not the head's report's
    assert len(ids(trust.oak_hr)) == 2 and ids(trust.elm_hr) == set()


@pytest.mark.parametrize("who, status", [("ta", 404), ("head", 404), ("teacher", 403), ("elm_hr", 404)])
def test_only_the_line_manager_or_hr_approves(client, trust, steps, problem, who, status):
    e = steps.request(steps.offered(), trust.teacher)
    problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=getattr(trust, who).headers), status)


def test_hr_approves_first_only_for_someone_with_no_line_manager(client, trust, steps, problem):
    cohort = steps.offered()
    e = steps.request(cohort, trust.teacher)
    problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=trust.oak_hr.headers), 403)
    head = steps.request(cohort, trust.head)  # the head has no line manager on record
    assert steps.approve(head, trust.oak_hr)["status"] == "confirmed"


def test_hr_never_approves_their_own_request(client, trust, steps, problem):
    e = steps.request(steps.offered("600.00"), trust.oak_hr)
    steps.approve(e, trust.head)
    problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=trust.oak_hr.headers), 403)
    assert steps.approve(e, trust.trust_hr)["status"] == "confirmed"


@pytest.mark.parametrize("who, status", [("teacher", 200), ("oak_hr", 200), ("trust_hr", 200), ("hod", 404),
                                         ("ta", 404), ("elm_hr", 404)])
def test_a_training_agreement_is_the_participants_and_hrs(client, trust, steps, who, status):
    e = steps.request(steps.offered("1500.00"), trust.teacher)
    steps.approve(e, trust.hod)
    e = steps.approve(e, trust.oak_hr)
    assert client.get(f"/agreements/{e['agreement_id']}", headers=getattr(trust, who).headers).status_code == status
    listed = client.get("/agreements", headers=getattr(trust, who).headers).json
    assert (e["agreement_id"] in {a["id"] for a in listed}) == (status == 200)


def test_only_the_participant_evaluates(client, trust, steps, problem):
    e = steps.placed()
    steps.step(e, "completion", trust.hod, {})
    problem(client.post(f"/enrolments/{e['id']}/evaluation", json={"rating": 5, "notes": "x"},
                        headers=trust.hod.headers), 403)


@pytest.mark.parametrize("who, status", [("teacher", 403), ("ta", 404), ("hod", 200), ("oak_hr", 200)])
def test_who_records_completion(client, trust, steps, who, status):
    e = steps.placed()
    assert client.post(f"/enrolments/{e['id']}/completion", json={},
                       headers=getattr(trust, who).headers).status_code == status


def test_no_token_is_401(client, problem):
    problem(client.get("/programmes"), 401)
