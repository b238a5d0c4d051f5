"""End to end over a real bus (issue 24): a teacher thanks a colleague at another academy, and notifications tells
that colleague, and nobody else, who thanked them; the words never leave appraisal.

appraisal app (POST /recognition) -> appraisal outbox -> relay -> bus -> notifications' InboxConsumer -> an inbox
message (and an email) for the recipient. On RabbitMQ + PostgreSQL, and on the embedded default. Then the
recipient reports it to HR, and the recipient's academy's HR contact is told (appraisal.recognition_reported), with
neither the words nor the reason. Then that HR contact, their academy's only one, gives the same colleague feedback
that is reported in turn: the trust's HR contact is told instead, and the giver is not (outsider, issue 24).
"""
from __future__ import annotations

import uuid
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from appraisal import bootstrap as appraisal_bootstrap
from notifications import bootstrap as notifications_bootstrap
from notifications.adapters.orm import deliveries, messages
from notifications.service import inbox as notifications_inbox
from staffroom_shared.bus import connect
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    bus_databases, delete_queues, deliver, FAST_BUS, migrated_app, running, staff_joined, Tokens, unique_queue, wait_for,
)

OAK, ELM = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_the_colleague_thanked_is_told_who_thanked_them_and_nobody_else_is(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("notifications")
    with bus_databases(backend, tmp_path, "appraisal", "notifications") as (appraisal_db, notifications_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        appraisal_app, appraisal, _ = migrated_app("appraisal", env, appraisal_db, cleanup)
        _, notifications, _ = migrated_app("notifications", env, notifications_db, cleanup)

        manager = staff_joined(ELM, "Mia", "Moss")
        giver = staff_joined(OAK, "Ann", "Iqbal")
        recipient = staff_joined(ELM, "Eve", "Evans", line_manager_id=manager.payload["staff_id"])
        hr = staff_joined(ELM, "Hal", "Hughes")
        trust_hr = staff_joined(OAK, "Jade", "Jones")
        appraisal_inbox = InboxConsumer("appraisal", appraisal.uow, appraisal_bootstrap.HANDLERS)
        inbox = InboxConsumer("notifications", notifications.uow, notifications_bootstrap.HANDLERS)
        notifications_inbox.set_contacts(notifications.uow(actor="test"), ELM, [uuid.UUID(str(hr.payload["staff_id"]))])
        notifications_inbox.set_contacts(notifications.uow(actor="test"), None,
                                         [uuid.UUID(str(trust_hr.payload["staff_id"]))])
        for event in (manager, giver, recipient, hr, trust_hr):
            deliver(appraisal_inbox, event)
            deliver(inbox, event)

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        assert "appraisal.recognition_given" in inbox.bindings
        relay = Relay(appraisal.engine, appraisal.metadata.tables["outbox"], bus)

        giver_id, recipient_id = giver.payload["staff_id"], recipient.payload["staff_id"]
        client = appraisal_app.test_client()
        given = client.post("/recognition", headers=tokens.headers(giver_id, roles=["staff"], academy_id=OAK), json={
            "recipient_id": str(recipient_id), "kind": "recognition", "visibility": "line_manager",
            "words": "Your moderation notes saved our Year 6 team a week"})
        assert given.status_code == 201, given.json

        def told():
            with notifications.engine.connect() as conn:
                return conn.execute(select(messages).where(
                    messages.c.event_type == "appraisal.recognition_given")).mappings().all()

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            [message] = wait_for(told, "the colleague told of the recognition")
        assert message["recipient_id"] == uuid.UUID(str(recipient_id)) and message["category"] == "recognition"
        assert message["subject"] == "Ann Iqbal has recognised your work" and message["link"] == "/recognition"
        assert "moderation" not in message["body"]  # the words stay in appraisal
        with notifications.engine.connect() as conn:
            emails = conn.execute(select(deliveries.c.recipient_id)).scalars().all()
        assert emails == [uuid.UUID(str(recipient_id))]
        assert bus.dead_letters(queue) == []

        assert "appraisal.recognition_reported" in inbox.bindings
        reported = client.post(f"/recognition/{given.json['id']}/report", json={"because": "It felt like a dig"},
                               headers=tokens.headers(recipient_id, roles=["staff"], academy_id=ELM))
        assert reported.status_code == 200, reported.json

        def hr_told():
            with notifications.engine.connect() as conn:
                return conn.execute(select(messages).where(
                    messages.c.event_type == "appraisal.recognition_reported")).mappings().all()

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            [message] = wait_for(hr_told, "the recipient's academy's HR contact told of the report")
        assert message["recipient_id"] == uuid.UUID(str(hr.payload["staff_id"]))
        assert message["category"] == "recognition_reports" and message["link"] == "/hr/recognition"
        assert "moderation" not in message["body"] and "dig" not in message["body"] and "Eve" not in message["body"]
        assert bus.dead_letters(queue) == []

        # the academy's only HR contact gives feedback, and it is reported: the trust's contact is told, not the giver
        hr_id = hr.payload["staff_id"]
        from_hr = client.post("/recognition", headers=tokens.headers(hr_id, roles=["staff"], academy_id=ELM), json={
            "recipient_id": str(recipient_id), "kind": "feedback", "visibility": "private",
            "words": "Your register was late again"})
        assert from_hr.status_code == 201, from_hr.json
        reported = client.post(f"/recognition/{from_hr.json['id']}/report", json={},
                               headers=tokens.headers(recipient_id, roles=["staff"], academy_id=ELM))
        assert reported.status_code == 200, reported.json
        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: len(hr_told()) == 2 or None, "the trust's HR contact told of the second report")
        second = [m for m in hr_told() if m["id"] != message["id"]]
        assert [m["recipient_id"] for m in second] == [uuid.UUID(str(trust_hr.payload["staff_id"]))]
        assert second[0]["subject"] == "Some feedback was reported to HR" and "Hal" not in second[0]["body"]
        assert bus.dead_letters(queue) == []
