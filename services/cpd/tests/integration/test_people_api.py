"""Development plans and future leaders over HTTP: who may see and do what, audited, bad input refused."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from cpd import bootstrap
from cpd.entrypoints.web import create_app
from staffroom_shared.bus import Delivery
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures

TODAY = date.today()
tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)


@dataclass
class Person:
    id: str
    academy_id: str
    headers: dict


PEOPLE = [  # key, academy, post, line manager, roles
    ("head", "oak", "Headteacher", None, ("staff",)),
    ("manager", "oak", "Head of Maths", "head", ("staff",)),
    ("teacher", "oak", "Teacher of Maths", "manager", ("staff",)),
    ("colleague", "oak", "Teacher of English", "head", ("staff",)),
    ("oak_hr", "oak", "HR Officer", "head", ("staff", "academy_hr")),
    ("elm_head", "elm", "Headteacher", None, ("staff",)),
    ("elm_hr", "elm", "HR Officer", "elm_head", ("staff", "academy_hr")),
]


@pytest.fixture
def db(app):
    return ServiceDb(app)


@pytest.fixture
def trust(app, db, tokens) -> dict:
    """Two academies; everyone joins through staff.joined, as over the bus, so everyone has a plan."""
    academies = {"oak": uuid.uuid4(), "elm": uuid.uuid4()}
    ids = {key: uuid.uuid4() for key, *_ in PEOPLE}
    context = app.extensions["staffroom"]
    inbox = InboxConsumer("cpd", context.uow, bootstrap.HANDLERS)

    def deliver(event):
        inbox(Delivery(message_id=str(event.id), routing_key=event.type, body=json.dumps(event.to_dict()).encode(),
                       headers={}, attempt=1))

    for name, academy_id in academies.items():
        deliver(new_event("academy.registered", {"academy_id": academy_id, "name": f"{name.title()} Academy",
                                                 "urn": "14000" + str(len(name)), "phase": "primary"},
                          producer="directory", correlation_id="seed"))
    for key, academy, post, manager, _roles in PEOPLE:
        deliver(new_event("staff.joined", {
            "staff_id": ids[key], "academy_id": academies[academy], "first_name": key.title(), "last_name": "Smith",
            "email": f"{key}@oaktrust.example", "staff_type": "leadership" if "Head" in post else "teaching",
            "post": post, "fte": "1.00", "start_date": date.today() - timedelta(days=60), "leaving_date": None,
            "line_manager_id": ids[manager] if manager else None}, producer="directory", correlation_id="seed",
            academy_id=academies[academy]))
    people = {key: Person(str(ids[key]), str(academies[academy]),
                          tokens.headers(ids[key], roles=list(roles), academy_id=academies[academy]))
              for key, academy, _post, _manager, roles in PEOPLE}
    trust_hr = uuid.uuid4()
    people["trust_hr"] = Person(str(trust_hr), None, tokens.headers(trust_hr, roles=["trust_hr"]))
    people["stranger"] = Person(str(uuid.uuid4()), str(academies["oak"]),
                                tokens.headers(uuid.uuid4(), roles=["staff"], academy_id=academies["oak"]))
    people["elm"] = str(academies["elm"])
    people["deliver"] = deliver
    return people


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


# -- plans ---------------------------------------------------------------------------------------

def test_a_member_of_staff_reads_their_own_plan_with_its_induction_item(client, trust):
    plan = ok(client.get("/plans/me", headers=trust["teacher"].headers))
    assert (plan["staff_id"], plan["role"], plan["created_because"]) == (trust["teacher"].id, "Teacher of Maths", "joined")
    assert plan["staff_name"] == "Teacher Smith"
    assert [(i["title"], i["source"], i["status"]) for i in plan["items"]] == [
        ("Induction for new staff", "induction", "suggested")]


@pytest.mark.parametrize("who,sees", [("teacher", True), ("manager", True), ("oak_hr", True), ("trust_hr", True),
                                      ("head", False), ("colleague", False), ("elm_hr", False), ("stranger", False)])
def test_who_may_read_a_plan(client, trust, who, sees):
    plan_id = ok(client.get("/plans/me", headers=trust["teacher"].headers))["id"]
    response = client.get(f"/plans/{plan_id}", headers=trust[who].headers)
    if sees:
        assert ok(response)["id"] == plan_id
    else:
        assert "no such development plan" in problem(response, 404)["detail"]  # not even that it exists


def test_the_plan_list_is_each_callers_own_scope(client, trust):
    def staff_ids(who, query=""):
        return {p["staff_id"] for p in ok(client.get(f"/plans{query}", headers=trust[who].headers))}

    assert staff_ids("teacher") == {trust["teacher"].id}
    assert staff_ids("manager") == {trust["manager"].id, trust["teacher"].id}
    oak = {trust[k].id for k in ("head", "manager", "teacher", "colleague", "oak_hr")}
    assert staff_ids("oak_hr") == oak
    assert len(staff_ids("trust_hr")) == 7
    assert staff_ids("trust_hr", f"?academy_id={trust['elm']}") == {trust["elm_head"].id, trust["elm_hr"].id}
    problem(client.get(f"/plans?academy_id={trust['elm']}", headers=trust["oak_hr"].headers), 403)
    problem(client.get("/plans?staff=1", headers=trust["oak_hr"].headers), 422)


def test_a_member_of_staff_adds_a_goal_linked_to_an_appraisal_objective_audited(client, db, trust):
    plan_id = ok(client.get("/plans/me", headers=trust["teacher"].headers))["id"]
    appraisal_id, objective_id = str(uuid.uuid4()), str(uuid.uuid4())
    goal = ok(client.post(f"/plans/{plan_id}/items", headers=trust["teacher"].headers, json={
        "title": "Lead the Year 5 maths intervention", "appraisal_id": appraisal_id, "objective_id": objective_id,
        "due_on": (TODAY + timedelta(days=90)).isoformat()}), 201)
    assert (goal["source"], goal["status"], goal["objective_id"]) == ("appraisal_objective", "accepted", objective_id)
    own = ok(client.post(f"/plans/{plan_id}/items", headers=trust["teacher"].headers, json={"title": "Learn Python"}), 201)
    assert own["source"] == "own_goal"

    (added, _) = [r for r in db.audit(plan_id) if r["action"] == "add_a_goal"]
    assert added["actor"] == trust["teacher"].id and added["changes"]["item"]["objective_id"] == objective_id


def test_a_line_manager_or_hr_reads_but_does_not_write_the_plan(client, db, trust):
    plan_id = ok(client.get("/plans/me", headers=trust["teacher"].headers))["id"]
    before = db.snapshot()
    for who in ("manager", "oak_hr"):
        problem(client.post(f"/plans/{plan_id}/items", headers=trust[who].headers, json={"title": "x"}), 403)
    problem(client.post(f"/plans/{plan_id}/items", headers=trust["colleague"].headers, json={"title": "x"}), 404)
    assert db.snapshot() == before


def test_suggested_items_are_accepted_dismissed_and_completed_by_their_owner(client, db, trust):
    plan = ok(client.get("/plans/me", headers=trust["teacher"].headers))
    item = plan["items"][0]["id"]
    base = f"/plans/{plan['id']}/items/{item}"

    problem(client.post(f"{base}/complete", headers=trust["teacher"].headers), 409)  # not accepted yet
    assert ok(client.post(f"{base}/accept", headers=trust["teacher"].headers))["status"] == "accepted"
    assert ok(client.post(f"{base}/complete", headers=trust["teacher"].headers))["status"] == "done"
    before = db.snapshot()
    assert "is done, so it cannot be dismissed" in problem(client.post(f"{base}/dismiss", headers=trust["teacher"].headers), 409)["detail"]
    problem(client.post(f"/plans/{plan['id']}/items/{uuid.uuid4()}/accept", headers=trust["teacher"].headers), 404)
    assert db.snapshot() == before
    assert [r["changes"]["status"] for r in db.audit(plan["id"])] == [["suggested", "accepted"], ["accepted", "done"]]


def test_bad_goals_are_refused_and_change_nothing(client, db, trust):
    plan_id = ok(client.get("/plans/me", headers=trust["teacher"].headers))["id"]
    before = db.snapshot()
    for body in ({}, {"title": ""}, {"title": "x" * 301}, {"title": "ok", "objective_id": str(uuid.uuid4())},
                 {"title": "ok", "due_on": "next week"}, {"title": "ok", "status": "done"}):
        problem(client.post(f"/plans/{plan_id}/items", headers=trust["teacher"].headers, json=body), 422)
    assert db.snapshot() == before


def test_someone_in_post_before_cpd_began_starts_their_own_plan(client, db, tokens, trust):
    # In the staff copy but with no plan (their staff.joined was before CPD existed).
    staff_id, academy_id = uuid.uuid4(), uuid.UUID(trust["teacher"].academy_id)
    db.insert("staff", {"staff_id": staff_id, "academy_id": academy_id, "first_name": "Sam", "last_name": "Smith",
                        "email": "sam@oaktrust.example", "staff_type": "support", "post": "Site Manager",
                        "start_date": date(2010, 9, 1), "leaving_date": None, "line_manager_id": None})
    headers = tokens.headers(staff_id, roles=["staff"], academy_id=academy_id)
    assert "POST /plans/me" in problem(client.get("/plans/me", headers=headers), 404)["detail"]

    plan = ok(client.post("/plans/me", headers=headers), 201)
    assert (plan["role"], plan["created_because"], plan["items"]) == ("Site Manager", "requested", [])
    assert ok(client.get("/plans/me", headers=headers))["id"] == plan["id"]
    assert db.events("cpd.plan_created")[-1]["payload"]["reason"] == "requested"
    problem(client.post("/plans/me", headers=trust["teacher"].headers), 409)  # already has one


# -- future leaders ---------------------------------------------------------------------------------

def _nominate(client, trust, who="manager", nominee="teacher"):
    return client.post("/future-leaders", headers=trust[who].headers,
                       json={"staff_id": trust[nominee].id, "reason": "Strong results; leads the maths hub"})


def test_a_line_manager_nominates_and_the_nominee_is_told(client, db, trust):
    nomination = ok(_nominate(client, trust), 201)
    assert (nomination["status"], nomination["nominated_by"], nomination["staff_name"]) == (
        "nominated", trust["manager"].id, "Teacher Smith")
    (told,) = db.events("cpd.future_leader_nominated")
    assert told["payload"]["staff_id"] == trust["teacher"].id and told["payload"]["nomination_id"] == nomination["id"]
    assert [r["action"] for r in db.audit(nomination["id"])] == ["nominate_future_leader"]
    problem(_nominate(client, trust, who="oak_hr"), 409)  # one open nomination at a time


@pytest.mark.parametrize("who,status", [("colleague", 403), ("elm_hr", 403), ("teacher", 403)])
def test_only_the_line_manager_or_hr_nominates(client, db, trust, who, status):
    before = db.snapshot()
    problem(_nominate(client, trust, who=who), status)
    assert db.snapshot() == before


def test_hr_nominates_and_lists_their_academys_future_leaders(client, trust):
    ok(_nominate(client, trust, who="oak_hr", nominee="colleague"), 201)
    ok(_nominate(client, trust, who="trust_hr", nominee="elm_hr"), 201)

    assert [n["staff_id"] for n in ok(client.get("/future-leaders", headers=trust["oak_hr"].headers))] == [trust["colleague"].id]
    assert len(ok(client.get("/future-leaders", headers=trust["trust_hr"].headers))) == 2
    assert len(ok(client.get(f"/future-leaders?academy_id={trust['elm']}", headers=trust["trust_hr"].headers))) == 1
    assert ok(client.get("/future-leaders", headers=trust["teacher"].headers)) == []
    problem(client.get(f"/future-leaders?academy_id={trust['elm']}", headers=trust["oak_hr"].headers), 403)


def test_the_nominee_accepts_then_hr_arranges_shadowing(client, db, trust):
    nomination = ok(_nominate(client, trust), 201)
    base = f"/future-leaders/{nomination['id']}"
    shadow = {"host_staff_id": trust["head"].id, "starts_on": TODAY.isoformat(),
              "ends_on": (TODAY + timedelta(days=5)).isoformat(), "focus": "Leading a whole-school behaviour policy"}
    problem(client.post(f"{base}/shadowing", headers=trust["oak_hr"].headers, json=shadow), 409)  # not accepted yet
    problem(client.post(f"{base}/response", headers=trust["manager"].headers, json={"accept": True}), 403)
    problem(client.get(base, headers=trust["colleague"].headers), 404)

    assert ok(client.post(f"{base}/response", headers=trust["teacher"].headers, json={"accept": True}))["status"] == "accepted"
    problem(client.post(f"{base}/response", headers=trust["teacher"].headers, json={"accept": False}), 409)
    problem(client.post(f"{base}/shadowing", headers=trust["manager"].headers, json=shadow), 403)
    placement = ok(client.post(f"{base}/shadowing", headers=trust["oak_hr"].headers, json=shadow), 201)
    assert placement["host_academy_id"] == trust["head"].academy_id

    (arranged,) = db.events("cpd.shadowing_arranged")
    assert arranged["payload"]["shadowing_id"] == placement["id"] and arranged["payload"]["staff_id"] == trust["teacher"].id
    assert [s["id"] for s in ok(client.get(base, headers=trust["teacher"].headers))["shadowing"]] == [placement["id"]]


def test_hr_arranges_a_secondment_that_the_daily_job_starts(client, app, db, trust):
    from cpd.service.daily_job import run_daily

    body = {"staff_id": trust["teacher"].id, "host_academy_id": trust["elm"], "post": "Acting Head of Maths",
            "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=180)).isoformat(),
            "substantive_post_kept": True, "recharge_amount": "12000.00"}
    problem(client.post("/secondments", headers=trust["manager"].headers, json=body), 403)
    problem(client.post("/secondments", headers=trust["oak_hr"].headers, json={**body, "host_academy_id": trust["teacher"].academy_id}), 422)
    problem(client.post("/secondments", headers=trust["oak_hr"].headers, json={**body, "host_academy_id": str(uuid.uuid4())}), 422)
    problem(client.post("/secondments", headers=trust["oak_hr"].headers, json={**body, "ends_on": TODAY.isoformat()}), 422)
    problem(client.post("/secondments", headers=trust["oak_hr"].headers, json={**body, "recharge_amount": "-1"}), 422)
    secondment = ok(client.post("/secondments", headers=trust["oak_hr"].headers, json=body), 201)
    assert (secondment["home_academy_id"], secondment["status"], secondment["recharge_amount"]) == (
        trust["teacher"].academy_id, "planned", "12000.00")
    assert db.events("cpd.secondment_started") == []

    run_daily(app.extensions["staffroom"].uow(actor="scheduler"))

    assert ok(client.get(f"/secondments/{secondment['id']}", headers=trust["elm_hr"].headers))["status"] == "started"
    assert ok(client.get(f"/secondments/{secondment['id']}", headers=trust["teacher"].headers))["status"] == "started"
    problem(client.get(f"/secondments/{secondment['id']}", headers=trust["colleague"].headers), 404)
    problem(client.post(f"/secondments/{secondment['id']}/cancel", headers=trust["oak_hr"].headers), 409)
    assert [s["id"] for s in ok(client.get("/secondments", headers=trust["elm_hr"].headers))] == [secondment["id"]]
    assert len(db.events("cpd.secondment_started")) == 1


def test_unauthenticated_calls_are_refused(client):
    for path in ("/plans/me", "/plans", "/future-leaders", "/secondments"):
        problem(client.get(path), 401)
