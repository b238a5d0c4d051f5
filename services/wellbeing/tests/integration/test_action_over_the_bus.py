"""End to end over a real bus: HR publish an action for one academy's teaching staff, and notifications tells those
staff and only them, once, even when the event is delivered twice.

wellbeing app (POST /actions, /publish) -> wellbeing outbox -> relay -> bus -> notifications' InboxConsumer -> inbox
messages for the staff its own copy of the directory puts in the action's group. On RabbitMQ + PostgreSQL, and on
the embedded default.
"""
from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from notifications import bootstrap as notifications_bootstrap
from notifications.adapters.orm import messages
from staffroom_shared.bus import connect
from staffroom_shared.bus.messages import Delivery
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    bus_databases, delete_queues, deliver, FAST_BUS, migrated_app, running, staff_joined, Tokens, unique_queue, wait_for,
)
from wellbeing import bootstrap as wellbeing_bootstrap

OAK, ELM = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_an_action_s_staff_and_only_they_hear_of_it_once(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("notifications")
    with bus_databases(backend, tmp_path, "wellbeing", "notifications") as (wellbeing_db, notifications_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        wellbeing_app, wellbeing, _ = migrated_app("wellbeing", env, wellbeing_db, cleanup)
        _, notifications, _ = migrated_app("notifications", env, notifications_db, cleanup)

        # both services' copies of the directory: Oak's two teachers and a support worker, Elm's teacher
        people = [staff_joined(OAK, "Ann"), staff_joined(OAK, "Ben"), staff_joined(OAK, "Sid", staff_type="support"),
                  staff_joined(ELM, "Eve")]
        wellbeing_inbox = InboxConsumer("wellbeing", wellbeing.uow, wellbeing_bootstrap.HANDLERS)
        inbox = InboxConsumer("notifications", notifications.uow, notifications_bootstrap.HANDLERS)
        for academy_id, name in ((OAK, "Oak"), (ELM, "Elm")):
            deliver(wellbeing_inbox, new_event("academy.registered", {
                "academy_id": academy_id, "name": name, "urn": str(140000 + len(name)), "phase": "primary"},
                producer="directory", correlation_id="test", academy_id=academy_id))
        for event in people:
            deliver(wellbeing_inbox, event)
            deliver(inbox, event)

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        outbox = wellbeing.metadata.tables["outbox"]
        relay = Relay(wellbeing.engine, outbox, bus)

        hr = tokens.headers(uuid.uuid4(), roles=["staff", "trust_hr"])
        client = wellbeing_app.test_client()
        made = client.post("/actions", headers=hr, json={
            "title": "Quieter Wednesdays", "description": "No meetings after school on Wednesdays",
            "measure": "enps", "academy_id": str(OAK), "staff_type": "teaching",
            "owner_id": str(people[0].payload["staff_id"]), "due_on": str(date.today() + timedelta(days=60))})
        assert made.status_code == 201, made.json
        assert client.post(f"/actions/{made.json['id']}/publish", headers=hr).status_code == 200

        def told():
            with notifications.engine.connect() as conn:
                return sorted(conn.execute(select(messages.c.recipient_id).where(
                    messages.c.event_type == "wellbeing.action_published")).scalars())

        teachers = sorted(uuid.UUID(str(p.payload["staff_id"])) for p in people[:2])
        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: told() == teachers, "Oak's two teachers told of the action")
            # the same envelope again: sent once more by the relay (as after a lost confirm), and handed straight to
            # the consumer, so that the second delivery has surely been handled before we look
            with wellbeing.engine.begin() as conn:
                [envelope] = conn.execute(select(outbox.c.envelope).where(
                    outbox.c.event_type == "wellbeing.action_published")).scalars()
                conn.execute(update(outbox).where(outbox.c.event_type == "wellbeing.action_published")
                             .values(sent_at=None))
            wait_for(lambda: relay.unsent() == 0, "the action_published sent a second time")
            inbox(Delivery(message_id=envelope["id"], routing_key=envelope["type"],
                           body=json.dumps(envelope).encode(), headers={}, attempt=2))
        assert told() == teachers  # nobody twice, nobody else
        assert bus.dead_letters(queue) == []
