"""End to end over a real bus: a teacher added through the directory's API gets an appraisal in the open cycle.

directory app (POST /staff) -> directory outbox -> relay -> bus -> appraisal's InboxConsumer -> appraisal's
staff copy, a new appraisal, and appraisal.appraisal_opened in appraisal's outbox carrying the correlation
id of the HTTP request that started it all. On RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from appraisal import bootstrap as appraisal_bootstrap
from appraisal.adapters.orm import academies, appraisals, staff
from appraisal.service.cycles import create_cycle, open_cycle
from staffroom_shared.bus import connect
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.principal import Principal
from staffroom_shared.testing import (
    FAST_BUS, bus_databases, delete_queues, migrated_app, running, Tokens, unique_queue, wait_for,
)

TRUST_HR = Principal(staff_id=None, roles=frozenset({"trust_hr"}), academy_id=None, subject="tests")
@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_teacher_added_in_the_directory_gets_an_appraisal_in_the_open_cycle(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("appraisal")
    with bus_databases(backend, tmp_path, "directory", "appraisal") as (directory_db, appraisal_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        directory_app, directory, _ = migrated_app("directory", env, directory_db, cleanup)

        _, appraisal, _ = migrated_app("appraisal", env, appraisal_db, cleanup)
        today = date.today()
        cycle = create_cycle(appraisal.uow(), TRUST_HR, {
            "name": "teachers this year", "template": "teachers", "academy_id": None,
            "starts_on": today - timedelta(days=60), "objectives_due": today + timedelta(days=30),
            "mid_year_due": today + timedelta(days=120), "end_of_year_due": today + timedelta(days=200),
            "ends_on": today + timedelta(days=250)})
        open_cycle(appraisal.uow(), TRUST_HR, cycle.id)  # nobody in the copy yet: no appraisals

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        # The inbox name is the service's; the queue is this test's own, so a deployed appraisal is untouched.
        inbox = InboxConsumer("appraisal", appraisal.uow, appraisal_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)  # before anything is published, as deployment does
        relay = Relay(directory.engine, directory.metadata.tables["outbox"], bus)

        client = directory_app.test_client()
        trust_hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        academy = client.post("/academies", json={"name": "Oakfield Primary", "urn": "140001", "phase": "primary"},
                              headers=trust_hr).json
        common = {"academy_id": academy["id"], "fte": "1.00", "start_date": "2019-09-02"}
        manager = client.post("/staff", headers=trust_hr, json={
            **common, "staff_code": "M1", "first_name": "Hannah", "last_name": "Hughes",
            "email": "hannah.hughes@oaktrust.example", "staff_type": "leadership", "post": "Deputy Headteacher"}).json
        teacher = client.post("/staff", headers={**trust_hr, "X-Correlation-ID": "e2e-teacher-joined"}, json={
            **common, "staff_code": "T1", "first_name": "Isaac", "last_name": "Iqbal",
            "email": "isaac.iqbal@oaktrust.example", "staff_type": "teaching", "post": "Teacher of Science",
            "line_manager_id": manager["id"]})
        assert teacher.status_code == 201, teacher.json
        teacher_id, manager_id = uuid.UUID(teacher.json["id"]), uuid.UUID(manager["id"])

        def one(query):
            with appraisal.engine.connect() as conn:
                return conn.execute(query).first()

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            copy = wait_for(lambda: one(select(staff).where(staff.c.staff_id == teacher_id)),
                            "staff.joined to reach appraisal's staff copy")
            new = wait_for(lambda: one(select(appraisals).where(appraisals.c.reviewee_id == teacher_id)),
                           "an appraisal for the joiner")
            wait_for(lambda: relay.unsent() == 0, "the directory's outbox to drain")

        assert (copy.first_name, copy.post, copy.line_manager_id) == ("Isaac", "Teacher of Science", manager_id)
        assert (new.cycle_id, new.appraiser_id, new.status) == (cycle.id, manager_id, "not_started")
        assert one(select(appraisals).where(appraisals.c.reviewee_id == manager_id)) is None  # not a teacher
        assert one(select(academies.c.name)).name == "Oakfield Primary"
        outbox = appraisal.metadata.tables["outbox"]
        opened = one(select(outbox.c.envelope).where(outbox.c.event_type == "appraisal.appraisal_opened")).envelope
        assert opened["payload"]["appraisal_id"] == str(new.id)
        assert opened["correlation_id"] == "e2e-teacher-joined"
        assert bus.dead_letters(queue) == []
