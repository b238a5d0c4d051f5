"""The wellbeing app on a temporary SQLite database and embedded bus, as the one-command run builds it."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures, survey_link
from wellbeing import bootstrap
from wellbeing.entrypoints.web import create_app

TODAY = date.today()
TABLES = ("staff", "academies", "runs", "invitations", "drafts", "ballots", "drivers",
          "comments", "results", "actions", "outbox", "audit_log")
ALL_INSTRUMENTS = ["hse_indicator", "swemwbs", "ons4", "enps", "trust_core"]

tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)


@pytest.fixture
def db(app):
    return ServiceDb(app, TABLES)


@dataclass
class Trust:
    """Academies with staff (teaching unless said), their HR officers and trust HR; helpers to run a survey."""

    client: object
    db: ServiceDb
    tokens: object
    academies: dict[str, uuid.UUID] = field(default_factory=dict)
    staff: dict[str, list[dict]] = field(default_factory=dict)
    browser: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # the key a browser keeps (X-Draft-Key)

    def academy(self, name: str, teaching: int, support: int = 0, *, started=date(2015, 9, 1)) -> uuid.UUID:
        academy_id = self.academies[name] = uuid.uuid4()
        self.db.insert("academies", {"academy_id": academy_id, "name": name})
        people = []
        for i in range(teaching + support):
            person = {"staff_id": uuid.uuid4(), "academy_id": academy_id, "first_name": f"P{i}", "last_name": name,
                      "email": f"p{i}@{name.lower()}.example", "staff_type": "teaching" if i < teaching else "support",
                      "start_date": started, "leaving_date": None}
            people.append(person)
        if people:
            self.db.insert("staff", *people)
        self.staff[name] = people
        return academy_id

    def hr(self, academy: str | None = None) -> dict:
        if academy is None:
            return self.tokens.headers(uuid.uuid4(), roles=("staff", "trust_hr"))
        return self.tokens.headers(uuid.uuid4(), roles=("staff", "academy_hr"), academy_id=self.academies[academy])

    def me(self, person: dict) -> dict:
        return self.tokens.headers(person["staff_id"], academy_id=person["academy_id"])

    def run(self, *, instruments=ALL_INSTRUMENTS, hr=None, **extra) -> dict:
        body = {"title": "Autumn staff survey", "instruments": instruments, "opens_on": str(TODAY),
                "closes_on": str(TODAY + timedelta(days=14)), **extra}
        made = self.client.post("/runs", json=body, headers=hr or self.hr())
        assert made.status_code == 201, made.get_json()
        return made.get_json()

    def open(self, **extra) -> tuple[dict, dict[uuid.UUID, str]]:
        """A run scheduled from today, so open now; with each invited person's token, from their invitation."""
        run = self.run(**extra)
        opened = self.client.post(f"/runs/{run['id']}/schedule", headers=self.hr())
        assert opened.status_code == 200, opened.get_json()
        return opened.get_json(), self.links(run["id"])

    def links(self, run_id) -> dict[uuid.UUID, str]:
        """Each invitee's token: opened from their invitation as notifications would, or, for a lifecycle pool's
        (which carries none), asked for in Staffroom as they would ("Answer now"; their old one stops working)."""
        found = {}
        for event in self.db.events("wellbeing.invitation_issued"):
            payload = event["payload"]
            if payload["run_id"] != str(run_id) or (payload.get("answer_in_staffroom") and payload["reissued"]):
                continue
            staff_id = uuid.UUID(payload["staff_id"])
            if payload.get("answer_in_staffroom"):
                asked = self.client.post(f"/runs/{run_id}/link",
                                         headers=self.tokens.headers(staff_id, academy_id=payload["academy_id"]))
                link = asked.get_json()["link"]
            else:
                link = survey_link(self.db.context.config, payload)
            found[staff_id] = link.split("#token=")[1]
        return found

    def answer(self, token: str, answers: dict, *, final: bool = True, browser: str | None = None):
        """Save (final=False) or submit answers with a link, from this trust's browser unless another is named."""
        path, method = ("/survey/submission", self.client.post) if final else ("/survey/answers", self.client.put)
        return method(path, json={"answers": answers},
                      headers={"X-Survey-Token": token, "X-Draft-Key": browser or self.browser})

    def close(self, run_id) -> dict:
        closed = self.client.post(f"/runs/{run_id}/close", headers=self.hr())
        assert closed.status_code == 200, closed.get_json()
        return closed.get_json()


@pytest.fixture
def trust(client, db, tokens) -> Trust:
    return Trust(client, db, tokens)


def full_answers(level: int, *, enps: int = 8, comment: str | None = None) -> dict:
    """A full set of answers at one level (1-5 items; 0-10 items scaled), with an optional comment."""
    from wellbeing.domain.instruments import INSTRUMENTS

    out = {}
    for key in ALL_INSTRUMENTS:
        for item in INSTRUMENTS[key].items:
            if item.scale == "zero_ten":
                out[item.key] = min(10, level * 2)
            elif item.scale != "text":
                out[item.key] = level
    out["enps.recommend"] = enps
    if comment:
        out["trust.improve"] = comment
    return out


@pytest.fixture
def answers():
    """full_answers: a complete set of answers at one level."""
    return full_answers
