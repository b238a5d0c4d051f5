"""(i) A burst of 10,000 events through notifications' consumer; (j) end to end, from an HTTP write in appraisal
to the message in the recipient's inbox, with every service in one process.

Parts (i) and (j) of bench/run.py (`.venv/bin/python bench/run.py --only i,j [--quick]`); run.py only dispatches
here; the helpers they share (pg_database, migrate, free_port, the result rows, ...) are bench/harness.py's. Both parts run on
RabbitMQ + PostgreSQL and on the embedded default (SQLite files + the embedded bus). On RabbitMQ each part
works in a virtual host of its own (`bench-<part>-<run id>`, made and deleted with rabbitmqctl), so the real
exchange, routing keys and service queue names never meet a deployment's or another test's queues.

(i) notifications' staff copy holds 10,000 people (written directly); 10,000 real `wellbeing.invitation_issued`
    envelopes (one per person, built by staffroom_shared.events.new_event as the wellbeing service's outbox
    holds them) are published onto the bus (untimed) into notifications' queue, declared as Suite.prepare
    declares it (bindings = notifications' HANDLERS). Then the clock runs while the real consumer code path,
    staffroom_shared.runner.consumer (InboxConsumer over notifications.bootstrap.HANDLERS, context.bus.consume),
    drains it, until the inbox holds 10,000 rows. Checked: exactly 10,000 messages (one per person and event),
    10,000 deliveries (email rows), 10,000 inbox rows, no reminder, no dead letter, the queue empty. Then 1,000 of
    the same envelopes are published again and consumed: nothing may change (every table's count and every
    message and delivery id), and the consumer must have logged 1,000 "duplicate ... ignored". B, alternately:
    the same 10,000 bodies on the same queue, consumed by a bare consumer (raw kombu with the same prefetch on
    RabbitMQ; the embedded bus's own consume loop on SQLite) doing one INSERT per message in its own
    transaction with a plain SQLAlchemy engine; no inbox, no envelope parsing, no handler.
(j) `staffroom run --no-seed` (staffroom.cli.Suite: all five services, their relays, consumers and notifications'
    email sender as threads of one process, served by waitress) in a process of its own, on a temp data folder;
    for RabbitMQ with BUS_URL in a vhost of its own and <SERVICE>_DATABASE_URL on five fresh PostgreSQL
    databases. Email goes to a real SMTP server (aiosmtpd) in the bench process. Through the directory's API:
    N academies, each with a headteacher (leadership) and a teacher (teaching) line-managed by them; through
    appraisal's API one draft teachers' cycle per academy. Then, one after another: POST /cycles/<id>/open
    (one appraisal: the teacher's, so one appraisal.appraisal_opened event, which notifications turns into
    "Your appraisal for this year is open" for the teacher and "You are appraising Tom this year" for the head),
    and the bench polls notifications' database every 2 ms until both messages are there. Timed: from the
    moment the HTTP response was read to the moment both rows were seen; where the time went (relay, bus,
    handler) from the services' own timestamps. Then, for context, one bigger school's cycle for N teachers
    opened by one request, each teacher's message timed. Checked: every message exactly once, in the inbox,
    through GET /inbox and by email.

Other processes on this machine stop and start the shared RabbitMQ (shared/tests' broker-outage test): (i) runs a
round again when a connection dropped during it, (j) runs its RabbitMQ variant again when the suite logged losing
the broker while it was measured (see bench/README.md).
"""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

import harness

BURST, DUPLICATES, WARM_EVENTS = 10_000, 1_000, 200   # (i)
BURST_ACADEMIES = 10
COUNT_EVERY = 0.05                                    # (i): how often the bench counts rows while a consumer drains
PER_ROUND, WARM_OPENS = 50, 5                         # (j): appraisals per round; untimed warm-up opens first
SEEN_EVERY = 0.002                                    # (j): how often the bench looks for the messages
SERVICES = ("directory", "appraisal", "cpd", "wellbeing", "notifications")
RABBITMQCTL = os.environ.get("BENCH_RABBITMQCTL", "rabbitmqctl")


# -- shared helpers ----------------------------------------------------------------------------------

@contextmanager
def rabbit_vhost(label: str):
    """A RabbitMQ virtual host of the run's own, that AMQP_URL's user may use; the URL into it. Deleted after,
    with every queue and exchange in it."""
    parts = urlsplit(harness.AMQP_URL)
    name = f"bench-{label}-{harness.RUN_ID}"

    def ctl(*args, check=True):
        return subprocess.run([RABBITMQCTL, "-q", *args], check=check, capture_output=True, text=True, timeout=120)

    ctl("add_vhost", name)
    try:
        ctl("set_permissions", "-p", name, parts.username or "guest", ".*", ".*", ".*")
        yield f"{parts.scheme}://{parts.netloc}/{quote(name, safe='')}"
    finally:
        # If another process has the broker application stopped just now, wait for it: the vhost must go.
        deadline = time.time() + 180
        while ctl("delete_vhost", name, check=False).returncode != 0 and time.time() < deadline:
            time.sleep(2.0)
        if ctl("list_vhosts", "name", check=False).stdout.split().count(name):
            harness.log(f"could not delete RabbitMQ vhost {name}: delete it with `rabbitmqctl delete_vhost {name}`")


class BrokerWentAway(RuntimeError):
    """The shared RabbitMQ was stopped under the measurement (other processes' tests stop and start it)."""


class ConnectionsLost(logging.Handler):
    """Counts RabbitBus's "bus connection lost" warnings in this process: a consumer's connection dropped."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("bus connection lost"):
            self.count += 1


def wait_for_broker(url: str, timeout: float = 180.0) -> None:
    """Until RabbitMQ accepts connections again, then a little longer: a quorum queue's dead-letter worker
    checks in after a restart, and RabbitMQ 3.10 can crash it if the queue is deleted meanwhile (see
    shared/tests/conftest.py)."""
    from kombu import Connection

    deadline = time.time() + timeout
    while True:
        try:
            with Connection(url, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
            break
        except Exception:  # noqa: BLE001 - not up yet
            if time.time() > deadline:
                raise
            time.sleep(1.0)
    time.sleep(3.0)


@contextmanager
def service_log(path: Path, level: str = "INFO"):
    """The services' JSON log (staffroom_shared.log.configure_logging's handler, at INFO as deployed) written to
    `path` instead of the terminal for the length of the block; the harness's own handlers keep to WARNING."""
    from staffroom_shared.log import configure_logging

    root = logging.getLogger()
    root_level = root.level
    others = [(handler, handler.level) for handler in root.handlers if not getattr(handler, "_staffroom", False)]
    ours = [handler for handler in root.handlers if getattr(handler, "_staffroom", False)]
    for handler, _ in others:
        handler.setLevel(max(handler.level, logging.WARNING))
    configure_logging(level)
    handler = next(x for x in root.handlers if getattr(x, "_staffroom", False))
    stream = path.open("a")
    previous = handler.setStream(stream)
    try:
        yield
    finally:
        handler.setStream(previous)
        stream.close()
        if not ours:
            root.removeHandler(handler)
        for other, was in others:
            other.setLevel(was)
        root.setLevel(root_level)


def percentile(values: list[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def epoch(moment: datetime) -> float:
    """A stored moment as seconds since the epoch (SQLite gives back naive UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def readonly(engine):
    """Reads that never take SQLite's write lock (a plain connect() would BEGIN IMMEDIATE)."""
    return engine.execution_options(staffroom_readonly=True).connect()


# -- (i) a burst of 10,000 events -----------------------------------------------------------------------

def bench_burst(label: str, tmp: Path, rounds: int, database_url: str, bus_url: str) -> None:
    from kombu import Connection
    from sqlalchemy import Column, MetaData, Table, Text, Uuid, create_engine, delete, func, insert, select, text

    from notifications import bootstrap
    from notifications.adapters.orm import deliveries, messages, reminders, staff
    from staffroom_shared import runner
    from staffroom_shared.bus import BusUnavailable, OutgoingMessage, connect
    from staffroom_shared.bus.rabbitmq import service_queue
    from staffroom_shared.config import ServiceConfig
    from staffroom_shared.contracts.wellbeing import survey_link_context
    from staffroom_shared.db import make_engine
    from staffroom_shared.events import new_event
    from staffroom_shared.sealing import seal

    tmp.mkdir(parents=True, exist_ok=True)
    rabbit = bus_url.startswith("amqp")
    sqlite = database_url.startswith("sqlite")
    queue = f"bench-notifications-{harness.RUN_ID}"
    bindings = sorted(bootstrap.HANDLERS)
    logfile = tmp / "notifications-consumer.log"
    config = ServiceConfig.from_env("notifications", {"STAFFROOM_DATA_DIR": str(tmp), "LOG_LEVEL": "INFO"},
                                    database_url=database_url, bus_url=bus_url)
    harness.migrate(config, bootstrap)
    context = bootstrap.build(config)
    inbox = context.metadata.tables["inbox"]
    watch = make_engine(database_url)  # the bench's own reads and resets, beside the consumer's engine

    # 10,000 people in notifications' staff copy, as staff.joined would have left them (written directly).
    academy_ids = [uuid.UUID(int=i + 1, version=4) for i in range(BURST_ACADEMIES)]
    people = [{"staff_id": uuid.uuid4(), "academy_id": academy_ids[n % BURST_ACADEMIES], "first_name": "Amira",
               "last_name": f"Khan-{n}", "email": f"amira.khan.{n}@oaktrust.example", "line_manager_id": None,
               "leaving_date": None, "snapshot_at": None} for n in range(BURST)]
    with watch.begin() as conn:
        conn.execute(insert(staff), people)

    # One invitation per person, each with its own single-use link sealed to notifications' key: the envelope as
    # wellbeing's outbox holds it, published as the relay publishes it.
    run_id, closes_on = uuid.uuid4(), date.today() + timedelta(days=21)
    link_key = context.config.survey_link_public_key()

    def invitation(person: dict) -> OutgoingMessage:
        link = f"https://staffroom.bench.example/surveys/respond#token={secrets.token_urlsafe(32)}"
        event = new_event("wellbeing.invitation_issued", {
            "run_id": run_id, "staff_id": person["staff_id"], "academy_id": person["academy_id"],
            "title": "Autumn pulse", "closes_on": closes_on,
            "sealed_link": seal(link_key, link.encode(), survey_link_context(run_id, person["staff_id"])),
        }, producer="wellbeing", correlation_id=str(uuid.uuid4()), academy_id=person["academy_id"], version=2)
        return OutgoingMessage(message_id=str(event.id), routing_key=event.type,
                               body=json.dumps(event.to_dict(), separators=(",", ":")).encode(),
                               headers={"correlation_id": event.correlation_id})

    events = [invitation(p) for p in people]

    # The queue, as Suite.prepare declares notifications' (bindings = its HANDLERS), before anything is published.
    context.bus.declare(queue, bindings)
    publisher = connect(bus_url)
    admin = [Connection(bus_url, connect_timeout=5)] if rabbit else None  # the bench's own look at the queue
    bare = Table(f"bench_bare_{harness.RUN_ID}", MetaData(), Column("id", Uuid, primary_key=True),
                 Column("routing_key", Text, nullable=False), Column("body", Text, nullable=False))
    if sqlite:
        bare_engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30})
    else:
        bare_engine = create_engine(database_url, pool_size=5, max_overflow=10)
    bare.create(bare_engine)

    def on_queue(operation):
        """operation(channel) on the bench's own connection; if the shared broker drops it, a new one."""
        deadline = time.time() + 60
        while True:
            try:
                return operation(admin[0].default_channel)
            except (OSError, *admin[0].connection_errors, *admin[0].channel_errors) as exc:
                if time.time() > deadline:
                    raise
                harness.log(f"(i) {label}: lost the connection to RabbitMQ ({exc!r}); connecting again")
                admin[0].release()
                time.sleep(1.0)
                admin[0] = Connection(bus_url, connect_timeout=5)

    def depth() -> int:
        """Messages in the queue not yet acknowledged (embedded) / ready (RabbitMQ: not counting unacked)."""
        if not rabbit:
            return publisher.pending(queue)
        return on_queue(lambda channel: channel.queue_declare(queue=queue, passive=True).message_count)

    def publish(batch: list) -> None:
        """Untimed: publish (confirmed) in the relay's batch size, then wait until the broker counts them all."""
        before = depth()
        for i in range(0, len(batch), 500):
            publisher.publish(batch[i:i + 500])
        deadline = time.time() + 30
        while depth() < before + len(batch):
            if time.time() > deadline:
                raise RuntimeError(f"(i) {label}: published {len(batch)}, the queue holds {depth() - before} more")
            time.sleep(0.05)

    def count(table) -> int:
        with readonly(watch) as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

    def drain(target, remaining, what: str, stall: float = 60.0) -> float:
        """Start `target(stop)` in a thread (the clock starts) until remaining() is 0; seconds. Gives up when
        nothing moved for `stall` seconds (a handler failing on every message never gets there)."""
        stop = threading.Event()
        t0 = time.perf_counter()
        thread = threading.Thread(target=target, args=(stop,), name=f"bench-{what}", daemon=True)
        thread.start()
        last, moved = None, t0
        try:
            while (left := remaining()) > 0:
                now = time.perf_counter()
                if left != last:
                    last, moved = left, now
                if not thread.is_alive():
                    raise RuntimeError(f"(i) {label}: the {what} consumer stopped with {left} to go")
                if now - moved > stall:
                    raise RuntimeError(f"(i) {label}: the {what} consumer made no progress for {stall:.0f} s, "
                                       f"{left} to go")
                time.sleep(COUNT_EVERY)
            return time.perf_counter() - t0
        finally:
            stop.set()
            thread.join(30)

    def notifications_consumer(stop) -> None:  # the consumer entrypoint's code path, under the bench's queue name
        runner.consumer(context, bootstrap.HANDLERS, stop, name=queue)

    def store_one(routing_key: str, message_id: str, body: bytes) -> None:
        with bare_engine.begin() as conn:
            conn.execute(insert(bare).values(id=uuid.UUID(message_id), routing_key=routing_key, body=body.decode()))

    def bare_consumer(stop) -> None:
        if not rabbit:  # the embedded bus's own loop, a handler that only stores the message
            bus = connect(bus_url)
            try:
                bus.consume(queue, bindings, lambda d: store_one(d.routing_key, d.message_id, d.body),
                            should_stop=stop.is_set)
            finally:
                bus.close()
            return
        with Connection(bus_url, heartbeat=30, connect_timeout=5) as conn:  # kombu alone, RabbitBus's prefetch
            conn.ensure_connection(max_retries=1)
            q = service_queue(queue, bindings)(conn.channel())

            def on_message(message) -> None:
                body = message.body if isinstance(message.body, bytes) else message.body.encode()
                store_one(message.delivery_info.get("routing_key", ""), message.properties["message_id"], body)
                message.ack()

            with conn.Consumer([q], on_message=on_message, prefetch_count=10, accept=[]):
                while not stop.is_set():
                    try:
                        conn.drain_events(timeout=0.5)
                    except socket.timeout:
                        conn.heartbeat_check()

    def settle_queue(what: str) -> None:
        """Ready count 0 after the consumer stopped: nothing was left unacknowledged (RabbitMQ requeues those)."""
        deadline = time.time() + 10
        while depth() and time.time() < deadline:
            time.sleep(0.05)
        if depth():
            raise RuntimeError(f"(i) {label}: {depth()} messages left in the queue after the {what} run")

    def reset() -> None:
        if rabbit:  # what a round cut short by the broker going away left behind
            on_queue(lambda channel: channel.queue_purge(queue=queue))
        with watch.begin() as conn:
            if sqlite:
                for table in (deliveries, messages, inbox, reminders, bare):
                    conn.execute(delete(table))
            else:
                conn.execute(text(f'TRUNCATE deliveries, messages, inbox, reminders, "{bare.name}"'))

    def counts() -> dict:
        with readonly(watch) as conn:
            def n(query):
                return conn.execute(query).scalar_one()
            return {
                "messages": n(select(func.count()).select_from(messages)),
                "deliveries": n(select(func.count()).select_from(deliveries)),
                "inbox": n(select(func.count()).select_from(inbox).where(inbox.c.consumer == queue)),
                "recipients": n(select(func.count(messages.c.recipient_id.distinct()))),
                "events": n(select(func.count(messages.c.event_id.distinct()))),
                "reminders": n(select(func.count()).select_from(reminders)),
                "staff": n(select(func.count()).select_from(staff)),
                "ids": hashlib.sha256(b"".join(
                    r.id.bytes + (r.delivery.bytes if r.delivery else b"") for r in conn.execute(
                        select(messages.c.id, deliveries.c.id.label("delivery"))
                        .join(deliveries, deliveries.c.message_id == messages.c.id, isouter=True)
                        .order_by(messages.c.id)))).hexdigest()[:16],
            }

    def duplicate_lines() -> int:
        with logfile.open() as f:
            return sum('"message": "duplicate ' in line for line in f)

    def a_round(batch: list) -> tuple[float, float, list[str]]:
        """The consumer drains `batch`; checked; then DUPLICATES of them again: nothing may change."""
        n, wrong = len(batch), []
        reset()
        publish(batch)
        seconds = drain(notifications_consumer, lambda: n - count(inbox), "notifications")
        settle_queue("notifications")
        got = counts()
        want = {"messages": n, "deliveries": n, "inbox": n, "recipients": n, "events": n, "reminders": 0,
                "staff": BURST}
        if {k: got[k] for k in want} != want:
            wrong.append(f"after {n} events: {got}, expected {want}")
        again = batch[::max(1, n // DUPLICATES)][:DUPLICATES]
        logged = duplicate_lines()
        publish(again)

        dup_seconds = 0.0
        for _ in range(20):  # RabbitMQ: up to `prefetch` were in flight when it looked empty; they come back
            dup_seconds += drain(notifications_consumer, depth, "notifications (duplicates)")
            time.sleep(0.2)
            if depth() == 0:
                break
        after = counts()
        if after != got:
            wrong.append(f"the {len(again)} duplicates changed something: {got} -> {after}")
        ignored = duplicate_lines() - logged
        if ignored != len(again):
            wrong.append(f"the consumer logged {ignored} duplicates ignored, expected {len(again)}")
        dead = context.bus.dead_letters(queue, limit=10)
        if dead:
            wrong.append(f"{len(dead)}+ dead letters, e.g. {dead[0].reason}")
        return n / seconds, len(again) / dup_seconds, wrong

    def b_round(batch: list) -> float:
        reset()
        publish(batch)
        seconds = drain(bare_consumer, lambda: len(batch) - count(bare), "bare")
        settle_queue("bare")
        if count(bare) != len(batch):
            raise RuntimeError(f"(i) {label}: the bare consumer stored {count(bare)} of {len(batch)}")
        return len(batch) / seconds

    lost = ConnectionsLost()
    broker_errors = (BusUnavailable, OSError, *Connection(bus_url).connection_errors) if rabbit else ()

    def guarded(a_or_b, batch: list):
        """A round; run again (from a clean table and queue) if the shared RabbitMQ went away during it: another
        process's tests stop and start the broker application, which no measurement survives unchanged."""
        for _ in range(3):
            before = lost.count
            try:
                result = a_or_b(batch)
                if lost.count == before:
                    return result
                reason = "a consumer lost its connection during the round"
            except (RuntimeError, *broker_errors) as exc:
                if not rabbit or (lost.count == before and not isinstance(exc, broker_errors)):
                    raise
                reason = repr(exc)[:300]
            harness.log(f"(i) {label}: RabbitMQ went away during the round ({reason}); waiting for it, then the round "
                  f"again")
            wait_for_broker(bus_url)
        raise BrokerWentAway(f"(i) {label}: RabbitMQ went away in three attempts at one round")

    problems: list[str] = []
    results: dict[str, list[float]] = {"notifications": [], "bare": [], "duplicates": []}
    logging.getLogger("staffroom_shared.bus.rabbitmq").addHandler(lost)
    try:
        with service_log(logfile):
            log = harness.log
            log(f"(i) {label}: {BURST:,} staff in notifications' copy; {BURST:,} wellbeing.invitation_issued "
                f"envelopes on queue {queue}; {rounds} round(s), notifications' consumer and a bare consumer "
                f"alternately, after a {WARM_EVENTS}-event warm-up of each")
            _, _, wrong = guarded(a_round, events[:WARM_EVENTS])
            problems += [f"warm-up: {w}" for w in wrong]
            guarded(b_round, events[:WARM_EVENTS])
            for r in range(rounds):
                a, dup, wrong = guarded(a_round, events)
                problems += [f"round {r + 1}: {w}" for w in wrong]
                b = guarded(b_round, events)
                results["notifications"].append(a)
                results["duplicates"].append(dup)
                results["bare"].append(b)
                log(f"(i) {label} round {r + 1}: notifications {a:.0f} events/s ({BURST / a:.1f} s for {BURST:,}), "
                    f"{DUPLICATES:,} duplicates at ~{dup:.0f}/s; bare consumer {b:.0f} events/s "
                    f"({BURST / b:.1f} s); checks: " + ("ok" if not wrong else "FAILED: " + "; ".join(wrong)))
        lines = sum(1 for _ in logfile.open())
    finally:
        logging.getLogger("staffroom_shared.bus.rabbitmq").removeHandler(lost)
        if rabbit:
            try:
                wait_for_broker(bus_url)
                on_queue(lambda channel: (channel.queue_delete(queue), channel.queue_delete(f"{queue}.dlq")))
            finally:
                admin[0].release()
        publisher.close()
        context.bus.close()
        context.engine.dispose()
        watch.dispose()
        bare_engine.dispose()
    harness.log(f"(i) {label}: the consumer wrote {lines:,} log lines (JSON at INFO, as deployed: one per event applied "
          f"or ignored)")
    for p in problems:
        harness.log(f"(i) {label} MISSED: {p}")
    name = f"(i) burst of {BURST:,} events, {label}"
    harness.add_ratio_row(f"{name}: notifications' InboxConsumer vs bare consumer (1 INSERT)", "ev/s",
                    results["notifications"], results["bare"], None)
    harness.ROWS.append({"name": f"{name} + {DUPLICATES:,} duplicates: none lost or doubled", "a": "", "b": "",
                   "result": (f"{BURST:,} messages, deliveries, inbox rows; duplicates changed nothing"
                              if not problems else f"{len(problems)} problems (see log)"),
                   "target": "none lost or doubled", "status": "ok" if not problems else "MISSED",
                   "n": len(results["notifications"])})


# -- (j) end to end: appraisal's HTTP write -> the message in the recipient's inbox -------------------------

def waits() -> tuple[float, float]:
    """The defaults the suite runs with: the relay's idle sleep and the embedded bus's poll interval (seconds)."""
    import inspect

    from staffroom_shared.bus.embedded import EmbeddedBus
    from staffroom_shared.relay import Relay

    return (inspect.signature(Relay.run).parameters["idle_sleep"].default,
            inspect.signature(EmbeddedBus.__init__).parameters["poll_interval"].default)


class SuiteProcess:
    """`staffroom run --no-seed` (every service in one process, waitress) in a process of its own."""

    def __init__(self, env: dict, data_dir: Path, logfile: Path):
        self.port = harness.free_port()
        self.logfile = logfile
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("staffroom")), "run", "--no-seed", "--host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(data_dir)],
            env=env, stdout=logfile.open("ab"), stderr=subprocess.STDOUT, cwd=str(harness.ROOT), start_new_session=True)
        harness.wait_healthy(self, "/api/notifications/healthz", "staffroom run", logfile, timeout=180)

    def stop(self) -> None:
        harness.stop_group(self.proc, grace=15)


class Client:
    """JSON over one keep-alive HTTP connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, object]:
        headers = {"Authorization": f"Bearer {token}"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body), "application/json"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # an idle keep-alive connection the server had closed: once more, on a new one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Sighting:
    """Looks for messages in notifications' database with the plain driver in autocommit (no ORM, no pool, no
    transaction held), so a look costs a fraction of a millisecond."""

    def __init__(self, database_url: str):
        self.sqlite = database_url.startswith("sqlite")
        if self.sqlite:
            import sqlite3

            self.conn = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None, timeout=30)
        else:
            import psycopg

            self.conn = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://", 1),
                                        autocommit=True)

    def wait(self, ids: list[uuid.UUID], timeout: float = 30.0, every: float = SEEN_EVERY) -> dict | None:
        """{recipient: when their message was first seen (epoch seconds)} once all are there; None on timeout."""
        keys = {(i.hex if self.sqlite else i): i for i in ids}
        mark = "?" if self.sqlite else "%s"
        # Only placeholders are formatted in; the ids go as parameters.
        query = f"SELECT recipient_id FROM messages WHERE recipient_id IN ({', '.join([mark] * len(ids))})"  # noqa: S608
        first: dict = {}
        deadline = time.time() + timeout
        while True:
            rows = self.conn.execute(query, list(keys)).fetchall()
            now = time.time()
            for (recipient,) in rows:
                first.setdefault(keys[recipient], now)
            if len(first) == len(ids):
                return first
            if now > deadline:
                return None
            time.sleep(every)

    def close(self) -> None:
        self.conn.close()


class Mailbox:
    """aiosmtpd handler: what the SMTP server accepted."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((message["To"], message["Subject"]))
        return "250 Message accepted for delivery"


def bench_end_to_end(label: str, tmp: Path, rounds: int, per_round: int, extra_env: dict,
                     database_urls: dict) -> None:
    from aiosmtpd.controller import Controller
    from sqlalchemy import func, select, text

    from appraisal.adapters.orm import metadata as appraisal_metadata
    from notifications.adapters.orm import messages, metadata as notifications_metadata
    from staffroom_shared.auth import issue_dev_token
    from staffroom_shared.db import make_engine

    tmp.mkdir(parents=True, exist_ok=True)
    data_dir = tmp / "data"
    total = WARM_OPENS + rounds * per_round  # academies with one teacher: one cycle opened per request
    many = rounds * per_round  # teachers in the whole school whose cycle is opened in one request
    urls = {s: database_urls.get(s) or f"sqlite:///{(data_dir / f'{s}.db').resolve()}" for s in SERVICES}
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=harness.free_port())
    smtp.start()
    inherited = {k: v for k, v in os.environ.items()
                 if k not in ("BUS_URL", "DATABASE_URL", "STAFFROOM_ENV", "STAFFROOM_DATA_DIR", "SEAL_KEY",
                              "SURVEY_LINK_PUBLIC_KEY", "SURVEY_LINK_PRIVATE_KEY")
                 and not k.endswith(("_DATABASE_URL", "_BUS_URL")) and not k.startswith(("JWT_", "NOTIFICATIONS_"))}
    env = {**inherited, "LOG_LEVEL": "INFO", "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
           "NOTIFICATIONS_SMTP_PORT": str(smtp.port), "NOTIFICATIONS_SMTP_SECURITY": "none", **extra_env}
    engines: dict = {}
    suite = client = sighting = None
    problems: list[str] = []
    samples: list[dict] = []
    try:
        t0 = time.perf_counter()
        suite = SuiteProcess(env, data_dir, tmp / "staffroom-run.log")
        engines = {s: make_engine(urls[s]) for s in SERVICES}
        harness.log(f"(j) {label}: staffroom run (5 services, their relays, consumers and email sender in one process) up "
              f"in {time.perf_counter() - t0:.1f} s; seeding {total} academies x (headteacher + teacher) through "
              f"the directory's API")
        client = Client(suite.port)
        private = data_dir / "dev-keys" / "private.pem"
        hr = issue_dev_token(private, staff_id=uuid.uuid4(), roles=["trust_hr"])

        def ok(status, body, want, what):
            if status != want:
                raise RuntimeError(f"(j) {label}: {what} answered {status}: {str(body)[:500]}")
            return body

        t0 = time.perf_counter()
        schools = []
        for i in range(total):
            academy = ok(*client.call("POST", "/api/directory/academies", hr, {
                "name": f"Bench Academy {i}", "urn": f"{300000 + i}", "phase": "primary"}), 201, "POST /academies")
            person = {"academy_id": academy["id"], "fte": "1.00", "start_date": "2020-09-01"}
            head = ok(*client.call("POST", "/api/directory/staff", hr, {
                **person, "staff_code": f"H{i}", "first_name": "Priya", "last_name": f"Patel-{i}",
                "email": f"head{i}@bench{harness.RUN_ID}.example", "staff_type": "leadership", "post": "Headteacher"}),
                201, "POST /staff")
            teacher = ok(*client.call("POST", "/api/directory/staff", hr, {
                **person, "staff_code": f"T{i}", "first_name": "Tom", "last_name": f"Taylor-{i}",
                "email": f"teacher{i}@bench{harness.RUN_ID}.example", "staff_type": "teaching", "post": "Teacher of Maths",
                "line_manager_id": head["id"]}), 201, "POST /staff")
            schools.append({"academy": uuid.UUID(academy["id"]), "head": uuid.UUID(head["id"]),
                            "teacher": uuid.UUID(teacher["id"])})
        # And one bigger school: a headteacher line-managing `many` teachers, for one cycle opened for all at once.
        academy = ok(*client.call("POST", "/api/directory/academies", hr, {
            "name": "Bench Academy (whole school)", "urn": "399999", "phase": "secondary"}), 201, "POST /academies")
        person = {"academy_id": academy["id"], "fte": "1.00", "start_date": "2020-09-01"}
        head = ok(*client.call("POST", "/api/directory/staff", hr, {
            **person, "staff_code": "WH", "first_name": "Grace", "last_name": "Okafor",
            "email": f"whole.head@bench{harness.RUN_ID}.example", "staff_type": "leadership", "post": "Headteacher"}),
            201, "POST /staff")
        whole = {"academy": uuid.UUID(academy["id"]), "head": uuid.UUID(head["id"]), "teachers": []}
        for i in range(many):
            teacher = ok(*client.call("POST", "/api/directory/staff", hr, {
                **person, "staff_code": f"WT{i}", "first_name": f"Sam {i}", "last_name": "Reid",
                "email": f"whole.teacher{i}@bench{harness.RUN_ID}.example", "staff_type": "teaching",
                "post": "Teacher of English", "line_manager_id": head["id"]}), 201, "POST /staff")
            whole["teachers"].append(uuid.UUID(teacher["id"]))
        people = 2 * total + 1 + many
        seeded = time.perf_counter() - t0

        def settled() -> bool:
            """Every service has everybody in its staff copy and nothing left in its outbox."""
            for s in SERVICES:
                with readonly(engines[s]) as conn:
                    if conn.execute(text("SELECT count(*) FROM staff")).scalar_one() != people:
                        return False
                    if conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar_one():
                        return False
            return True

        deadline = time.time() + 300
        while not settled():
            if time.time() > deadline:
                raise RuntimeError(f"(j) {label}: the services' staff copies did not catch up within 300 s")
            time.sleep(0.2)
        time.sleep(2.0)  # the last consumers' own events (e.g. CPD's plans) on their way
        harness.log(f"(j) {label}: {total + 1 + people} directory writes in {seeded:.1f} s; every service's staff copy "
              f"has {people} people after {time.perf_counter() - t0:.1f} s")

        year, _ = harness.school_year_today()
        cycles = []
        for i, school in enumerate(schools):
            cycle = ok(*client.call("POST", "/api/appraisal/cycles", hr, {
                "name": f"{year}/{(year + 1) % 100:02d} teachers, Bench Academy {i}", "template": "teachers",
                "academy_id": str(school["academy"]), "school_year": year}), 201, "POST /cycles")
            cycles.append(cycle["id"])
        whole["cycle"] = ok(*client.call("POST", "/api/appraisal/cycles", hr, {
            "name": f"{year}/{(year + 1) % 100:02d} teachers, whole school", "template": "teachers",
            "academy_id": str(whole["academy"]), "school_year": year}), 201, "POST /cycles")["id"]

        def outages() -> int:
            """Times the suite's consumers or relays lost RabbitMQ (their warnings in its log)."""
            with (tmp / "staffroom-run.log").open() as f:
                return sum("bus connection lost" in line or "relay paused" in line for line in f)

        outages_before = outages()
        sighting = Sighting(urls["notifications"])
        rng = random.Random(7)
        harness.log(f"(j) {label}: {total} draft teachers' cycles; opening them one at a time ({WARM_OPENS} untimed "
              f"warm-up, then {rounds} round(s) of {per_round}), each followed by polling notifications' database "
              f"every {SEEN_EVERY * 1000:.0f} ms until both messages are there")
        for k, (cycle_id, school) in enumerate(zip(cycles, schools)):
            # A random pause first, so the writes land at every phase of the relays' 50 ms idle sleep and of the
            # embedded bus's 20 ms poll rather than in step with them.
            time.sleep(rng.uniform(0.0, 0.1))
            started = time.time()
            status, body = client.call("POST", f"/api/appraisal/cycles/{cycle_id}/open", hr)
            answered = time.time()
            if status != 200 or body.get("appraisal_count") != 1:
                problems.append(f"open {k}: {status} {str(body)[:200]}")
                continue
            seen = sighting.wait([school["teacher"], school["head"]])
            if seen is None:
                problems.append(f"open {k}: the messages were not in the inbox 30 s after the response")
                continue
            if k >= WARM_OPENS:
                samples.append({**school, "started": started, "answered": answered, "round": (k - WARM_OPENS) // per_round,
                                "teacher_seen": seen[school["teacher"]], "head_seen": seen[school["head"]]})

        # Then the bigger school's cycle: one request opens `many` appraisals, each teacher's message timed.
        time.sleep(1.0)
        status, body = client.call("POST", f"/api/appraisal/cycles/{whole['cycle']}/open", hr)
        answered = time.time()
        if status != 200 or body.get("appraisal_count") != many:
            problems.append(f"open the whole school's cycle: {status} {str(body)[:200]}")
        else:
            seen = sighting.wait(whole["teachers"], timeout=300, every=0.01)
            if seen is None:
                problems.append(f"the whole school's {many} messages were not all in the inbox 300 s after the response")
            else:
                whole["answered"], whole["seen"] = answered, seen

        if "BUS_URL" in extra_env and outages() > outages_before:
            raise BrokerWentAway(f"(j) {label}: the suite lost RabbitMQ {outages() - outages_before} time(s) while "
                                 f"it was measured")

        # What the time was spent on, from the services' own timestamps (one clock: same machine).
        outbox = appraisal_metadata.tables["outbox"]
        inbox = notifications_metadata.tables["inbox"]
        with readonly(engines["appraisal"]) as conn:
            opened = {r.envelope["payload"]["reviewee_id"]: r for r in conn.execute(
                select(outbox.c.event_id, outbox.c.envelope, outbox.c.created_at, outbox.c.sent_at)
                .where(outbox.c.event_type == "appraisal.appraisal_opened"))}
        with readonly(engines["notifications"]) as conn:
            applied = {r.event_id: r.processed_at for r in conn.execute(
                select(inbox.c.event_id, inbox.c.processed_at).where(inbox.c.event_type == "appraisal.appraisal_opened"))}
            stored = conn.execute(select(func.count()).select_from(messages)).scalar_one()
            per_person = dict(conn.execute(select(messages.c.recipient_id, func.count()).group_by(
                messages.c.recipient_id)).all())
        for s in samples:
            row = opened[str(s["teacher"])]
            s["committed"], s["published"] = epoch(row.created_at), epoch(row.sent_at)
            s["applied"] = epoch(applied[row.event_id])
            s["seen"] = max(s["teacher_seen"], s["head_seen"])

        if "seen" in whole:
            rows = [opened[str(t)] for t in whole["teachers"]]
            whole["published"] = [epoch(r.sent_at) for r in rows]
            whole["applied"] = [epoch(applied[r.event_id]) for r in rows]

        # Checks: every message exactly once, in the inbox through the API, and by email.
        expected = 2 * (total + many)
        if stored != expected:
            problems.append(f"notifications holds {stored} messages, expected {expected} (2 per appraisal opened)")
        extra = {k: v for k, v in per_person.items() if v != (many if k == whole["head"] else 1)}
        if extra or len(per_person) != people:
            problems.append(f"{len(extra)} people have more or fewer messages than they should; "
                            f"{len(per_person)} of {people} have any")
        token = issue_dev_token(private, staff_id=whole["head"], roles=["staff"], academy_id=whole["academy"])
        status, page = client.call("GET", "/api/notifications/inbox", token)
        if status != 200 or page["total"] != many:
            problems.append(f"GET /inbox as the whole school's head: {status} {str(page)[:200]}")
        for school in schools:
            # the head's names the teacher in full ("Tom Taylor-7"), as notifications says it
            for who, subject in (("teacher", r"Your appraisal for this year is open"),
                                 ("head", r"You are appraising Tom \S+ this year")):
                token = issue_dev_token(private, staff_id=school[who], roles=["staff"], academy_id=school["academy"])
                status, page = client.call("GET", "/api/notifications/inbox", token)
                got = [m["subject"] for m in page["items"]] if status == 200 else status
                if not (isinstance(got, list) and len(got) == 1 and re.fullmatch(subject, got[0])):
                    problems.append(f"GET /inbox as the {who} of {school['academy']}: {got}")
        deadline = time.time() + 120
        while len(mailbox.received) < expected and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)  # a sender pass more: still exactly once
        if len(set(mailbox.received)) != len(mailbox.received) or len(mailbox.received) != expected:
            problems.append(f"the SMTP server received {len(mailbox.received)} emails "
                            f"({len(set(mailbox.received))} distinct), expected {expected}")
    finally:
        if client is not None:
            client.close()
        if sighting is not None:
            sighting.close()
        if suite is not None:
            suite.stop()
        for engine in engines.values():
            engine.dispose()
        smtp.stop()
    log_lines = sum(1 for _ in (tmp / "staffroom-run.log").open())

    def ms(key_to: str, key_from: str, subset=None) -> list[float]:
        return [(s[key_to] - s[key_from]) * 1000 for s in (subset or samples)]

    def p(values: list[float]) -> str:
        return f"p50 {statistics.median(values):.0f} / p95 {percentile(values, 95):.0f} ms"

    idle_sleep, poll = waits()
    together = sum(abs(s["teacher_seen"] - s["head_seen"]) < 1e-9 for s in samples)
    harness.log(f"(j) {label}: the suite wrote {log_lines:,} log lines (JSON at INFO, as deployed)")
    harness.log(f"(j) {label}, {len(samples)} appraisals: response -> both messages seen {p(ms('seen', 'answered'))} "
          f"(both appeared in the same look {together} of {len(samples)} times: one transaction); the open request "
          f"itself {p(ms('answered', 'started'))}")
    harness.log(f"(j) {label}, where it goes: response -> the appraisal relay has published it (outbox sent_at; the relay "
          f"sleeps {idle_sleep * 1000:.0f} ms when idle) {p(ms('published', 'answered'))}; published -> notifications' "
          f"consumer starts on it (inbox processed_at"
          + (f"; the embedded bus polls every {poll * 1000:.0f} ms when idle" if "embedded" in label else "")
          + f") {p(ms('applied', 'published'))}; -> both messages committed and seen {p(ms('seen', 'applied'))}; "
          f"(outbox row written at commit -> response read {p(ms('answered', 'committed'))})")
    if "seen" in whole:
        each = sorted((t - whole["answered"]) * 1000 for t in whole["seen"].values())
        published, applied_at = sorted(whole["published"]), sorted(whole["applied"])
        harness.log(f"(j) {label}, the whole school's cycle ({many} appraisals in one request): each teacher's message "
              f"{p(each)}, first {each[0]:.0f} ms, last {each[-1]:.0f} ms after the response; the relay had published "
              f"all {many} events {(published[-1] - whole['answered']) * 1000:.0f} ms after it; notifications applied "
              f"them from +{(applied_at[0] - whole['answered']) * 1000:.0f} to "
              f"+{(applied_at[-1] - whole['answered']) * 1000:.0f} ms "
              f"({(many - 1) / max(applied_at[-1] - applied_at[0], 1e-6):.0f} events/s, two messages each)")
    for pr in problems:
        harness.log(f"(j) {label} MISSED: {pr}")
    by_round = [[s for s in samples if s["round"] == r] for r in range(rounds)]
    by_round = [r for r in by_round if r]
    name = f"(j) appraisal POST /cycles/<id>/open -> both messages in the inbox, {label}"
    if by_round:
        harness.add_ms_row(f"{name}: p95 per round of {per_round}", [percentile(ms("seen", "answered", r), 95)
                                                              for r in by_round], None, 300.0, what="p95")
        harness.add_ms_row(f"{name}: p50 per round of {per_round}", [statistics.median(ms("seen", "answered", r))
                                                              for r in by_round], None, None, what="p50")
    if "seen" in whole:
        harness.add_ms_row(f"(j) one POST /cycles/<id>/open for {many} teachers -> each teacher's message, {label}",
                     [percentile(each, 95)], None, None, what="p95")
    for problem in problems[:20]:  # the table says "see log"
        harness.log(f"(j) {label}: {problem}")
    harness.ROWS.append({"name": f"(j) {label}: every message exactly once (inbox, GET /inbox, email)", "a": "", "b": "",
                   "result": (f"{expected} messages, {expected} emails, once each" if not problems
                              else f"{len(problems)} problems (see log)"),
                   "target": "none lost or doubled", "status": "ok" if not problems else "MISSED",
                   "n": len(samples)})


# -- part entry ------------------------------------------------------------------------------------------

def run_part(tmp: Path, quick: bool, parts: set[str]) -> None:
    """bench/run.py's parts (i) and (j), each on RabbitMQ + PostgreSQL, then on SQLite + the embedded bus."""
    if "i" in parts:
        rounds = 1 if quick else 2
        with harness.pg_database("burst") as url, rabbit_vhost("burst") as amqp:
            bench_burst("RabbitMQ + PostgreSQL", tmp / "burst-pg", rounds, url, amqp)
        folder = (tmp / "burst-sqlite").resolve()
        bench_burst("embedded bus + SQLite", folder, rounds, f"sqlite:///{folder / 'notifications.db'}",
                    f"embedded:///{folder / 'bus.db'}")
    if "j" in parts:
        rounds = 1 if quick else 4
        from contextlib import ExitStack

        for attempt in range(1, 4):
            try:
                with ExitStack() as stack:
                    amqp = stack.enter_context(rabbit_vhost(f"e2e{attempt}"))
                    urls = {s: stack.enter_context(harness.pg_database(f"e2e{attempt}_{s}")) for s in SERVICES}
                    env = {"BUS_URL": amqp, **{f"{s.upper()}_DATABASE_URL": u for s, u in urls.items()}}
                    bench_end_to_end("RabbitMQ + PostgreSQL", tmp / f"e2e-pg-{attempt}", rounds, PER_ROUND, env,
                                     urls)
                break
            except BrokerWentAway as exc:  # another process's tests stopped the shared broker under us
                if attempt == 3:
                    raise
                harness.log(f"{exc}; waiting for RabbitMQ, then (j) on RabbitMQ again from the start")
                wait_for_broker(harness.AMQP_URL)
        bench_end_to_end("embedded bus + SQLite", tmp / "e2e-sqlite", rounds, PER_ROUND, {}, {})
