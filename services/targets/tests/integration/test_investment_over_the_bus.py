"""End to end over a real bus: a CPD place (with its programme's hours) and two surveys' results move the
investment target.

cpd (a programme of 8 hours, a place confirmed by its own command) -> cpd outbox -> relay -> bus -> targets'
InboxConsumer; wellbeing.results_published published onto the same bus as wellbeing's relay would (its close is
wellbeing's own tests' business). On RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cpd import bootstrap as cpd_bootstrap
from cpd.domain.catalogue import Cohort, Programme
from cpd.service import enrolments
from staffroom_shared.bus import OutgoingMessage, connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.principal import Principal
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, ConsumerWorld, bus_databases, delete_queues, running, unique_queue, wait_for,
)
from targets import bootstrap as targets_bootstrap
from targets.adapters import measures
from targets.adapters.definitions import load
from targets.adapters.orm import enrolments as placed

KEY = "satisfaction_with_investment"
TODAY = date.today()


def message(event) -> OutgoingMessage:
    return OutgoingMessage(message_id=str(event.id), routing_key=event.type,
                           body=json.dumps(event.to_dict()).encode())


def staff_joined(person: dict):
    return new_event("staff.joined", person, producer="directory", correlation_id="e2e-invest",
                     academy_id=person["academy_id"])


def results(closes_on: date, groups: dict, earlier: uuid.UUID | None = None):
    """groups: {academy_id or None: % satisfied}, twenty answering each, the same people."""
    return new_event("wellbeing.results_published", {
        "run_id": uuid.uuid4(), "title": f"Survey {closes_on}", "opens_on": closes_on, "closes_on": closes_on,
        "academy_ids": [], "staff_types": [], "min_group_size": 5,
        "groups": [{"cut": "trust" if a is None else "academy", "academy_id": a, "responses": 20,
                    "figures": [{"figure": "trust.satisfied", "n": 20, "mean": 3.9, "favourable": share}],
                    "turnover": [{"run_id": earlier, "changed": 0}] if earlier else []}
                   for a, share in groups.items()]}, producer="wellbeing", correlation_id="e2e-invest")


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_a_cpd_place_and_two_surveys_over_the_bus_move_the_investment_target(backend, tmp_path):
    queue = unique_queue("targets")
    with bus_databases(backend, tmp_path, "cpd", "targets") as (cpd_db, targets_db, bus_url), ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url, "LOG_LEVEL": "WARNING"}
        cpd_config = ServiceConfig.from_env("cpd", {**env, "DATABASE_URL": cpd_db})
        cpd_bootstrap.migrate(cpd_config)
        cpd = cpd_bootstrap.build(cpd_config)
        cleanup.callback(cpd.engine.dispose)
        targets_config = ServiceConfig.from_env("targets", {**env, "DATABASE_URL": targets_db})
        targets_bootstrap.migrate(targets_config)
        targets = targets_bootstrap.build(targets_config)
        cleanup.callback(targets.engine.dispose)

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        inbox = InboxConsumer("targets", targets.uow, targets_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)

        # Three academies of two staff each, known to both services; eight hours and £400 of CPD at one of them.
        cpd_world = ConsumerWorld(cpd_bootstrap, cpd)
        oak, ash, elm = (uuid.uuid4() for _ in range(3))
        people = [cpd_world.person(academy_id=a, start_date=date(2020, 9, 1)) for a in (oak, ash, elm) for _ in "ab"]
        for person in people:
            cpd_world.deliver(staff_joined(person))
        bus.publish([message(staff_joined(person)) for person in people])
        programme = Programme(title="Coaching for teachers", kind="external_course", provider="Oak Trust",
                              delivery_mode="in_person", cost=Decimal("400"), requires_approval=False, hours=8)
        cohort = Cohort(programme_id=programme.id, name="Spring", starts_on=TODAY + timedelta(days=30),
                        ends_on=TODAY + timedelta(days=60), capacity=5)
        with cpd.uow() as uow:
            uow.catalogue.add_programme(programme)
            uow.commit()
        with cpd.uow() as uow:
            uow.catalogue.add_cohort(cohort)
            uow.commit()
        teacher = people[0]
        enrolments.request_place(cpd.uow(), Principal(teacher["staff_id"], frozenset({"staff"}), oak, "teacher"),
                                 cohort.id, "", today=TODAY)

        earlier = results(TODAY - timedelta(days=365), {None: 60.0, oak: 60.0, ash: 60.0, elm: 60.0})
        later = results(TODAY, {None: 64.0, oak: 66.0, ash: 62.0, elm: 64.0}, earlier.payload["run_id"])
        bus.publish([message(earlier), message(later)])
        relay = Relay(cpd.engine, cpd.metadata.tables["outbox"], bus)

        def figures() -> dict:
            with targets.read_sessions() as session:
                found = measures.figures(session, load(session, KEY), TODAY)
            return {a: (f.numerator, f.denominator) for a, f in found.items()}

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: figures().get(None, (0, 0))[1] == 2, "the place and both surveys to reach targets")
            wait_for(lambda: relay.unsent() == 0, "cpd's outbox to drain")

        # Oak (£200, 4 hours a head) > Ash and Elm (nothing): +6 vs +2 and +4, in line; Ash and Elm tie: not judged
        assert figures() == {None: (2, 2), oak: (2, 2), ash: (1, 1), elm: (1, 1)}
        with targets.engine.connect() as conn:
            assert [(r.cost, r.hours) for r in conn.execute(placed.select())] == [(Decimal("400.00"), Decimal("8.0"))]
        with targets.read_sessions() as session:
            trust = measures.figures(session, load(session, KEY), TODAY)[None].investment
        assert [(p["academy_id"], p["spend_per_head"], p["hours_per_head"]) for p in trust["points"]][0] == (
            oak, 200.0, 4.0)
        assert bus.dead_letters(queue) == []
