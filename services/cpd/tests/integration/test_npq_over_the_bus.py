"""End to end over a real bus: a passed leadership NPQ puts its holder among the trust's future leaders as targets
count them.

cpd app (HR register a place on the NPQ for Headship, the lead provider accepts it, HR record it passed) -> cpd outbox
(cpd.npq_completed, cpd.future_leader_nominated) -> relay -> bus -> targets' InboxConsumer (its copy of the
nominations, which the "future leaders identified and offered" target counts). On RabbitMQ + PostgreSQL, and on the
embedded default.
"""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from cpd.adapters.orm import staff
from staffroom_shared.bus import connect
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, Tokens, bus_databases, delete_queues, migrated_app, running, unique_queue, wait_for,
)
from targets import bootstrap as targets_bootstrap
from targets.adapters.orm import nominations

TODAY = date.today()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_a_passed_leadership_npq_reaches_targets_as_a_future_leader(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("targets")
    with bus_databases(backend, tmp_path, "cpd", "targets") as (cpd_db, targets_db, bus_url), ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        cpd_app, cpd, _ = migrated_app("cpd", env, cpd_db, cleanup)
        _, targets, _ = migrated_app("targets", env, targets_db, cleanup)

        academy, hr, deputy = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        with cpd.uow() as uow:  # as the directory's staff.* events would have left cpd
            for staff_id, first in ((hr, "Helen"), (deputy, "Dara")):
                uow.session.execute(insert(staff).values(
                    staff_id=staff_id, academy_id=academy, first_name=first, last_name="Hughes",
                    email=f"{first.lower()}@oaktrust.example", staff_type="leadership", post="Deputy Headteacher",
                    start_date=date(2018, 9, 3)))
            uow.commit()
        client = cpd_app.test_client()
        as_hr = tokens.headers(hr, roles=["staff", "academy_hr"], academy_id=str(academy))
        place = client.post("/npq-places", headers=as_hr, json={
            "staff_id": str(deputy), "course": "NPQH", "lead_provider": "Best Practice Network",
            "cohort_starts_on": (TODAY - timedelta(days=540)).isoformat(), "funding": "trust"})
        assert place.status_code == 201, place.json
        path = f"/npq-places/{place.json['id']}"
        assert client.post(f"{path}/provider", json={"news": "accepted"}, headers=as_hr).status_code == 200
        passed = client.post(f"{path}/outcome", json={"outcome": "passed", "completed_on": TODAY.isoformat()},
                             headers=as_hr)
        assert passed.status_code == 200, passed.json

        buses = {name: connect(bus_url, **FAST_BUS[backend]) for name in ("relay", "targets")}
        for bus in buses.values():
            cleanup.callback(bus.close)
        inbox = InboxConsumer("targets", targets.uow, targets_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        buses["targets"].declare(queue, inbox.bindings)
        relay = Relay(cpd.engine, cpd.metadata.tables["outbox"], buses["relay"])

        def rows():
            with targets.engine.connect() as conn:
                return conn.execute(select(nominations)).all()

        with running(lambda stop: buses["targets"].consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            (nominated,) = wait_for(rows, "the nomination to reach targets")
            wait_for(lambda: relay.unsent() == 0, "cpd's outbox to drain")

        assert (nominated.staff_id, nominated.academy_id, nominated.nominated_on) == (deputy, academy, TODAY)
        assert buses["targets"].dead_letters(queue) == []
