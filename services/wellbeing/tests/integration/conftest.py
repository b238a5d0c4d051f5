"""Wellbeing's event handlers and daily job on a real database: a SQLite file and PostgreSQL, both built by the
Alembic migrations, with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from staffroom_shared.principal import Principal
from staffroom_shared.testing import ConsumerWorld, consumer_world_fixtures, survey_link
from wellbeing import bootstrap
from wellbeing.service import runs

HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")
PUBLIC_URL = "https://staffroom.example"


class World(ConsumerWorld):
    @property
    def links(self) -> runs.Links:
        return runs.Links(PUBLIC_URL, self.context.config.survey_link_public_key())

    def survey(self, opens_on: date, closes_on: date, **extra):
        run = runs.create(self.context.uow(), HR, {
            "title": "Spring survey", "instruments": ["enps", "trust_core"], "questions": [], "academy_ids": [],
            "staff_types": [], "opens_on": opens_on, "closes_on": closes_on, "min_group_size": 5,
            "owner_academy_id": None, **extra})
        return runs.schedule(self.context.uow(), HR, run.id, self.links, today=date(2027, 1, 4))

    def open_survey(self, people: int) -> tuple[list[dict], object, dict]:
        """`people` new members of staff and a run open to them (4 to 22 January 2027), with each one's token."""
        joined = [self.join() for _ in range(people)]
        run = self.survey(date(2027, 1, 4), date(2027, 1, 22))
        return joined, run, self.tokens(run.id)

    def tokens(self, run_id) -> dict:
        return {uuid.UUID(e["payload"]["staff_id"]): survey_link(self.context.config, e["payload"]).split("#token=")[1]
                for e in self.outbox("wellbeing.invitation_issued") if e["payload"]["run_id"] == str(run_id)}


sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)


@pytest.fixture
def pg_world(pg_url, tmp_path):
    """The world on PostgreSQL only, for what the SQLite file cannot show (concurrent writers)."""
    from sqlalchemy import text

    from staffroom_shared.config import ServiceConfig

    context = bootstrap.build(ServiceConfig.from_env(bootstrap.NAME, {
        "STAFFROOM_DATA_DIR": str(tmp_path), "DATABASE_URL": pg_url, "LOG_LEVEL": "WARNING"}))
    names = ", ".join(f'"{t.name}"' for t in context.metadata.sorted_tables)
    with context.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    yield World(bootstrap, context)
    context.engine.dispose()
