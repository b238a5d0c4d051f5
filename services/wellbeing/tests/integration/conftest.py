"""Wellbeing's event handlers and daily job on a real database: a SQLite file and PostgreSQL, both built by the
Alembic migrations, with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import uuid
from contextlib import ExitStack, contextmanager
from datetime import date
from types import SimpleNamespace

import pytest

from staffroom_shared.bus import connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.principal import Principal
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, bus_databases, consumer_world_fixtures, ConsumerWorld, delete_queues, migrated_app, running,
    survey_link, Tokens, unique_queue, wait_for,
)
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

    def asked(self, run_id, people: list[dict], today: date) -> dict:
        """Each person's token as Staffroom gives it to their own signed-in browser ("Answer now"): a lifecycle
        pool's invitations carry none."""
        return {p["staff_id"]: runs.new_link(self.context.uow(), Principal(
            staff_id=p["staff_id"], roles=frozenset({"staff"}), academy_id=None, subject=str(p["staff_id"])),
            run_id, self.links, today=today).split("#token=")[1] for p in people}

    def tokens(self, run_id) -> dict:
        return {uuid.UUID(e["payload"]["staff_id"]): survey_link(self.context.config, e["payload"]).split("#token=")[1]
                for e in self.outbox("wellbeing.invitation_issued") if e["payload"]["run_id"] == str(run_id)}


sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)


@pytest.fixture
def pg_world(pg_url, tmp_path):
    """The world on PostgreSQL only, for what the SQLite file cannot show (concurrent writers)."""
    from sqlalchemy import text


    context = bootstrap.build(ServiceConfig.from_env(bootstrap.NAME, {
        "STAFFROOM_DATA_DIR": str(tmp_path), "DATABASE_URL": pg_url, "LOG_LEVEL": "WARNING"}))
    names = ", ".join(f'"{t.name}"' for t in context.metadata.sorted_tables)
    with context.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    yield World(bootstrap, context)
    context.engine.dispose()


@contextmanager
def directory_and_wellbeing(backend: str, tmp_path):
    """The directory and wellbeing on one bus (RabbitMQ + PostgreSQL, or the embedded default), each migrated, with
    an academy made through the directory's API: staff added there reach wellbeing's staff copy when `deliver` runs
    the directory's relay and wellbeing's consumer."""
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("wellbeing")
    with bus_databases(backend, tmp_path, "directory", "wellbeing") as (directory_db, wellbeing_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        directory_app, directory, _ = migrated_app("directory", env, directory_db, cleanup)
        wellbeing_app, wellbeing, wellbeing_config = migrated_app("wellbeing", env, wellbeing_db, cleanup)

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        inbox = InboxConsumer("wellbeing", wellbeing.uow, bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        relay = Relay(directory.engine, directory.metadata.tables["outbox"], bus)

        client = directory_app.test_client()
        trust_hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        academy = client.post("/academies", json={"name": "Oakfield Primary", "urn": "140001", "phase": "primary"},
                              headers=trust_hr).json

        def rows(query):
            with wellbeing.engine.connect() as conn:
                return conn.execute(query).all()

        def deliver(until, what: str) -> None:
            with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                    running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
                wait_for(until, what)
                wait_for(lambda: relay.unsent() == 0, "the directory's outbox to drain")
            assert bus.dead_letters(queue) == []

        yield SimpleNamespace(directory=client, survey=wellbeing_app.test_client(), trust_hr=trust_hr,
                              academy=academy, wellbeing=wellbeing, config=wellbeing_config, rows=rows,
                              deliver=deliver, tokens=tokens)
