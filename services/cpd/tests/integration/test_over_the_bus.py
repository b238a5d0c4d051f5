"""End to end over a real bus: a new teacher added through the directory's API gets a development plan.

directory app (POST /staff) -> directory outbox -> relay -> bus -> CPD's InboxConsumer -> CPD's staff copy,
a development plan with the trust's induction and the ECT induction suggested, and cpd.plan_created in CPD's
outbox carrying the correlation id of the HTTP request that started it all. On RabbitMQ + PostgreSQL, and on
the embedded default.
"""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from decimal import Decimal

import pytest
from sqlalchemy import select

from cpd import bootstrap as cpd_bootstrap
from cpd.adapters.orm import academies, plan_items, plans, staff
from cpd.domain.catalogue import Programme
from staffroom_shared.bus import connect
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, bus_databases, delete_queues, migrated_app, running, Tokens, unique_queue, wait_for,
)

@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_new_teacher_added_in_the_directory_gets_a_development_plan_with_induction(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("cpd")
    with bus_databases(backend, tmp_path, "directory", "cpd") as (directory_db, cpd_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        directory_app, directory, _ = migrated_app("directory", env, directory_db, cleanup)

        _, cpd, _ = migrated_app("cpd", env, cpd_db, cleanup)
        programmes = [Programme(title="Oak Trust induction", kind="staff_induction", provider="Oak Trust",
                                delivery_mode="in_person", cost=Decimal("0")),
                      Programme(title="Early Career Framework induction", kind="ect_induction",
                                provider="Ambition Institute", delivery_mode="blended", cost=Decimal("0"))]
        with cpd.uow() as uow:
            uow.session.add_all(programmes)
            uow.commit()

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        # The inbox name is the service's; the queue is this test's own, so a deployed CPD is untouched.
        inbox = InboxConsumer("cpd", cpd.uow, cpd_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)  # before anything is published, as deployment does
        relay = Relay(directory.engine, directory.metadata.tables["outbox"], bus)

        client = directory_app.test_client()
        trust_hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        academy = client.post("/academies", json={"name": "Oakfield Primary", "urn": "140001", "phase": "primary"},
                              headers=trust_hr).json
        teacher = client.post("/staff", headers={**trust_hr, "X-Correlation-ID": "e2e-ect-joined"}, json={
            "academy_id": academy["id"], "fte": "1.00", "start_date": "2026-09-01", "staff_code": "T1",
            "first_name": "Isaac", "last_name": "Iqbal", "email": "isaac.iqbal@oaktrust.example",
            "staff_type": "teaching", "post": "Early Career Teacher"})
        assert teacher.status_code == 201, teacher.json
        teacher_id = uuid.UUID(teacher.json["id"])

        def rows(query):
            with cpd.engine.connect() as conn:
                return conn.execute(query).all()

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            plan = wait_for(lambda: rows(select(plans).where(plans.c.staff_id == teacher_id)),
                            "staff.joined to give the joiner a development plan")[0]
            wait_for(lambda: relay.unsent() == 0, "the directory's outbox to drain")

        copy = rows(select(staff).where(staff.c.staff_id == teacher_id))[0]
        assert (copy.first_name, copy.post) == ("Isaac", "Early Career Teacher")
        assert (plan.role, plan.created_because) == ("Early Career Teacher", "joined")
        items = rows(select(plan_items).where(plan_items.c.plan_id == plan.id).order_by(plan_items.c.title))
        assert [(i.title, i.source, i.status, i.programme_id) for i in items] == [
            ("Early Career Framework induction", "induction", "suggested", programmes[1].id),
            ("Oak Trust induction", "induction", "suggested", programmes[0].id)]
        assert rows(select(academies.c.name))[0].name == "Oakfield Primary"
        outbox = cpd.metadata.tables["outbox"]
        (created,) = rows(select(outbox.c.envelope).where(outbox.c.event_type == "cpd.plan_created"))
        assert created.envelope["payload"]["staff_id"] == str(teacher_id)
        assert created.envelope["correlation_id"] == "e2e-ect-joined"
        assert bus.dead_letters(queue) == []
