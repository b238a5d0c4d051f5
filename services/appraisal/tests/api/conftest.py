"""The appraisal app on a temporary SQLite database and embedded bus, as the one-command run builds it."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from appraisal import bootstrap
from appraisal.entrypoints.web import create_app
from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures

MAX_BODY = 64 * 1024
TODAY = date.today()
TABLES = ("staff", "academies", "trained_appraisers", "cycles", "appraisals", "objectives", "progress_updates",
          "reviews", "observations", "meetings", "overdue_notices", "reminders", "outbox", "audit_log",
          "observation_templates", "action_steps")


tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app, max_body=MAX_BODY)


@pytest.fixture
def db(app):
    return ServiceDb(app, TABLES)


@dataclass
class Person:
    id: str
    academy_id: str
    name: str
    headers: dict


@dataclass
class Trust:
    """Oak: a head, a head of maths managing a teacher and a TA, and a teacher under the head. Elm: a head and a
    teacher. HR: Oak's academy HR (also a member of Oak's staff) and trust HR."""

    oak: str
    elm: str
    head: Person
    hod: Person
    teacher: Person
    other_teacher: Person
    ta: Person
    elm_head: Person
    elm_teacher: Person
    oak_hr: Person
    elm_hr: Person
    trust_hr: Person


PEOPLE = [  # key, academy, first, last, staff type, line manager, post, roles
    ("head", "oak", "Hannah", "Hughes", "leadership", None, "Headteacher", ("staff",)),
    ("hod", "oak", "Dev", "Davies", "teaching", "head", "Head of Maths", ("staff",)),
    ("teacher", "oak", "Tom", "Taylor", "teaching", "hod", "Teacher", ("staff",)),
    ("other_teacher", "oak", "Lily", "Lewis", "teaching", "head", "Teacher", ("staff",)),
    ("ta", "oak", "Tara", "Thomas", "support", "hod", "Teaching Assistant", ("staff",)),
    ("elm_head", "elm", "Ewan", "Evans", "leadership", None, "Headteacher", ("staff",)),
    ("elm_teacher", "elm", "Rhys", "Roberts", "teaching", "elm_head", "Teacher", ("staff",)),
    ("oak_hr", "oak", "Olga", "Owen", "support", "head", "HR Officer", ("staff", "academy_hr")),
    ("elm_hr", "elm", "Ella", "Ellis", "support", "elm_head", "HR Officer", ("staff", "academy_hr")),
]


@pytest.fixture(scope="session")
def cast(tokens) -> dict:
    """Ids and signed tokens, made once (signing is the slow part); each test's database gets the rows."""
    academies = {"oak": str(uuid.uuid4()), "elm": str(uuid.uuid4())}
    people = {}
    for key, academy, first, last, _type, _manager, _post, roles in PEOPLE:
        staff_id = uuid.uuid4()
        people[key] = Person(str(staff_id), academies[academy], f"{first} {last}",
                             tokens.headers(staff_id, roles=list(roles), academy_id=academies[academy]))
    trust_hr_id = uuid.uuid4()
    people["trust_hr"] = Person(str(trust_hr_id), None, "Trust HR", tokens.headers(trust_hr_id, roles=["trust_hr"]))
    return {"academies": academies, "people": people}


@pytest.fixture
def trust(db, cast) -> Trust:
    academies, people = cast["academies"], cast["people"]
    db.insert("academies", {"academy_id": uuid.UUID(academies["oak"]), "name": "Oak Primary Academy", "urn": "140001"},
              {"academy_id": uuid.UUID(academies["elm"]), "name": "Elm Secondary Academy", "urn": "140002"})
    db.insert("staff", *[{
        "staff_id": uuid.UUID(people[key].id), "academy_id": uuid.UUID(academies[academy]), "first_name": first,
        "last_name": last, "email": f"{first}.{last}@oaktrust.example".lower(), "staff_type": staff_type,
        "post": post, "start_date": date(2019, 9, 1), "leaving_date": None,
        "line_manager_id": uuid.UUID(people[manager].id) if manager else None,
    } for key, academy, first, last, staff_type, manager, post, _roles in PEOPLE])
    return Trust(oak=academies["oak"], elm=academies["elm"], **people)


def key_dates(objectives_in: int = 10, mid_year_in: int = 20, end_of_year_in: int = 30) -> dict:
    """Key dates around today (days from today), so 'on time' and 'late' do not depend on when the tests run."""
    return {"starts_on": (TODAY - timedelta(days=60)).isoformat(),
            "objectives_due": (TODAY + timedelta(days=objectives_in)).isoformat(),
            "mid_year_due": (TODAY + timedelta(days=mid_year_in)).isoformat(),
            "end_of_year_due": (TODAY + timedelta(days=end_of_year_in)).isoformat(),
            "ends_on": (TODAY + timedelta(days=200)).isoformat()}


@pytest.fixture(name="key_dates")
def key_dates_fixture():
    """key_dates(objectives_in, mid_year_in, end_of_year_in) -> the cycle's dates, in days from today."""
    return key_dates


class Steps:
    """The journey's requests, each asserting it worked; tests use them to reach a stage, then try the next."""

    def __init__(self, client, trust: Trust):
        self.client, self.trust = client, trust

    def ok(self, response, status=200):
        assert response.status_code == status, response.get_data(as_text=True)
        return response.json

    def cycle(self, template="teachers", academy="oak", who=None, **overrides) -> dict:
        body = {"name": f"{TODAY.year}/{TODAY.year + 1 - 2000} {template}", "template": template,
                "academy_id": getattr(self.trust, academy) if academy else None, **key_dates(), **overrides}
        return self.ok(self.client.post("/cycles", json=body, headers=(who or self.trust.trust_hr).headers), 201)

    def open(self, cycle: dict, who=None) -> dict:
        return self.ok(self.client.post(f"/cycles/{cycle['id']}/open", headers=(who or self.trust.trust_hr).headers))

    def appraisal_of(self, cycle: dict, person: Person) -> dict:
        found = self.ok(self.client.get(f"/appraisals?cycle_id={cycle['id']}&reviewee_id={person.id}",
                                        headers=self.trust.trust_hr.headers))["items"]
        assert len(found) == 1, found
        return found[0]

    def started(self, person_key="teacher", template="teachers", **cycle_overrides) -> dict:
        cycle = self.cycle(template, **cycle_overrides)
        self.open(cycle)
        return self.appraisal_of(cycle, getattr(self.trust, person_key))

    def add_objective(self, appraisal: dict, who: Person, **overrides) -> dict:
        body = {"title": "Raise Year 6 reading", "description": "By July, 85% of Year 6 reach the expected standard",
                "type": "pupil_outcomes", "success_criteria": "KS2 reading at or above 85%", **overrides}
        return self.ok(self.client.post(f"/appraisals/{appraisal['id']}/objectives", json=body,
                                        headers=who.headers), 201)

    def agree(self, appraisal: dict, who: Person) -> dict:
        return self.ok(self.client.post(f"/appraisals/{appraisal['id']}/objectives/agreement", headers=who.headers))

    def review_body(self, appraisal_id: str, **overrides) -> dict:
        current = self.get(appraisal_id, self.trust.trust_hr)
        return {"assessments": {o["id"]: {"rating": "met", "comment": "Good progress"} for o in current["objectives"]},
                "overall_outcome": "meets_expectations", "summary": "A strong year", **overrides}

    def review(self, appraisal: dict, stage: str, who: Person, **overrides) -> dict:
        return self.ok(self.client.post(f"/appraisals/{appraisal['id']}/reviews/{stage}",
                                        json=self.review_body(appraisal["id"], **overrides), headers=who.headers), 201)

    def get(self, appraisal_id: str, who: Person) -> dict:
        return self.ok(self.client.get(f"/appraisals/{appraisal_id}", headers=who.headers))

    # reach a stage for the teacher (appraiser: hod)
    def objectives_agreed(self, person_key="teacher", template="teachers", **cycle_overrides) -> dict:
        a = self.started(person_key, template, **cycle_overrides)
        reviewee = getattr(self.trust, person_key)
        appraiser = self._appraiser(a)
        self.add_objective(a, appraiser)
        self.add_objective(a, reviewee, title="Adaptive teaching", type="professional_practice")
        self.agree(a, appraiser)
        self.agree(a, reviewee)
        return a

    def mid_year_reviewed(self, **kwargs) -> dict:
        a = self.objectives_agreed(**kwargs)
        self.review(a, "mid-year", self._appraiser(a))
        return a

    def end_of_year_reviewed(self, **kwargs) -> dict:
        a = self.mid_year_reviewed(**kwargs)
        self.review(a, "end-of-year", self._appraiser(a), teaching_judgement="good_or_better")
        return a

    def _appraiser(self, a: dict) -> Person:
        return next(p for p in vars(self.trust).values() if isinstance(p, Person) and p.id == a["appraiser_id"])


@pytest.fixture
def steps(client, trust) -> Steps:
    return Steps(client, trust)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


@pytest.fixture
def problem():
    """assert_problem(response, status) -> body: the response is RFC 9457 problem+json with that status."""
    return assert_problem
