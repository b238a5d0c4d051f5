"""The targets page for the four induction targets, on the real targets API (SQLite, in process) fed with cpd's
induction events: every figure reads as a head would count it by hand, each person listed says why in plain words
with dates as people write them, the trust's period is shown and changed on the page, and no target key, field key
or ISO date reaches the screen."""
from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.identity import DevSignIn
from staffroom_portal.ui import day
from staffroom_shared.auth import ensure_dev_keys
from staffroom_shared.config import ServiceConfig
from staffroom_shared.events import new_event
from staffroom_shared.testing import ConsumerWorld

TODAY = datetime.now(timezone.utc).date()
HR = "5d1b4a0e-8f3c-4c2a-9b7e-1a2b3c4d5e6f"
OAK, ELM = uuid.uuid4(), uuid.uuid4()
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _directory(environ, start_response):
    """The directory as far as the development sign-in asks it: trust HR's own record."""
    if environ["PATH_INFO"] in (f"/staff/{HR}", "/staff/me"):
        body = {"id": HR, "academy_id": str(OAK), "first_name": "Amira", "last_name": "Patel", "post": "HR Director"}
        start_response("200 OK", [("Content-Type", "application/json")])
    else:
        body = {"title": "Not Found", "status": 404, "detail": "There is no such thing"}
        start_response("404 Not Found", [("Content-Type", "application/problem+json")])
    return [json.dumps(body).encode()]


class Trust:
    """The targets service with Oak and Elm, and the portal in front of it, trust HR signed in."""

    def __init__(self, tmp_path, portal_db):
        from targets import bootstrap
        from targets.entrypoints.web import create_app as targets_app

        private, public = ensure_dev_keys(tmp_path / "keys")
        env = {"STAFFROOM_DATA_DIR": str(tmp_path), "JWT_PUBLIC_KEY_FILE": str(public), "LOG_LEVEL": "WARNING"}
        config = ServiceConfig.from_env("targets", env)
        bootstrap.migrate(config)
        self.targets = targets_app(config)
        self.world = ConsumerWorld(bootstrap, self.targets.extensions["staffroom"])
        suite = DispatcherMiddleware(_directory, {"/api/targets": self.targets, "/api/directory": _directory})
        portal_config = ServiceConfig(service="portal", database_url=portal_db, bus_url="",
                                      jwt_public_key_file=str(public))
        self.portal = create_app(portal_config, backend=Backend(transport=httpx.WSGITransport(app=suite)),
                                 dev_sign_in=DevSignIn(private), environ={})
        self.portal.config.update(WTF_CSRF_ENABLED=False)
        self.client = self.portal.test_client()
        signed_in = self.client.post("/sign-in/dev", data={"staff_id": HR, "role": "trust_hr"})
        assert signed_in.status_code == 302 and "/sign-in" not in signed_in.location
        for academy_id, name in ((OAK, "Oak Academy"), (ELM, "Elm Academy")):
            self.send("academy.registered", {"academy_id": academy_id, "name": name, "urn": "140001",
                                             "phase": "primary"}, "directory")

    def send(self, event_type: str, payload: dict, producer: str = "cpd") -> None:
        self.world.deliver(new_event(event_type, payload, producer=producer, correlation_id="test",
                                     academy_id=payload["academy_id"]))

    def ect(self, academy_id, first: str, last: str, leaving_date: date | None = None) -> dict:
        person = self.world.person(academy_id=academy_id, first_name=first, last_name=last, post="Class Teacher",
                                   staff_type="teaching", start_date=TODAY - timedelta(days=900),
                                   leaving_date=leaving_date)
        self.world.deliver(self.world.staff_event("staff.joined", person))
        return person

    def induction(self, person: dict, starts_on: date) -> dict:
        ref = {"induction_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"]}
        self.send("cpd.induction_started", {**ref, "starts_on": starts_on, "expected_completion": starts_on +
                                            timedelta(days=700), "appropriate_body": "Teaching School Hub",
                                            "programme_type": "provider-led", "tutor_id": None, "mentor_id": None})
        return ref

    def named(self, ref: dict, on: date) -> None:
        self.send("cpd.induction_people_assigned", {**ref, "tutor_id": uuid.uuid4(), "mentor_id": uuid.uuid4(),
                                                    "assigned_on": on})

    def page(self, path: str, status: int = 200) -> str:
        response = self.client.get(path)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_data(as_text=True)


@pytest.fixture
def trust(tmp_path, portal_db):
    found = Trust(tmp_path, portal_db)
    yield found
    found.targets.extensions["staffroom"].engine.dispose()


def words(page: str) -> str:
    """What a person reads: the main content's text, tags and attributes gone, spaces collapsed."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])
    return re.sub(r"\s+", " ", text).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")


def test_a_tutor_and_a_mentor_within_two_weeks_reads_as_counted_by_hand(trust):
    start = TODAY - timedelta(weeks=6)
    ada, ben, cleo = (trust.ect(OAK, "Ada", "Ontime"), trust.ect(OAK, "Ben", "Late"),
                      trust.ect(ELM, "Cleo", "Waiting"))
    trust.named(trust.induction(ada, start), start + timedelta(days=14))
    trust.named(trust.induction(ben, start), start + timedelta(days=15))
    trust.induction(cleo, start)

    text = words(trust.page("/targets/ect_tutor_and_mentor"))
    assert "For the whole trust, as of" in text and "33% (1 of 3)" in text
    assert "whose first 2 weeks of it ended" in text
    assert "Tutor and mentor named within 2 weeks of starting induction" in text
    due = day(start + timedelta(days=14))
    assert (f"Ben Late Class Teacher Oak Academy Both an induction tutor and a mentor were due by {due}; the "
            f"second was named on {day(start + timedelta(days=15))}") in text
    assert f"Cleo Waiting Class Teacher Elm Academy Still without an induction tutor or a mentor; both were due by " \
           f"{due}" in text
    assert "2 people to follow up" in text
    assert "ect_" not in text and "{" not in text and "_" not in text and not ISO_DATE.search(text)

    oak = words(trust.page(f"/targets/ect_tutor_and_mentor?academy_id={OAK}"))
    assert "For Oak Academy" in oak and "50% (1 of 2)" in oak


def test_trust_hr_give_three_weeks_on_the_page_and_the_figure_follows(trust):
    start = TODAY - timedelta(weeks=6)
    for first in ("Ada", "Ben"):
        trust.named(trust.induction(trust.ect(OAK, first, "Teacher"), start), start + timedelta(days=15))
    form = {"threshold": "100", "at_risk_below": "90", "window_months": "12", "deadline": ""}

    refused = trust.client.post("/targets/ect_tutor_and_mentor", data={**form, "period": "60"})
    assert refused.status_code == 422
    text = words(refused.get_data(as_text=True))
    assert "Enter a number of weeks from 1 to 52." in text and "0% (0 of 2)" in text

    changed = trust.client.post("/targets/ect_tutor_and_mentor", data={**form, "period": "3"},
                                follow_redirects=True)
    text = words(changed.get_data(as_text=True))
    assert "tutor and mentor named within 3 weeks of starting induction" in text
    assert "100% (2 of 2)" in text and "whose first 3 weeks of it ended" in text
    assert 'name="period"' not in trust.page("/targets/reviews_on_time")  # a target with no period has no field


def test_reviews_timetable_and_retention_say_why_each_person_is_listed(trust):
    dana = trust.ect(OAK, "Dana", "Slow")
    ref = trust.induction(dana, TODAY - timedelta(days=200))
    due, late_due = TODAY - timedelta(days=40), TODAY - timedelta(days=100)
    trust.send("cpd.induction_item_due", {**ref, "kind": "progress_review", "stage": "overdue", "due_on": due,
                                          "school_year": 2026, "term_number": 2, "tutor_id": None})
    trust.send("cpd.induction_review_held", {**ref, "kind": "first_formal_assessment", "due_on": late_due,
                                             "held_on": late_due + timedelta(days=1)})
    trust.send("cpd.induction_timetable_recorded", {**ref, "school_year": 2026, "term_number": 1,
                                                    "percent": "92.00", "cap_percent": "90.00"})
    text = words(trust.page("/targets/ect_reviews_on_time"))
    assert "0% (0 of 2)" in text
    assert f"The progress review was due on {day(due)} and has not been held" in text
    assert f"The first formal assessment was held after its due date, {day(late_due)}" in text
    text = words(trust.page("/targets/ect_timetable_reduction"))
    assert "0% (0 of 1)" in text
    assert (f"Taught more than the most allowed in term 1 of 2026 to 2027 (92% taught, at most 90%); recorded on "
            f"{day(TODAY)}") in text

    passed_on, left_on = TODAY - timedelta(days=300), TODAY - timedelta(days=10)
    stayed, gone = trust.ect(ELM, "Eve", "Stayed"), trust.ect(ELM, "Finn", "Gone", leaving_date=left_on)
    for person in (stayed, gone):
        ref = trust.induction(person, TODAY - timedelta(days=1000))
        trust.send("cpd.induction_ended", {**ref, "outcome": "passed", "ended_on": passed_on})
    text = words(trust.page("/targets/ects_retained"))
    assert "0% (0 of 1)" in text  # Eve's year is not up yet; Finn has gone
    assert f"Passed induction on {day(passed_on)}; left on {day(left_on)}" in text
    assert "Looked for in post 12 months after passing induction" in text
    assert not ISO_DATE.search(text)
