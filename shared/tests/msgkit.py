"""Test-only event contract, tables and handler for the messaging tests, and rigs that run them for real.

A "rig" is one service's database plus a bus (SQLite + embedded bus, or PostgreSQL + RabbitMQ) with
the platform tables, a producer-side `notes` table and a consumer-side `notes_applied` table. The
handler inserts one `notes_applied` row per application, with no unique key, so applying an event
twice shows up as two rows rather than being hidden by a constraint.
"""
from __future__ import annotations

import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from marshmallow import Schema, fields, validate
from sqlalchemy import Column, Integer, String, Table, Uuid, func, select

from staffroom_shared.bus import Bus, Delivery
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.db import make_engine, make_session_factory, new_metadata
from staffroom_shared.contracts import contract
from staffroom_shared.events import Event
from staffroom_shared.relay import Relay
from staffroom_shared.uow import UnitOfWork

NOTE_TYPE = "msgtest.noted"
MAX_ATTEMPTS = 3  # every test queue is declared with this delivery limit
BEHAVIOURS = ("ok", "fail")


@contract(NOTE_TYPE, 1)
class NotedV1(Schema):
    note_id = fields.UUID(required=True)
    text = fields.String(required=True)
    # What the test handler should do with it: apply it, or raise (a handler bug that never goes away).
    behaviour = fields.String(load_default="ok", validate=validate.OneOf(BEHAVIOURS))


OTHER_TYPE = "msgtest.other"


@contract(OTHER_TYPE, 1)
class OtherV1(Schema):
    anything = fields.String(required=True)


metadata = new_metadata()
notes = Table("notes", metadata, Column("id", Uuid, primary_key=True), Column("text", String(200), nullable=False))
notes_applied = Table(
    "notes_applied", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("note_id", Uuid, nullable=False),
    Column("pid", Integer, nullable=False),
)


class HandlerFailed(RuntimeError):
    pass


def make_handler(calls: list | None = None, *, announce: Callable[[str], None] | None = None,
                 stall: float = 0.0, ignore_failures: bool = False):
    """The consumer's handler for msgtest.noted; `calls` records every call (event id) made to it.

    `stall` seconds are spent inside the transaction, after the change and the inbox row are written
    but before the commit, having first called `announce`: the moment a crash test kills the process.
    """

    def apply_note(uow: UnitOfWork, event: Event) -> None:
        if calls is not None:
            calls.append(event.id)
        behaviour = event.payload["behaviour"]
        if behaviour == "fail" and not ignore_failures:
            raise HandlerFailed(f"refusing note {event.payload['note_id']}")
        uow.session.execute(notes_applied.insert().values(
            event_id=event.id, note_id=event.payload["note_id"], pid=os.getpid()))
        if stall:
            uow.session.flush()
            if announce:
                announce(str(event.id))
            time.sleep(stall)

    return apply_note


@dataclass
class Rig:
    db_url: str
    bus_factory: Callable[[], Bus]
    queue: str
    bus_url: str = ""  # for worker processes, which build their own bus
    bus_options: dict = field(default_factory=dict)
    backend: str = ""
    engine: object = None
    bus: Bus = None
    calls: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)  # every delivery the running consumer was given
    handled: list = field(default_factory=list)  # the deliveries it acknowledged (handled or duplicate)

    def __post_init__(self):
        self.engine = make_engine(self.db_url)
        self.sessions = make_session_factory(self.engine)
        self.bus = self.bus_factory()

    def create_tables(self) -> None:
        metadata.create_all(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, metadata, producer="msgtest")

    # -- producing
    def write_note(self, text: str = "hello", *, behaviour: str = "ok") -> Event:
        """The producer's use case: the note and its event commit in one transaction."""
        with self.uow() as uow:
            note_id = uuid.uuid4()
            uow.session.execute(notes.insert().values(id=note_id, text=text))
            event = uow.emit(NOTE_TYPE, {"note_id": note_id, "text": text, "behaviour": behaviour},
                             academy_id=None)
            uow.commit()
        return event

    def relay(self) -> Relay:
        return Relay(self.engine, metadata.tables["outbox"], self.bus)

    def unsent(self) -> int:
        return self.relay().unsent()

    # -- consuming
    def consumer(self, handler=None, name: str | None = None) -> InboxConsumer:
        return InboxConsumer(name or self.queue, self.uow, {NOTE_TYPE: handler or make_handler(self.calls)})

    def reader(self):
        """A read-only connection: on SQLite it must not queue for the write lock a stalled writer holds."""
        return self.engine.execution_options(staffroom_readonly=True).connect()

    def applied(self, event_id) -> int:
        event_id = uuid.UUID(str(event_id))
        with self.reader() as conn:
            return conn.execute(select(func.count()).select_from(notes_applied)
                                .where(notes_applied.c.event_id == event_id)).scalar_one()

    def inbox_rows(self, event_id) -> int:
        event_id = uuid.UUID(str(event_id))
        inbox = metadata.tables["inbox"]
        with self.reader() as conn:
            return conn.execute(select(func.count()).select_from(inbox)
                                .where(inbox.c.event_id == event_id, inbox.c.consumer == self.queue)).scalar_one()

    @contextmanager
    def running_relay(self, **run_options):
        relay = self.relay()
        with _thread(lambda stop: relay.run(stop.is_set, **{"idle_sleep": 0.02, "max_backoff": 0.3, **run_options})):
            yield relay

    @contextmanager
    def running_consumer(self, handler=None, *, max_attempts: int = MAX_ATTEMPTS):
        inbox = self.consumer(handler)

        def on_delivery(delivery: Delivery) -> None:
            self.deliveries.append(delivery)
            inbox(delivery)
            self.handled.append(delivery)

        def run(stop: threading.Event) -> None:
            inbox.should_stop = stop.is_set
            self.bus.consume(self.queue, inbox.bindings, on_delivery, should_stop=stop.is_set,
                             max_attempts=max_attempts)

        with _thread(run):
            yield inbox

    def publish_raw(self, body: bytes, message_id: str | None = None, routing_key: str = NOTE_TYPE) -> str:
        from staffroom_shared.bus import OutgoingMessage

        message_id = message_id or str(uuid.uuid4())
        self.bus.publish([OutgoingMessage(message_id=message_id, routing_key=routing_key, body=body)])
        return message_id

    def close(self) -> None:
        self.bus.close()
        self.engine.dispose()


@contextmanager
def _thread(target: Callable[[threading.Event], None]):
    stop = threading.Event()
    errors: list[BaseException] = []

    def run():
        try:
            target(stop)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive(), "worker thread did not stop"
    if errors:
        raise errors[0]


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stays(predicate: Callable[[], bool], seconds: float) -> bool:
    """True when `predicate` holds for the whole of `seconds` (to show something does NOT happen)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not predicate():
            return False
        time.sleep(0.02)
    return True


def delivery(body: bytes) -> Delivery:
    return Delivery(message_id="m", routing_key=NOTE_TYPE, body=body, headers={}, attempt=1)
