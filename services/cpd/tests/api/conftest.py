"""The CPD app on a temporary SQLite database and embedded bus, as the one-command run builds it."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from cpd import bootstrap
from cpd.entrypoints.web import create_app
from staffroom_shared.events import parse_event
from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures

TODAY = date.today()
TABLES = ("staff", "academies", "settings", "budgets", "programmes", "cohorts", "enrolments", "training_agreements",
          "outbox", "audit_log")

tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)


@pytest.fixture
def db(app):
    return ServiceDb(app, TABLES)


@dataclass
class Person:
    id: str
    academy_id: str | None
    headers: dict


@dataclass
class Trust:
    """Oak: a head, a head of maths managing a teacher and a TA, another teacher under the head, Oak's HR officer.
    Elm: a head, a teacher, Elm's HR officer. And trust HR."""

    oak: str
    elm: str
    head: Person
    hod: Person
    teacher: Person
    other_teacher: Person
    ta: Person
    oak_hr: Person
    elm_head: Person
    elm_teacher: Person
    elm_hr: Person
    trust_hr: Person


PEOPLE = [  # key, academy, first, last, line manager, roles
    ("head", "oak", "Hannah", "Hughes", None, ("staff",)),
    ("hod", "oak", "Dev", "Davies", "head", ("staff",)),
    ("teacher", "oak", "Tom", "Taylor", "hod", ("staff",)),
    ("other_teacher", "oak", "Lily", "Lewis", "head", ("staff",)),
    ("ta", "oak", "Tara", "Thomas", "hod", ("staff",)),
    ("oak_hr", "oak", "Olga", "Owen", "head", ("staff", "academy_hr")),
    ("elm_head", "elm", "Ewan", "Evans", None, ("staff",)),
    ("elm_teacher", "elm", "Rhys", "Roberts", "elm_head", ("staff",)),
    ("elm_hr", "elm", "Ella", "Ellis", "elm_head", ("staff", "academy_hr")),
]


@pytest.fixture(scope="session")
def cast(tokens) -> dict:
    academies = {"oak": str(uuid.uuid4()), "elm": str(uuid.uuid4())}
    people = {}
    for key, academy, _first, _last, _manager, roles in PEOPLE:
        staff_id = uuid.uuid4()
        people[key] = Person(str(staff_id), academies[academy],
                             tokens.headers(staff_id, roles=list(roles), academy_id=academies[academy]))
    trust_hr_id = uuid.uuid4()
    people["trust_hr"] = Person(str(trust_hr_id), None, tokens.headers(trust_hr_id, roles=["trust_hr"]))
    return {"academies": academies, "people": people}


@pytest.fixture
def trust(db, cast) -> Trust:
    academies, people = cast["academies"], cast["people"]
    db.insert("academies", {"academy_id": uuid.UUID(academies["oak"]), "name": "Oak Primary Academy", "urn": "140001"},
              {"academy_id": uuid.UUID(academies["elm"]), "name": "Elm Secondary Academy", "urn": "140002"})
    db.insert("staff", *[{
        "staff_id": uuid.UUID(people[key].id), "academy_id": uuid.UUID(academies[academy]), "first_name": first,
        "last_name": last, "email": f"{first}.{last}@oaktrust.example".lower(), "staff_type": "teaching",
        "post": "Teacher", "start_date": date(2019, 9, 1), "leaving_date": None,
        "line_manager_id": uuid.UUID(people[manager].id) if manager else None,
    } for key, academy, first, last, manager, _roles in PEOPLE])
    return Trust(oak=academies["oak"], elm=academies["elm"], **people)


class Steps:
    """The journey's requests, each asserting it worked; tests use them to reach a stage, then try the next."""

    def __init__(self, client, trust: Trust):
        self.client, self.trust = client, trust

    def ok(self, response, status=200):
        assert response.status_code == status, response.get_data(as_text=True)
        return response.json

    def programme(self, cost="300.00", academy="oak", who=None, **overrides) -> dict:
        body = {"title": "Adaptive teaching", "kind": "external_course", "provider": "Ambition Institute",
                "delivery_mode": "blended", "cost": cost, "academy_id": getattr(self.trust, academy) if academy else None,
                "tags": ["Teachers' Standards", "TS5"], **overrides}
        who = who or (self.trust.oak_hr if academy == "oak" else self.trust.trust_hr)
        return self.ok(self.client.post("/programmes", json=body, headers=who.headers), 201)

    def cohort(self, programme: dict, capacity=10, who=None, **overrides) -> dict:
        # started a week ago, so a completion recorded today is after its start (issue 24 refuses one before it)
        body = {"name": "Spring", "starts_on": (TODAY - timedelta(days=7)).isoformat(),
                "ends_on": (TODAY + timedelta(days=90)).isoformat(), "capacity": capacity, **overrides}
        return self.ok(self.client.post(f"/programmes/{programme['id']}/cohorts", json=body,
                                        headers=(who or self.trust.trust_hr).headers), 201)

    def offered(self, cost="300.00", capacity=10, academy="oak", **overrides) -> dict:
        return self.cohort(self.programme(cost, academy, **overrides), capacity)

    def request(self, cohort: dict, who: Person, reason="Appraisal objective: adaptive teaching") -> dict:
        return self.ok(self.client.post("/enrolments", json={"cohort_id": cohort["id"], "reason": reason},
                                        headers=who.headers), 201)

    def step(self, enrolment: dict, name: str, who: Person, body=None) -> dict:
        return self.ok(self.client.post(f"/enrolments/{enrolment['id']}/{name}", json=body or {}, headers=who.headers))

    def approve(self, enrolment: dict, who: Person) -> dict:
        return self.step(enrolment, "approve", who)

    def get(self, enrolment: dict, who: Person) -> dict:
        return self.ok(self.client.get(f"/enrolments/{enrolment['id']}", headers=who.headers))

    def placed(self, who=None, cost="300.00", capacity=10) -> dict:
        """An Oak teacher (line manager: hod) with a confirmed place."""
        who = who or self.trust.teacher
        e = self.request(self.offered(cost, capacity), who)
        return self.approve(e, self.trust.hod)

    def settings(self, approval="500.00", agreement="1000.00", schedule=((12, 100), (24, 50))) -> dict:
        return self.ok(self.client.put("/settings", json={
            "approval_threshold": approval, "agreement_threshold": agreement,
            "repayment_schedule": [list(b) for b in schedule]}, headers=self.trust.trust_hr.headers))


@pytest.fixture
def steps(client, trust) -> Steps:
    return Steps(client, trust)


def payloads(db, event_type):
    """Outbox events of a type, each parsed against its versioned contract (raises if one breaks it)."""
    return [parse_event(envelope) for envelope in db.events(event_type)]


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


@pytest.fixture
def problem():
    return assert_problem


@pytest.fixture
def unchanged(db):
    """unchanged() once the scene is set; after the test, no table may differ from that moment."""
    state = {}

    def mark():
        state["before"] = db.snapshot()

    yield mark
    assert "before" in state, "call unchanged() once the scene is set"
    assert db.snapshot() == state["before"]
