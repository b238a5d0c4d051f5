"""End to end over a real bus: CPD impact reaches the appraisal as evidence and the targets as "training linked to
appraisal".

cpd app (a place, its completion 60 days ago, the participant's intent linked to an appraisal development need,
the line manager's impact seen) -> cpd outbox -> relay -> bus -> appraisal's InboxConsumer (its cpd_evidence copy,
shown in the reviewee's appraisal) and targets' InboxConsumer (completions, and the target's figure). On RabbitMQ +
PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from appraisal import bootstrap as appraisal_bootstrap
from appraisal.adapters.orm import cpd_evidence
from cpd.adapters.orm import staff
from cpd.domain.catalogue import Cohort, Programme
from cpd.service import plans
from staffroom_shared.bus import connect
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, bus_databases, delete_queues, migrated_app, running, Tokens, unique_queue, wait_for,
)
from targets import bootstrap as targets_bootstrap
from targets.adapters.measures import figures
from targets.adapters.orm import completions
from targets.domain.targets import TARGETS

TODAY = date.today()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_intent_and_impact_reach_the_appraisal_and_the_linked_training_target(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queues = {"appraisal": unique_queue("appraisal"), "targets": unique_queue("targets")}
    with bus_databases(backend, tmp_path, "cpd", "appraisal", "targets") as (cpd_db, appraisal_db, targets_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        cpd_app, cpd, _ = migrated_app("cpd", env, cpd_db, cleanup)
        _, appraisal, _ = migrated_app("appraisal", env, appraisal_db, cleanup)
        _, targets, _ = migrated_app("targets", env, targets_db, cleanup)

        academy, manager, teacher, need = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        programme = Programme(title="Questioning that makes pupils think", kind="internal_course", provider="Oak Trust",
                              delivery_mode="in_person", cost=Decimal("0"), requires_approval=False)
        cohort = Cohort(programme_id=programme.id, name="Autumn", starts_on=TODAY - timedelta(days=100),
                        ends_on=TODAY + timedelta(days=30), capacity=10)
        with cpd.uow() as uow:  # as the directory's staff.* events and HR would have left CPD
            uow.session.add(programme)
            uow.session.flush()
            uow.session.add(cohort)
            for staff_id, first, line_manager in ((manager, "Hannah", None), (teacher, "Isaac", manager)):
                uow.session.execute(insert(staff).values(
                    staff_id=staff_id, academy_id=academy, first_name=first, last_name="Hughes",
                    email=f"{first.lower()}@oaktrust.example", staff_type="teaching", post="Teacher",
                    start_date=date(2019, 9, 2), line_manager_id=line_manager))
            plans.on_development_need(uow, {"reviewee_id": teacher, "academy_id": academy, "appraisal_id": uuid.uuid4(),
                                            "need_id": need, "area": "Questioning", "description": "Probe further"},
                                      TODAY)
            uow.commit()

        client = cpd_app.test_client()
        as_teacher = tokens.headers(teacher, roles=["staff"], academy_id=str(academy))
        as_manager = tokens.headers(manager, roles=["staff"], academy_id=str(academy))
        placed = client.post("/enrolments", json={"cohort_id": str(cohort.id), "reason": "Questioning"},
                             headers=as_teacher)
        assert placed.status_code == 201, placed.json
        e = placed.json["id"]
        finished = TODAY - timedelta(days=60)
        assert client.post(f"/enrolments/{e}/completion", json={"completed_on": finished.isoformat()},
                           headers=as_manager).status_code == 200
        intent = client.put(f"/enrolments/{e}/impact/intent", headers=as_teacher, json={
            "intent": "Wait five seconds after every question", "satisfaction": 5, "development_need_id": str(need)})
        assert intent.status_code == 200, intent.json
        seen = client.put(f"/enrolments/{e}/impact/seen", headers=as_manager,
                          json={"rating": 4, "seen": "More pupils answer, and at length"})
        assert seen.status_code == 200, seen.json

        buses = {name: connect(bus_url, **FAST_BUS[backend]) for name in ("relay", *queues)}
        for bus in buses.values():
            cleanup.callback(bus.close)
        inboxes = {"appraisal": InboxConsumer("appraisal", appraisal.uow, appraisal_bootstrap.HANDLERS),
                   "targets": InboxConsumer("targets", targets.uow, targets_bootstrap.HANDLERS)}
        for name, queue in queues.items():
            if backend == "rabbitmq":
                cleanup.callback(delete_queues, queue, f"{queue}.dlq")
            buses[name].declare(queue, inboxes[name].bindings)
        relay = Relay(cpd.engine, cpd.metadata.tables["outbox"], buses["relay"])

        def rows(context, query):
            with context.engine.connect() as conn:
                return conn.execute(query).all()

        def consume(name):
            return running(lambda stop: buses[name].consume(queues[name], inboxes[name].bindings, inboxes[name],
                                                            should_stop=stop))

        with consume("appraisal"), consume("targets"), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            evidence = wait_for(lambda: [r for r in rows(appraisal, select(cpd_evidence)) if r.impact_rating],
                                "the intent and the impact to reach appraisal")[0]
            linked = wait_for(lambda: [r for r in rows(targets, select(completions)) if r.development_need_id],
                              "the completion and its link to reach targets")[0]
            wait_for(lambda: relay.unsent() == 0, "cpd's outbox to drain")

        assert (evidence.staff_id, evidence.intent, evidence.satisfaction) == (
            teacher, "Wait five seconds after every question", 5)
        assert (evidence.impact_rating, evidence.impact_seen) == (4, "More pupils answer, and at length")
        assert (linked.staff_id, linked.completed_on, linked.development_need_id) == (teacher, finished, need)
        with targets.uow() as uow:
            found = figures(uow.session, TARGETS["training_linked_to_appraisal"].default(), TODAY)
        school_year_began = date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
        counted = (1, 1) if finished >= school_year_began else (0, 0)
        assert (found[None].numerator, found[None].denominator) == counted
        for name, queue in queues.items():
            assert buses[name].dead_letters(queue) == []
