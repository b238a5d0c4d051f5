"""Across services: a member of staff added through the directory's API reaches another service's local copy.

The consuming side is a stand-in service (its own database, inbox and queue), as appraisal or CPD will
be; the directory is the real one. Runs on the embedded default and on PostgreSQL + RabbitMQ.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy import Column, String, Table, Uuid, select

from directory import bootstrap
from directory.entrypoints.web import create_app
from staffroom_shared.bus import connect
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.db import make_engine, make_session_factory, new_metadata
from staffroom_shared.log import current_correlation_id
from staffroom_shared.relay import Relay
from staffroom_shared.testing import Tokens, postgres_database, rabbit_url, unique_queue
from staffroom_shared.uow import UnitOfWork

copy_metadata = new_metadata()
staff_copy = Table(
    "staff_copy", copy_metadata,
    Column("staff_id", Uuid, primary_key=True),
    Column("post", String(200), nullable=False),
    Column("staff_type", String(20), nullable=False),
    Column("correlation_id", String(100), nullable=False),
)


def keep_copy(uow: UnitOfWork, event) -> None:
    """The stand-in consumer's handler: event-carried state, upserted."""
    p = event.payload
    values = {"post": p["post"], "staff_type": p["staff_type"], "correlation_id": current_correlation_id()}
    if uow.session.execute(select(staff_copy.c.staff_id).where(staff_copy.c.staff_id == p["staff_id"])).first():
        uow.session.execute(staff_copy.update().where(staff_copy.c.staff_id == p["staff_id"]).values(**values))
    else:
        uow.session.execute(staff_copy.insert().values(staff_id=p["staff_id"], **values))


@contextmanager
def databases(backend, tmp_path):
    if backend == "embedded":
        yield (f"sqlite:///{tmp_path / 'directory.db'}", f"sqlite:///{tmp_path / 'copy.db'}",
               f"embedded:///{tmp_path / 'bus.db'}")
        return
    with postgres_database("journey") as directory_db, postgres_database("journey") as copy_db:
        yield directory_db, copy_db, rabbit_url()


@contextmanager
def background(target):
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(stop.is_set,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def wait_for(predicate, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


FAST = {"embedded": {"poll_interval": 0.01, "lease_seconds": 2.0, "retry_delay": 0.01},
        "rabbitmq": {"retry_delay": 0.01, "max_retry_delay": 0.3}}


@pytest.mark.parametrize("backend", [
    pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def test_staff_added_and_promoted_in_the_directory_reach_another_services_copy(backend, tmp_path):
    tokens = Tokens(tmp_path / "keys")
    queue = unique_queue("staffcopy")
    with databases(backend, tmp_path) as (directory_db, copy_db, bus_url), ExitStack() as cleanup:
        config = ServiceConfig.from_env("directory", {
            "STAFFROOM_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": directory_db, "BUS_URL": bus_url,
            "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING"})
        bootstrap.migrate(config)
        app = create_app(config)
        logging.getLogger("staffroom.access").setLevel(logging.WARNING)
        directory = app.extensions["staffroom"]
        cleanup.callback(directory.engine.dispose)

        copy_engine = make_engine(copy_db)
        cleanup.callback(copy_engine.dispose)
        copy_metadata.create_all(copy_engine)
        copy_sessions = make_session_factory(copy_engine)
        inbox = InboxConsumer(queue, lambda: UnitOfWork(copy_sessions, copy_metadata, producer="staffcopy"),
                              {"staff.joined": keep_copy, "staff.promoted": keep_copy})
        bus = connect(bus_url, **FAST[backend])
        cleanup.callback(bus.close)
        bus.declare(queue, inbox.bindings)
        if backend == "rabbitmq":
            cleanup.callback(_delete_queues, queue, f"{queue}.dlq")
        relay = Relay(directory.engine, directory.metadata.tables["outbox"], bus)

        client = app.test_client()
        trust_hr = tokens.headers(uuid.uuid4(), roles=["trust_hr"])
        academy = client.post("/academies", json={"name": "Oak Primary", "urn": "100001", "phase": "primary"},
                              headers=trust_hr).json
        person = {"staff_code": "N1", "academy_id": academy["id"], "first_name": "Niamh", "last_name": "Nowak",
                  "email": "niamh.nowak@oaktrust.example", "staff_type": "support", "post": "Teaching Assistant",
                  "fte": "0.60", "start_date": "2024-09-02"}
        joined = client.post("/staff", json=person, headers={**trust_hr, "X-Correlation-ID": "journey-joined"})
        assert joined.status_code == 201, joined.json
        staff_id = uuid.UUID(joined.json["id"])

        def copy():
            with copy_engine.connect() as conn:
                return conn.execute(select(staff_copy).where(staff_copy.c.staff_id == staff_id)).first()

        with background(lambda stop: bus.consume(queue, inbox.bindings, inbox, should_stop=stop)), \
                background(lambda stop: relay.run(stop, idle_sleep=0.02, max_backoff=0.3)):
            wait_for(lambda: copy() is not None, what="staff.joined to reach the copy")
            assert (copy().post, copy().correlation_id) == ("Teaching Assistant", "journey-joined")

            promoted = client.post(f"/staff/{staff_id}/promotion", headers={**trust_hr, "X-Correlation-ID": "journey-up"},
                                   json={"post": "Higher Level Teaching Assistant", "staff_type": "support",
                                         "effective_date": "2025-09-01"})
            assert promoted.status_code == 200, promoted.json
            wait_for(lambda: copy().post == "Higher Level Teaching Assistant", what="staff.promoted to reach the copy")
            assert copy().correlation_id == "journey-up"
            wait_for(lambda: relay.unsent() == 0, what="the directory's outbox to drain")
        inbox_table = copy_metadata.tables["inbox"]
        with copy_engine.connect() as conn:
            kinds = sorted(conn.execute(select(inbox_table.c.event_type).where(inbox_table.c.consumer == queue)).scalars())
        assert kinds == ["staff.joined", "staff.promoted"]


def _delete_queues(*names):
    from kombu import Connection

    with Connection(rabbit_url(), connect_timeout=5) as conn:
        channel = conn.channel()
        for name in names:
            channel.queue_delete(name)
