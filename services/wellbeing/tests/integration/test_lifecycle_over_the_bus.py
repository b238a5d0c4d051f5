"""Lifecycle surveys end to end over a real bus: staff who join and leave in the directory are invited, when due,
into the onboarding and exit pools; answers go into the pools; the daily job closes each pool once the minimum group
has answered and publishes its results and, for the exit pool, the reasons for leaving.

directory app (POST /staff, POST /staff/{id}/leaving) -> outbox -> relay -> bus -> wellbeing's InboxConsumer ->
staff copy -> wellbeing's daily job -> invitation_issued (sealed links) -> answers -> daily job -> results.
On RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import logging
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from directory import bootstrap as directory_bootstrap
from directory.entrypoints.web import create_app as create_directory_app
from staffroom_shared.bus import connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, Tokens, bus_databases, delete_queues, running, survey_link, unique_queue, wait_for,
)
from wellbeing import bootstrap as wellbeing_bootstrap
from wellbeing.adapters.orm import staff
from wellbeing.service.daily_job import run_daily
from wellbeing.service.respond import seal_key
from wellbeing.service.runs import Links
from wellbeing.entrypoints.web import create_app as create_wellbeing_app


TODAY = date.today()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_joiners_and_leavers_are_invited_into_pools_that_close_with_their_results(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("wellbeing")
    with bus_databases(backend, tmp_path, "directory", "wellbeing") as (directory_db, wellbeing_db, bus_url), \
            ExitStack() as cleanup:
        env = {"STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url,
               "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"}
        directory_config = ServiceConfig.from_env("directory", {**env, "DATABASE_URL": directory_db})
        directory_bootstrap.migrate(directory_config)
        directory_app = create_directory_app(directory_config)
        logging.getLogger("staffroom.access").setLevel(logging.WARNING)
        directory = directory_app.extensions["staffroom"]
        cleanup.callback(directory.engine.dispose)

        wellbeing_config = ServiceConfig.from_env("wellbeing", {**env, "DATABASE_URL": wellbeing_db})
        wellbeing_bootstrap.migrate(wellbeing_config)
        wellbeing_app = create_wellbeing_app(wellbeing_config)
        wellbeing = wellbeing_app.extensions["staffroom"]
        cleanup.callback(wellbeing.engine.dispose)

        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        inbox = InboxConsumer("wellbeing", wellbeing.uow, wellbeing_bootstrap.HANDLERS)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        relay = Relay(directory.engine, directory.metadata.tables["outbox"], bus)

        client = directory_app.test_client()
        trust_hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        academy = client.post("/academies", json={"name": "Oakfield Primary", "urn": "140001", "phase": "primary"},
                              headers=trust_hr).json
        survey = wellbeing_app.test_client()
        for kind in ("onboarding", "exit"):  # switched on before anyone joins or leaves
            assert survey.patch(f"/lifecycle/{kind}", json={"enabled": True}, headers=trust_hr).status_code == 200
        people = []
        for i in range(10):  # five joined six weeks ago; five who have been here for years, leaving in ten days
            made = client.post("/staff", headers=trust_hr, json={
                "academy_id": academy["id"], "fte": "1.00", "staff_code": f"T{i}",
                "start_date": str(TODAY - timedelta(days=42) if i < 5 else date(2019, 9, 1)),
                "first_name": f"Teacher{i}", "last_name": "Iqbal", "email": f"t{i}@oaktrust.example",
                "staff_type": "teaching", "post": "Teacher"})
            assert made.status_code == 201, made.json
            people.append(made.json)
        for leaver in people[5:]:
            left = client.post(f"/staff/{leaver['id']}/leaving", headers=trust_hr, json={
                "leaving_date": str(TODAY + timedelta(days=10)), "reason": "resigned"})
            assert left.status_code == 200, left.json

        def rows(query):
            with wellbeing.engine.connect() as conn:
                return conn.execute(query).all()

        def events(event_type):
            outbox = wellbeing.metadata.tables["outbox"]
            return [r.envelope["payload"] for r in rows(select(outbox.c.envelope).where(
                outbox.c.event_type == event_type).order_by(outbox.c.seq))]

        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: len([r for r in rows(select(staff)) if r.leaving_date]) == 5,
                     "ten staff.joined and five staff.left in wellbeing's staff copy")
            wait_for(lambda: relay.unsent() == 0, "the directory's outbox to drain")
        assert bus.dead_letters(queue) == []

        links, key = Links.from_config(wellbeing_config), seal_key(wellbeing_config)
        run_daily(wellbeing.uow(actor="scheduler"), links, key, today=TODAY)
        series = {s["kind"]: s for s in survey.get("/lifecycle", headers=trust_hr).json}
        [onboarding], [leaving] = series["onboarding"]["pools"], series["exit"]["pools"]
        assert (onboarding["invited"], leaving["invited"]) == (5, 5)
        invited = {}
        for payload in events("wellbeing.invitation_issued"):
            invited.setdefault(payload["run_id"], {})[payload["staff_id"]] = survey_link(wellbeing_config, payload)
        assert {p["id"] for p in people[:5]} == set(invited[onboarding["run_id"]])
        assert {p["id"] for p in people[5:]} == set(invited[leaving["run_id"]])

        for n, link in enumerate(invited[onboarding["run_id"]].values()):
            sent = survey.post("/survey/submission", json={"answers": {"enps.recommend": 7 + n % 3}},
                               headers={"X-Survey-Token": link.split("#token=")[1]})
            assert sent.status_code < 300, sent.json
        for n, link in enumerate(invited[leaving["run_id"]].values()):
            sent = survey.post("/survey/submission", json={"answers": {"enps.recommend": 3,
                                                                       "custom.main_reason": 1 + (n == 0)}},
                               headers={"X-Survey-Token": link.split("#token=")[1]})
            assert sent.status_code < 300, sent.json

        run_daily(wellbeing.uow(actor="scheduler"), links, key, today=TODAY + timedelta(days=92))
        closed = {p["run_id"]: p["responses"] for p in events("wellbeing.survey_closed")}
        assert closed == {onboarding["run_id"]: 5, leaving["run_id"]: 5}
        assert {p["run_id"] for p in events("wellbeing.results_published")} == set(closed)
        [reasons] = events("wellbeing.leaving_reasons_published")
        assert reasons["run_id"] == leaving["run_id"] and reasons["groups"][0]["answered"] == 5
        assert [r["count"] for r in reasons["groups"][0]["reasons"][:2]] == [4, 1]
