"""Answers to replies, passed on by the daily job, reach a consumer over a real bus as their contract says, once
(wellbeing outbox -> relay -> bus -> InboxConsumer). On RabbitMQ + PostgreSQL, and on the embedded default."""
from __future__ import annotations

import secrets
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from staffroom_shared.bus import connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.relay import Relay
from staffroom_shared.testing import (
    FAST_BUS, Tokens, bus_databases, delete_queues, running, survey_link, unique_queue, wait_for,
)
from wellbeing import bootstrap
from wellbeing.entrypoints.web import create_app
from wellbeing.service import replies
from wellbeing.service.respond import seal_key


def _answered_and_replied(app, hr: dict) -> None:
    """Six staff answer with a comment each, from browsers of their own; the run closes; HR reply to every comment
    and five authors answer."""
    context, client = app.extensions["staffroom"], app.test_client()
    academy = uuid.uuid4()
    with context.engine.begin() as conn:
        conn.execute(insert(context.metadata.tables["academies"]), [{"academy_id": academy, "name": "Oak"}])
        conn.execute(insert(context.metadata.tables["staff"]), [
            {"staff_id": uuid.uuid4(), "academy_id": academy, "first_name": "A", "last_name": f"P{i}",
             "email": f"p{i}@oak.example", "staff_type": "teaching", "start_date": date(2015, 9, 1),
             "leaving_date": None} for i in range(6)])
    run = client.post("/runs", headers=hr, json={"title": "Pulse", "instruments": ["enps", "trust_core"],
                                                 "opens_on": str(date.today()),
                                                 "closes_on": str(date.today() + timedelta(days=7))}).json
    assert client.post(f"/runs/{run['id']}/schedule", headers=hr).status_code == 200
    outbox = context.metadata.tables["outbox"]
    with context.engine.connect() as conn:
        payloads = [row.envelope["payload"] for row in conn.execute(outbox.select().where(
            outbox.c.event_type == "wellbeing.invitation_issued"))]
    authors = {}
    for n, payload in enumerate(payloads):
        headers = {"X-Survey-Token": survey_link(context.config, payload).split("#token=")[1],
                   "X-Draft-Key": secrets.token_urlsafe(16)}
        assert client.post("/survey/submission", headers=headers, json={"answers": {
            "enps.recommend": 8, "trust.improve": f"comment {n}"}}).status_code == 204
        authors[f"comment {n}"] = headers
    assert client.post(f"/runs/{run['id']}/close", headers=hr).status_code == 200
    for talk in client.get(f"/runs/{run['id']}/conversations", headers=hr).json:
        assert client.post(f"/runs/{run['id']}/replies", headers=hr,
                           json={"comment_id": talk["comment_id"], "text": "Say more?"}).status_code == 201
        if talk["text"] != "comment 5":
            assert client.post("/survey/replies", headers=authors[talk["text"]], json={"answer": {
                "comment_id": talk["comment_id"], "text": "More"}}).json["answer"] == "held"


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_answers_passed_on_are_announced_over_the_bus_once(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("hr")
    with bus_databases(backend, tmp_path, "wellbeing") as (database_url, bus_url), ExitStack() as cleanup:
        config = ServiceConfig.from_env("wellbeing", {
            "STAFFROOM_DATA_DIR": str(tmp_path / "data"), "BUS_URL": bus_url, "DATABASE_URL": database_url,
            "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"})
        bootstrap.migrate(config)
        app = create_app(config)
        context = app.extensions["staffroom"]
        cleanup.callback(context.engine.dispose)
        _answered_and_replied(app, tokens.headers(uuid.uuid4(), roles=["trust_hr"]))
        assert replies.release(context.uow(), seal_key(config)) == 5

        heard = []
        inbox = InboxConsumer("hr-test", context.uow,
                              {"wellbeing.answers_released": lambda uow, event: heard.append(event)})
        bus = connect(bus_url, **FAST_BUS[backend])
        cleanup.callback(bus.close)
        if backend == "rabbitmq":
            cleanup.callback(delete_queues, queue, f"{queue}.dlq")
        bus.declare(queue, inbox.bindings)
        relay = Relay(context.engine, context.metadata.tables["outbox"], bus)
        with running(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                running(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: heard, "wellbeing.answers_released over the bus")
            wait_for(lambda: relay.unsent() == 0, "the outbox to drain")
        [event] = heard
        assert event.payload["answers"] == 5 and event.payload["title"] == "Pulse"
        assert "comment" not in str(event.payload)  # how many and where, never which conversation
        assert bus.dead_letters(queue) == []
