"""Statutory induction's events leave cpd through its outbox and the relay and reach a queue bound to them: HR
register an ECT (cpd.induction_started) and name their mentor (cpd.induction_people_assigned), the tutor records the
term's timetable (cpd.induction_timetable_recorded) and "not making satisfactory progress" with its support plan
(cpd.induction_review_held, cpd.induction_support_plan_started), the daily job finds the spring review due soon
(cpd.induction_item_due, once however often it runs), the ECT leaves (cpd.induction_ended). The test binds its own
queue to them all. On RabbitMQ + PostgreSQL (which also runs migrations 0006 and 0007 there), and on the embedded
default."""
from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from datetime import date

import pytest
from sqlalchemy import insert, update

from cpd.adapters.orm import academies, inductions, staff
from cpd.service.daily_job import run_daily
from staffroom_shared.bus import connect
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, Tokens, bus_databases, delete_queues, migrated_app, running, unique_queue, wait_for,
)

KEYS = ["cpd.induction_started", "cpd.induction_people_assigned", "cpd.induction_timetable_recorded",
        "cpd.induction_review_held", "cpd.induction_support_plan_started", "cpd.induction_item_due",
        "cpd.induction_ended"]


def _terms() -> list[dict]:
    return [t for y in range(2024, 2030) for t in (
        {"school_year": y, "number": 1, "starts_on": f"{y}-09-01", "ends_on": f"{y}-12-19"},
        {"school_year": y, "number": 2, "starts_on": f"{y + 1}-01-05", "ends_on": f"{y + 1}-04-01"},
        {"school_year": y, "number": 3, "starts_on": f"{y + 1}-04-19", "ends_on": f"{y + 1}-07-21"})]


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_induction_events_reach_the_bus_through_the_outbox_and_relay(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("induction-listener")
    with bus_databases(backend, tmp_path, "cpd") as (cpd_db, bus_url), ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        app, cpd, _ = migrated_app("cpd", env, cpd_db, cleanup)
        academy, ect, tutor, hr, mentor = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        with cpd.uow() as uow:
            uow.session.execute(insert(academies).values(academy_id=academy, name="Oak Primary", urn="140001"))
            for staff_id, first in ((ect, "Esme"), (tutor, "Tariq"), (hr, "Helen"), (mentor, "Mo")):
                uow.session.execute(insert(staff).values(
                    staff_id=staff_id, academy_id=academy, first_name=first, last_name="Hughes",
                    email=f"{first.lower()}@oaktrust.example", staff_type="teaching", post="Teacher",
                    start_date=date(2025, 9, 1)))
            uow.commit()
        client = app.test_client()
        as_hr = tokens.headers(hr, roles=["staff", "academy_hr"], academy_id=str(academy))
        as_tutor = tokens.headers(tutor, roles=["staff"], academy_id=str(academy))
        assert client.put(f"/academies/{academy}/term-dates", json={"terms": _terms()},
                          headers=as_hr).status_code == 200
        made = client.post("/inductions", headers=as_hr, json={
            "staff_id": str(ect), "academy_id": str(academy), "qts_on": "2025-07-15", "starts_on": "2025-09-01",
            "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led", "tutor_id": str(tutor)})
        assert made.status_code == 201, made.json
        with cpd.uow() as uow:  # registered when they started, so that the job's dates below come after it
            uow.session.execute(update(inductions).values(registered_on=date(2025, 9, 1)))
            uow.commit()
        assigned = client.put(f"/inductions/{made.json['id']}/people", headers=as_hr,
                              json={"tutor_id": str(tutor), "mentor_id": str(mentor)})
        assert assigned.status_code == 200, assigned.json
        timetable = client.put(f"/inductions/{made.json['id']}/timetable/2025/1", headers=as_tutor,
                               json={"percent": 88})
        assert timetable.status_code == 200, timetable.json
        item = made.json["schedule"][0]
        reviewed = client.post(f"/inductions/{made.json['id']}/reviews", headers=as_tutor, json={
            "kind": item["kind"], "school_year": item["school_year"], "term_number": item["term_number"],
            "held_on": item["due_on"], "outcome": "not making satisfactory progress",
            "standards": {"TS7": "Routines not yet established"}, "support_plan": {
                "areas_to_improve": ["Behaviour"], "objectives": ["TS7"], "support": ["Coaching"],
                "evidence": "Observations"}})
        assert reviewed.status_code == 201, reviewed.json
        for _ in range(2):  # a fortnight before the spring review is due (1 April 2026); the second run finds it said
            run_daily(cpd.uow(actor="scheduler"), today=date(2026, 3, 18))
        assert client.post(f"/inductions/{made.json['id']}/leaving", json={"left_on": "2026-04-01"},
                           headers=as_hr).status_code == 200

        buses = {name: connect(bus_url, **FAST_BUS[backend]) for name in ("relay", "listener")}
        for bus in buses.values():
            cleanup.callback(bus.close)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        buses["listener"].declare(queue, KEYS)
        relay = Relay(cpd.engine, cpd.metadata.tables["outbox"], buses["relay"])
        heard = []

        def listen(delivery):
            heard.append((delivery.routing_key, json.loads(delivery.body)))

        with running(lambda stop: buses["listener"].consume(queue, KEYS, listen, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: len(heard) >= len(KEYS), "the induction events to reach the queue")
            wait_for(lambda: relay.unsent() == 0, "cpd's outbox to drain")

        assert [key for key, _ in heard] == KEYS
        started, people, timetable, held, plan, due, ended = (body["payload"] for _, body in heard)
        assert (started["staff_id"], started["tutor_id"], started["expected_completion"]) == (
            str(ect), str(tutor), "2027-07-21")
        assert (people["tutor_id"], people["mentor_id"]) == (str(tutor), str(mentor))
        assert (timetable["school_year"], timetable["term_number"], timetable["percent"],
                timetable["cap_percent"]) == (2025, 1, "88.00", "90.00")
        assert (held["kind"], held["due_on"], held["held_on"]) == ("progress_review", item["due_on"], item["due_on"])
        assert plan["staff_id"] == str(ect) and "evidence" not in plan
        assert (due["kind"], due["stage"], due["due_on"], due["school_year"], due["term_number"], due["tutor_id"]) == (
            "progress_review", "due_soon", "2026-04-01", 2025, 2, str(tutor))
        assert (ended["outcome"], ended["ended_on"]) == ("left", "2026-04-01")
        assert {body["academy_id"] for _, body in heard} == {str(academy)}
