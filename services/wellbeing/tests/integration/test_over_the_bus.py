"""End to end over a real bus: staff added through the directory's API are invited to a wellbeing survey.

directory app (POST /academies, POST /staff) -> directory outbox -> relay -> bus -> wellbeing's InboxConsumer ->
wellbeing's staff copy and academy names; HR then schedules a run and everyone in scope is invited. On
RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import logging
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from directory import bootstrap as directory_bootstrap
from directory.entrypoints.web import create_app as create_directory_app
from staffroom_shared.bus import connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, Tokens, bus_databases, delete_queues, running, unique_queue, wait_for,
)
from wellbeing import bootstrap as wellbeing_bootstrap
from wellbeing.adapters.orm import academies, staff
from wellbeing.entrypoints.web import create_app as create_wellbeing_app


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_staff_added_in_the_directory_are_invited_to_a_survey(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("wellbeing")
    with bus_databases(backend, tmp_path, "directory", "wellbeing") as (directory_db, wellbeing_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        directory_config = ServiceConfig.from_env("directory", {**env, "DATABASE_URL": directory_db})
        directory_bootstrap.migrate(directory_config)
        directory_app = create_directory_app(directory_config)
        logging.getLogger("staffroom.access").setLevel(logging.WARNING)
        directory = directory_app.extensions["staffroom"]
        cleanup.callback(directory.engine.dispose)

        wellbeing_config = ServiceConfig.from_env("wellbeing", {**env, "DATABASE_URL": wellbeing_db})
        wellbeing_bootstrap.migrate(wellbeing_config)
        wellbeing_app = create_wellbeing_app(wellbeing_config)
        wellbeing = wellbeing_app.extensions["staffroom"]
        cleanup.callback(wellbeing.engine.dispose)

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        inbox = InboxConsumer("wellbeing", wellbeing.uow, wellbeing_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        relay = Relay(directory.engine, directory.metadata.tables["outbox"], bus)

        client = directory_app.test_client()
        trust_hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        academy = client.post("/academies", json={"name": "Oakfield Primary", "urn": "140001", "phase": "primary"},
                              headers=trust_hr).json
        for i in range(5):
            made = client.post("/staff", headers=trust_hr, json={
                "academy_id": academy["id"], "fte": "1.00", "start_date": "2019-09-01", "staff_code": f"T{i}",
                "first_name": f"Teacher{i}", "last_name": "Iqbal", "email": f"t{i}@oaktrust.example",
                "staff_type": "teaching", "post": "Teacher"})
            assert made.status_code == 201, made.json

        def rows(query):
            with wellbeing.engine.connect() as conn:
                return conn.execute(query).all()

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: len(rows(select(staff))) == 5, "five staff.joined in wellbeing's staff copy")
            wait_for(lambda: relay.unsent() == 0, "the directory's outbox to drain")

        assert rows(select(academies.c.name))[0].name == "Oakfield Primary"
        survey = wellbeing_app.test_client()
        run = survey.post("/runs", headers=trust_hr, json={
            "title": "Autumn pulse", "instruments": ["enps"], "opens_on": str(date.today()),
            "closes_on": str(date.today() + timedelta(days=7))}).json
        opened = survey.post(f"/runs/{run['id']}/schedule", headers=trust_hr)
        assert opened.status_code == 200 and opened.json["invited"] == 5
        assert bus.dead_letters(queue) == []
