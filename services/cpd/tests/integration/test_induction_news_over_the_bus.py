"""End to end over a real bus (issue 25): what cpd announces of an ECT's induction reaches the right people's inboxes
and email, and nobody else's.

cpd app (the tutor records "not making satisfactory progress" with its support plan) and cpd's daily job (the spring
review overdue, the first formal assessment due soon) -> cpd outbox -> relay -> bus -> notifications' InboxConsumer
-> inbox messages and queued emails. The support plan reaches the ECT, the tutor and the academy's HR contact; the
overdue review the tutor alone; the formal assessment the tutor, the ECT and the academy's HR contact. Never the
mentor or the trust's HR contact. On RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from datetime import date

import pytest
from sqlalchemy import select, update

from cpd import bootstrap as cpd_bootstrap
from cpd.adapters.orm import inductions
from cpd.service.daily_job import run_daily
from notifications import bootstrap as notifications_bootstrap
from notifications.adapters.orm import deliveries, messages
from notifications.service import inbox as notifications_inbox
from staffroom_shared.bus import connect
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, Tokens, bus_databases, delete_queues, deliver, migrated_app, running, staff_joined, unique_queue,
    wait_for,
)

from .test_induction_over_the_bus import _terms

OAK = uuid.uuid4()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_the_ect_tutor_and_hr_are_told_what_induction_asks_of_them_and_the_mentor_is_not(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("notifications")
    with bus_databases(backend, tmp_path, "cpd", "notifications") as (cpd_db, notifications_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        cpd_app, cpd, _ = migrated_app("cpd", env, cpd_db, cleanup)
        _, notifications, _ = migrated_app("notifications", env, notifications_db, cleanup)

        joined = {name: staff_joined(OAK, name, "Hughes") for name in ("Esme", "Tariq", "Mo", "Helen", "Ivo")}
        ids = {name: e.payload["staff_id"] for name, e in joined.items()}
        cpd_inbox = InboxConsumer("cpd", cpd.uow, cpd_bootstrap.HANDLERS)
        inbox = InboxConsumer("notifications", notifications.uow, notifications_bootstrap.HANDLERS)
        for event in joined.values():
            deliver(cpd_inbox, event)
            deliver(inbox, event)
        notifications_inbox.set_contacts(notifications.uow(actor="test"), OAK, [uuid.UUID(str(ids["Helen"]))])
        notifications_inbox.set_contacts(notifications.uow(actor="test"), None, [uuid.UUID(str(ids["Ivo"]))])

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        assert {"cpd.induction_item_due", "cpd.induction_support_plan_started"} <= set(inbox.bindings)
        relay = Relay(cpd.engine, cpd.metadata.tables["outbox"], bus)

        client = cpd_app.test_client()
        as_hr = tokens.headers(ids["Helen"], roles=["staff", "academy_hr"], academy_id=str(OAK))
        as_tutor = tokens.headers(ids["Tariq"], roles=["staff"], academy_id=str(OAK))
        assert client.put(f"/academies/{OAK}/term-dates", json={"terms": _terms()}, headers=as_hr).status_code == 200
        made = client.post("/inductions", headers=as_hr, json={
            "staff_id": str(ids["Esme"]), "academy_id": str(OAK), "qts_on": "2025-07-15", "starts_on": "2025-09-01",
            "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led", "tutor_id": str(ids["Tariq"]),
            "mentor_id": str(ids["Mo"])})
        assert made.status_code == 201, made.json
        with cpd.uow() as uow:  # registered when they started, so that the job's dates below come after it
            uow.session.execute(update(inductions).values(registered_on=date(2025, 9, 1)))
            uow.commit()
        reviewed = client.post(f"/inductions/{made.json['id']}/reviews", headers=as_tutor, json={
            "kind": "progress_review", "school_year": 2025, "term_number": 1, "held_on": "2025-12-10",
            "outcome": "not making satisfactory progress", "standards": {"TS7": "Routines not yet established"},
            "support_plan": {"areas_to_improve": ["Behaviour"], "objectives": ["TS7"], "support": ["Coaching"],
                             "evidence": "Observations"}})
        assert reviewed.status_code == 201, reviewed.json
        # a fortnight before the first formal assessment (21 July 2026); the spring review (1 April) was not held
        for _ in range(2):
            run_daily(cpd.uow(actor="scheduler"), today=date(2026, 7, 7))

        def told():
            with notifications.engine.connect() as conn:
                return conn.execute(select(messages).where(messages.c.category == "induction")).mappings().all()

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: len(told()) >= 7 or None, "the ECT, tutor and HR told of the plan and what is due")
            wait_for(lambda: relay.unsent() == 0, "cpd's outbox to drain")

        name = {uuid.UUID(str(v)): k for k, v in ids.items()}
        got = sorted((m["event_type"], name[m["recipient_id"]], m["subject"]) for m in told())
        assert got == [
            ("cpd.induction_item_due", "Esme", "Your first formal assessment is due by 21 July 2026"),
            ("cpd.induction_item_due", "Helen", "First formal assessment due by 21 July 2026: Esme Hughes"),
            ("cpd.induction_item_due", "Tariq", "First formal assessment due by 21 July 2026: Esme Hughes"),
            ("cpd.induction_item_due", "Tariq", "Overdue: Esme Hughes's progress review"),
            ("cpd.induction_support_plan_started", "Esme", "A support plan has started for your induction"),
            ("cpd.induction_support_plan_started", "Helen", "Support plan started: Esme Hughes"),
            ("cpd.induction_support_plan_started", "Tariq", "Support plan started: Esme Hughes"),
        ]
        assert all("Behaviour" not in m["body"] and "Observations" not in m["body"] for m in told())
        with notifications.engine.connect() as conn:
            emailed = conn.execute(select(deliveries.c.recipient_id)).scalars().all()
        assert sorted(name[r] for r in emailed) == ["Esme", "Esme", "Helen", "Helen", "Tariq", "Tariq", "Tariq"]
        assert bus.dead_letters(queue) == []
