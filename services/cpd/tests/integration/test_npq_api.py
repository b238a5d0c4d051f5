"""NPQ places over HTTP on the one-command run's SQLite and embedded bus: HR register, record the provider's news,
funding and the outcome; a passed leadership NPQ puts its holder among the future leaders; who may read what; bad
input refused in plain words and nothing changed; the place in the holder's subject access copy; erasure."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from cpd import bootstrap
from cpd.entrypoints.web import create_app
from cpd.service.subject_access import HOLDINGS
from staffroom_shared.bus import Delivery
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures

TODAY = date.today()
STARTED = TODAY - timedelta(days=400)
tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)


@dataclass
class Person:
    id: str
    academy_id: str | None
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
def trust(app, tokens) -> dict:
    """Two academies; everyone joins through staff.joined, as over the bus."""
    academies = {"oak": uuid.uuid4(), "elm": uuid.uuid4()}
    ids = {key: uuid.uuid4() for key, *_ in PEOPLE}
    inbox = InboxConsumer("cpd", app.extensions["staffroom"].uow, bootstrap.HANDLERS)

    def deliver(event):
        inbox(Delivery(message_id=str(event.id), routing_key=event.type, body=json.dumps(event.to_dict()).encode(),
                       headers={}, attempt=1))

    for key, academy, post, manager, _roles in PEOPLE:
        deliver(new_event("staff.joined", {
            "staff_id": ids[key], "academy_id": academies[academy], "first_name": key.title(), "last_name": "Smith",
            "email": f"{key}@oaktrust.example", "staff_type": "leadership" if "Head" in post else "teaching",
            "post": post, "fte": "1.00", "start_date": TODAY - timedelta(days=900), "leaving_date": None,
            "line_manager_id": ids[manager] if manager else None}, producer="directory", correlation_id="seed",
            academy_id=academies[academy]))
    people = {key: Person(str(ids[key]), str(academies[academy]),
                          tokens.headers(ids[key], roles=list(roles), academy_id=academies[academy]))
              for key, academy, _post, _manager, roles in PEOPLE}
    trust_hr = uuid.uuid4()
    people["trust_hr"] = Person(str(trust_hr), None, tokens.headers(trust_hr, roles=["trust_hr"]))
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


def register(client, trust, who="teacher", course="NPQSL", by="oak_hr", **extra):
    return client.post("/npq-places", headers=trust[by].headers, json={
        "staff_id": trust[who].id, "course": course, "lead_provider": "Ambition Institute",
        "cohort_starts_on": STARTED.isoformat(), "funding": "scholarship", **extra})


def accepted(client, trust, **kwargs) -> dict:
    place = ok(register(client, trust, **kwargs), 201)
    return ok(client.post(f"/npq-places/{place['id']}/provider", json={"news": "accepted"},
                          headers=trust["oak_hr"].headers))


def test_hr_register_a_place_that_reads_in_plain_words_and_is_audited(client, db, trust):
    place = ok(register(client, trust), 201)
    assert (place["course"], place["course_name"], place["leadership"], place["lead_provider"], place["funding"],
            place["status"], place["staff_name"]) == (
        "NPQSL", "Senior Leadership", True, "Ambition Institute", "scholarship", "awaiting", "Teacher Smith")
    (row,) = [r for r in db.audit(place["id"]) if r["action"] == "register_npq"]
    assert row["actor"] == trust["oak_hr"].id
    assert ok(client.get("/npq-places/mine", headers=trust["teacher"].headers))[0]["id"] == place["id"]


def test_a_passed_leadership_npq_puts_its_holder_among_the_future_leaders(client, db, trust):
    place = accepted(client, trust)
    done = ok(client.post(f"/npq-places/{place['id']}/outcome", headers=trust["oak_hr"].headers,
                          json={"outcome": "passed", "completed_on": TODAY.isoformat()}))
    assert (done["status"], done["completed_on"]) == ("passed", TODAY.isoformat())
    (completed,) = db.events("cpd.npq_completed")
    assert (completed["payload"]["staff_id"], completed["payload"]["leadership"]) == (trust["teacher"].id, True)
    (told,) = db.events("cpd.future_leader_nominated")
    assert told["payload"]["staff_id"] == trust["teacher"].id
    (mine,) = ok(client.get("/future-leaders", headers=trust["teacher"].headers))
    assert mine["reason"].startswith("Passed the NPQ for Senior Leadership on ")
    assert mine["status"] == "nominated"
    # their line manager reads it, as any nomination of their report
    assert ok(client.get(f"/future-leaders/{mine['id']}", headers=trust["manager"].headers))["id"] == mine["id"]
    # and a second outcome changes nothing
    problem(client.post(f"/npq-places/{place['id']}/outcome", headers=trust["oak_hr"].headers,
                        json={"outcome": "failed", "completed_on": TODAY.isoformat()}), 409)
    assert len(db.events("cpd.future_leader_nominated")) == 1


def test_the_provider_news_and_funding_as_the_rules_allow(client, trust):
    place = ok(register(client, trust, course="NPQLT"), 201)
    path, hr = f"/npq-places/{place['id']}", trust["oak_hr"].headers
    refused = problem(client.post(f"{path}/provider", json={"news": "deferred"}, headers=hr), 409)
    assert "the lead provider must first accept the application" in refused["detail"]
    ok(client.post(f"{path}/provider", json={"news": "accepted"}, headers=hr))
    assert ok(client.post(f"{path}/provider", json={"news": "deferred"}, headers=hr))["status"] == "deferred"
    assert ok(client.post(f"{path}/provider", json={"news": "resumed"}, headers=hr))["status"] == "active"
    assert ok(client.put(f"{path}/funding", json={"funding": "academy"}, headers=hr))["funding"] == "academy"
    assert ok(client.post(f"{path}/provider", json={"news": "withdrawn"}, headers=hr))["status"] == "withdrawn"
    # withdrawn: the same NPQ may be taken again
    ok(register(client, trust, course="NPQLT"), 201)


@pytest.mark.parametrize("who,sees", [("teacher", True), ("manager", True), ("oak_hr", True), ("trust_hr", True),
                                      ("head", False), ("colleague", False), ("elm_hr", False)])
def test_who_may_read_a_place(client, trust, who, sees):
    place = ok(register(client, trust), 201)
    response = client.get(f"/npq-places/{place['id']}", headers=trust[who].headers)
    if sees:
        assert ok(response)["id"] == place["id"]
    else:
        assert "there is no such NPQ place" in problem(response, 404)["detail"]


def test_the_list_is_each_callers_own_scope_and_filters(client, trust):
    ok(register(client, trust), 201)
    ok(register(client, trust, who="colleague", course="NPQLL"), 201)
    ok(register(client, trust, who="elm_head", by="elm_hr", course="NPQH"), 201)

    def listed(who, query=""):
        return sorted(p["course"] for p in ok(client.get(f"/npq-places{query}", headers=trust[who].headers)))

    assert listed("oak_hr") == ["NPQLL", "NPQSL"]
    assert listed("trust_hr") == ["NPQH", "NPQLL", "NPQSL"]
    assert listed("trust_hr", f"?academy_id={trust['elm']}") == ["NPQH"]
    assert listed("oak_hr", "?course=NPQLL") == ["NPQLL"]
    cohort = ok(client.get("/npq-places", headers=trust["oak_hr"].headers))[0]["cohort"]
    assert listed("oak_hr", f"?cohort={cohort.replace(' ', '%20')}&status=awaiting") == ["NPQLL", "NPQSL"]
    assert listed("oak_hr", "?status=passed") == []
    assert listed("manager") == ["NPQSL"] and listed("colleague") == ["NPQLL"]
    assert listed("head") == ["NPQLL"]  # the colleague's line manager
    problem(client.get(f"/npq-places?academy_id={trust['elm']}", headers=trust["oak_hr"].headers), 403)
    problem(client.get("/npq-places?course=NPQX", headers=trust["oak_hr"].headers), 422)


def test_staff_and_other_academies_hr_change_nothing(client, db, trust):
    place = ok(register(client, trust), 201)
    for who in ("teacher", "manager"):
        problem(client.post(f"/npq-places/{place['id']}/provider", json={"news": "accepted"},
                            headers=trust[who].headers), 403)
    problem(client.post(f"/npq-places/{place['id']}/provider", json={"news": "accepted"},
                        headers=trust["elm_hr"].headers), 404)
    problem(register(client, trust, by="teacher", who="colleague"), 403)
    problem(register(client, trust, by="elm_hr"), 403)
    assert ok(client.get(f"/npq-places/{place['id']}", headers=trust["oak_hr"].headers))["status"] == "awaiting"


@pytest.mark.parametrize("body,field,words", [
    ({"course": "NPQX"}, "course", "Must be one of"),
    ({"lead_provider": "Ambition\u202e Institute"}, "lead_provider", ""),
    ({"lead_provider": ""}, "lead_provider", ""),
    ({"funding": "lottery"}, "funding", "Must be one of"),
    ({"cohort_starts_on": "soon"}, "cohort_starts_on", ""),
])
def test_bad_input_is_refused_in_words_and_registers_nothing(client, trust, body, field, words):
    refused = problem(register(client, trust, **body), 422)
    assert field in json.dumps(refused) and words in json.dumps(refused)
    assert ok(client.get("/npq-places", headers=trust["oak_hr"].headers)) == []


def test_an_outcome_in_the_future_or_a_second_place_is_refused_in_words(client, trust):
    place = accepted(client, trust)
    later = (TODAY + timedelta(days=3))
    refused = problem(client.post(f"/npq-places/{place['id']}/outcome", headers=trust["oak_hr"].headers,
                                  json={"outcome": "passed", "completed_on": later.isoformat()}), 422)
    assert "which has not happened yet" in refused["detail"] and later.isoformat() not in refused["detail"]
    assert "already have a place on the NPQ for Senior Leadership" in problem(register(client, trust), 409)["detail"]


def test_the_place_is_in_the_holders_subject_access_copy_and_its_audit_values_go_on_erasure(client, db, trust, app):
    place = ok(register(client, trust), 201)
    (held,) = [h for h in HOLDINGS if h.table.name == "npq_places"]
    with app.extensions["staffroom"].engine.connect() as conn:
        rows = conn.execute(held.table.select().where(held.about(uuid.UUID(trust["teacher"].id)))).all()
    assert [str(r.id) for r in rows] == [place["id"]]
    assert db.audit(place["id"])[0]["changes"]["lead_provider"] == "Ambition Institute"
    trust["deliver"](new_event("staff.erased", {
        "staff_id": trust["teacher"].id, "academy_id": trust["teacher"].academy_id, "first_name": "Erased",
        "last_name": "Person", "email": "erased@oaktrust.example", "staff_type": "teaching",
        "post": "Erased", "fte": "1.00", "start_date": TODAY - timedelta(days=900), "leaving_date": TODAY,
        "line_manager_id": None, "erased_on": TODAY}, producer="directory", correlation_id="erase"))
    assert [r["changes"] for r in db.audit(place["id"])] == [None]  # who did what and when stays; the values go
    kept = ok(client.get(f"/npq-places/{place['id']}", headers=trust["oak_hr"].headers))
    assert (kept["course"], kept["status"]) == ("NPQSL", "awaiting")  # the place stays, as other places do
