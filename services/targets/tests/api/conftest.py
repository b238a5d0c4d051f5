"""The targets app on a temporary SQLite database and embedded bus, as the one-command run builds it, fed with
real events through its own inbox consumer."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from staffroom_shared.events import new_event
from staffroom_shared.testing import ConsumerWorld, ServiceDb, sqlite_service_fixtures
from targets import bootstrap
from targets.entrypoints.web import create_app
from targets.service.evaluation import judge_pending

TODAY = datetime.now(timezone.utc).date()

tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)


@pytest.fixture
def db(app):
    return ServiceDb(app)


@dataclass
class Trust:
    """Two academies, Oak and Elm, each with new starters; tokens for trust HR, each academy's HR and staff."""

    client: object
    db: ServiceDb
    tokens: object
    world: ConsumerWorld
    oak: uuid.UUID
    elm: uuid.UUID

    def starter(self, academy: uuid.UUID, days_ago: int = 30, **overrides) -> dict:
        return self.world.join(academy_id=academy, start_date=TODAY - timedelta(days=days_ago), **overrides)

    def induct(self, person: dict) -> None:
        self.world.deliver(new_event("cpd.enrolled", {
            "enrolment_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
            "programme_id": uuid.uuid4(), "programme_title": "Welcome to the trust", "cohort_id": uuid.uuid4(),
            "cost": "0.00", "starts_on": TODAY, "from_waiting_list": False, "programme_kind": "staff_induction"},
            producer="cpd", correlation_id="test", academy_id=person["academy_id"]))

    def name(self, academy_id: uuid.UUID, name: str) -> None:
        self.world.deliver(new_event("academy.registered", {"academy_id": academy_id, "name": name, "urn": "140001",
                                                            "phase": "primary"},
                                     producer="directory", correlation_id="test", academy_id=academy_id))

    def judge(self) -> dict:
        """What the consumer's settle hook does about every half second: judge the targets events have marked."""
        return judge_pending(self.world.context.uow())

    def trust_hr(self) -> dict:
        return self.tokens.headers(uuid.uuid4(), roles=("staff", "trust_hr"))

    def academy_hr(self, academy: uuid.UUID) -> dict:
        return self.tokens.headers(uuid.uuid4(), roles=("staff", "academy_hr"), academy_id=academy)

    def staff(self, person: dict | None = None) -> dict:
        person = person or {"staff_id": uuid.uuid4(), "academy_id": self.oak}
        return self.tokens.headers(person["staff_id"], academy_id=person["academy_id"])


@pytest.fixture
def trust(client, db, tokens, app) -> Trust:
    world = ConsumerWorld(bootstrap, app.extensions["staffroom"])
    found = Trust(client, db, tokens, world, world.academy_id, uuid.uuid4())
    found.name(found.oak, "Oak Academy")
    found.name(found.elm, "Elm Academy")
    return found
