"""End to end over a real bus: cpd's induction events (built from their contracts, as cpd's relay publishes them)
reach targets' inbox consumer and move the four induction targets; a message delivered twice counts once. On
RabbitMQ + PostgreSQL, and on the embedded default."""
from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest

from staffroom_shared.bus import OutgoingMessage, connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.testing import FAST_BUS, bus_databases, delete_queues, running, unique_queue, wait_for
from targets import bootstrap as targets_bootstrap
from targets.adapters import measures
from targets.adapters.definitions import load

from .induction_events import assigned, ended, held, overdue, started, timetable

TODAY = date.today()


def message(event) -> OutgoingMessage:
    return OutgoingMessage(message_id=str(event.id), routing_key=event.type,
                           body=json.dumps(event.to_dict()).encode())


def event(event_type: str, payload: dict):
    producer = "directory" if event_type.startswith("staff.") else "cpd"
    return new_event(event_type, payload, producer=producer, correlation_id="e2e-induction",
                     academy_id=payload["academy_id"])


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_cpds_induction_events_over_the_bus_move_the_four_induction_targets(backend, tmp_path):
    queue = unique_queue("targets")
    with bus_databases(backend, tmp_path, "targets") as (targets_db, bus_url), ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url, "LOG_LEVEL": "WARNING",
               "DATABASE_URL": targets_db}
        config = ServiceConfig.from_env("targets", env)
        targets_bootstrap.migrate(config)
        targets = targets_bootstrap.build(config)
        cleanup.callback(targets.engine.dispose)
        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        inbox = InboxConsumer("targets", targets.uow, targets_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        assert {"cpd.induction_started", "cpd.induction_people_assigned", "cpd.induction_ended",
                "cpd.induction_review_held", "cpd.induction_item_due",
                "cpd.induction_timetable_recorded"} <= set(inbox.bindings)

        academy = uuid.uuid4()
        ect, leaver = ({"staff_id": uuid.uuid4(), "academy_id": academy} for _ in range(2))
        starts_on = TODAY - timedelta(weeks=10)
        serving = started(ect, starts_on)
        passed = started(leaver, TODAY - timedelta(days=800))
        review_due = TODAY - timedelta(days=20)
        named = event("cpd.induction_people_assigned", assigned(serving, starts_on + timedelta(weeks=2)))
        events = [
            event("cpd.induction_started", serving), named, named,  # redelivered: counted once
            event("cpd.induction_review_held", held(serving, "progress_review", review_due, review_due)),
            event("cpd.induction_item_due", overdue(serving, "progress_review", TODAY - timedelta(days=2), 2)),
            event("cpd.induction_timetable_recorded", timetable(serving, 1, "91.50", school_year=TODAY.year)),
            event("cpd.induction_started", passed),
            event("cpd.induction_ended", ended(passed, "passed", TODAY - timedelta(days=400))),
            event("staff.left", {**leaver, "first_name": "Sam", "last_name": "Hill", "email": "sam@example.org",
                                 "staff_type": "teaching", "post": "Teacher", "start_date": date(2024, 9, 1),
                                 "leaving_date": TODAY - timedelta(days=100), "line_manager_id": None,
                                 "reason": "resigned", "fte": "1.00"}),
        ]
        bus.publish([message(e) for e in events])

        def figures() -> dict:
            out = {}
            with targets.read_sessions() as session:
                for key in ("ect_tutor_and_mentor", "ect_reviews_on_time", "ect_timetable_reduction",
                            "ects_retained"):
                    found = measures.figures(session, load(session, key), TODAY)[None]
                    out[key] = (found.numerator, found.denominator)
            return out

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)):
            wait_for(lambda: figures()["ects_retained"] == (0, 1), "the leaver to reach targets")
        assert figures() == {"ect_tutor_and_mentor": (1, 1), "ect_reviews_on_time": (1, 2),
                             "ect_timetable_reduction": (0, 1), "ects_retained": (0, 1)}
        with targets.engine.connect() as conn:
            from sqlalchemy import func, select

            from targets.adapters.orm import events as stored
            assert conn.scalar(select(func.count()).select_from(stored)) == len(events) - 1
        assert bus.dead_letters(queue) == []
