"""End to end over a real bus (issue 24): a teacher thanks a colleague at another academy, and notifications tells
that colleague, and nobody else, who thanked them; the words never leave appraisal.

appraisal app (POST /recognition) -> appraisal outbox -> relay -> bus -> notifications' InboxConsumer -> an inbox
message (and an email) for the recipient. On RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from datetime import date

import pytest
from sqlalchemy import select

from appraisal import bootstrap as appraisal_bootstrap
from notifications import bootstrap as notifications_bootstrap
from notifications.adapters.orm import deliveries, messages
from staffroom_shared.bus import connect
from staffroom_shared.bus.messages import Delivery
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, bus_databases, delete_queues, migrated_app, running, Tokens, unique_queue, wait_for,
)

OAK, ELM = uuid.uuid4(), uuid.uuid4()


def joined(academy_id: uuid.UUID, first: str, last: str, line_manager_id=None):
    return new_event("staff.joined", {
        "staff_id": uuid.uuid4(), "academy_id": academy_id, "first_name": first, "last_name": last,
        "email": f"{first.lower()}@oaktrust.example", "staff_type": "teaching", "post": "Teacher", "fte": "1.00",
        "start_date": date(2019, 9, 1), "leaving_date": None, "line_manager_id": line_manager_id},
        producer="directory", correlation_id="test", academy_id=academy_id)


def deliver(consumer, event) -> None:
    """Set-up, as the bus would hand it over (the recognition itself goes over the real bus)."""
    consumer(Delivery(message_id=str(event.id), routing_key=event.type, body=json.dumps(event.to_dict()).encode(),
                      headers={}, attempt=1))


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

        manager = joined(ELM, "Mia", "Moss")
        giver = joined(OAK, "Ann", "Iqbal")
        recipient = joined(ELM, "Eve", "Evans", line_manager_id=manager.payload["staff_id"])
        appraisal_inbox = InboxConsumer("appraisal", appraisal.uow, appraisal_bootstrap.HANDLERS)
        inbox = InboxConsumer("notifications", notifications.uow, notifications_bootstrap.HANDLERS)
        for event in (manager, giver, recipient):
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
