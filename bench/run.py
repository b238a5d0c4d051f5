"""Staffroom benchmarks: one command, one table.

    .venv/bin/python bench/run.py              # full run (~5 minutes on 2 shared cores for a-f; g+h add ~2; i+j ~8.5)
    .venv/bin/python bench/run.py --quick      # fewer rounds and requests (a-f < 1.5 minutes; g+h add ~1.5; i+j ~4)
    .venv/bin/python bench/run.py --only g,h   # just some parts (a-k, comma-separated)

(a) GET /staff/<id> on the real directory app vs a bare Flask + SQLAlchemy primary-key read of the
    same table, both under gunicorn (1 worker, gthread, 4 threads), load from a separate process over
    4 keep-alive connections. Ratio directory/bare, target >= 0.5. PostgreSQL, then SQLite.
(b) Relay: N outbox rows on PostgreSQL published by staffroom_shared.relay.Relay to RabbitMQ with
    publisher confirms, vs raw kombu publishing the same N bodies with confirm_publish=True to the
    same exchange and queue. Ratio relay/raw, target >= 0.5.
(c) Importing a 10,000-row MIS-style staff CSV through directory.service.staff_import.import_staff,
    including its 10,000 staff.joined events written to the outbox: wall seconds, target <= 5 s,
    on SQLite (the embedded default) and PostgreSQL.
(d) Opening appraisal cycles for a trust of 10,000 staff (appraisal's local staff copy seeded directly):
    appraisal.service.cycles.open_cycle on the trust-wide teachers, support and leaders cycles, which
    together cover all 10,000; the sum of the three, target <= 10 s, on SQLite and PostgreSQL. Checks
    10,000 appraisals and 10,000 appraisal.appraisal_opened + 3 appraisal.cycle_opened in the outbox.
(e) GET /appraisals/<id> with its evidence (4 objectives, a progress update, an observation on a template with
    graded criteria and its observer's name, a coaching action step, a meeting, a mid-year review) on the real
    appraisal app, read by the appraiser and by the reviewee, vs the bare Flask + SQLAlchemy primary-key read of the
    `appraisals` table; served and loaded as in (a). Target ratio >= 0.9 (issue 24).
(f) CPD: 1,000 concurrent POST /enrolments for a 30-place cohort (bench/cpd_places.py).
(g) Wellbeing report over 100,000 responses on PostgreSQL: a trust of 10,000 staff in 10 academies and 10
    survey runs of 10,000 submissions each (every instrument), seeded by COPY as sealed ballots from 50 answer
    patterns scored by wellbeing.domain.scoring.score; each run then closed by wellbeing.service.runs.close
    (close_run: every ballot opened, results and drivers worked out and stored, ballots destroyed), timed, target
    <= 30 s per run (informational). Then GET /runs/<newest>/report (trust
    HR, every group, with the 10-run trend) on the real app under gunicorn, sequential on one connection,
    alternately with the bare PK read of `runs`: median ms, target <= 200 ms; and the ratio for context.
    Checks the trust group has 10,000 responses and every trust measure a 10-point trend. Issue 23: GET
    /runs/<newest>/heatmap and /priorities the same way, in the same rounds: median ms, target <= 200 ms, and each
    as a ratio to the bare read (they are read from the rows the close stored, so the close time covers them).
(h) Wellbeing submissions: an open run with 200 invitations (known single-use tokens); all 200 POST
    /survey/submission at once over HTTP (200 connections), then 50 of the same links again at once. Checks
    exactly 200 ballots while open, then at the close results counting exactly 200 responses (and every item and
    measure answered as often as the 200 answer sets say), their comments, 200 invitations submitted, every first
    submission 204, every re-send 409, no 5xx: "none lost or doubled". Throughput and p95, with a bare
    one-INSERT app alternately for context. Seed, apps and client: bench/wellbeing_seed.py.
(i) Notifications under a burst: 10,000 real wellbeing.invitation_issued envelopes (one per person in notifications'
    staff copy, seeded directly) published onto notifications' queue, then drained by the real consumer code path
    (staffroom_shared.runner.consumer: InboxConsumer over notifications' HANDLERS): events/s, vs a bare consumer
    doing one INSERT per message (raw kombu / the embedded bus's own loop), ratio for context. Checks exactly
    10,000 messages, 10,000 deliveries and 10,000 inbox rows, then re-publishes 1,000 of the same envelopes:
    nothing may change. On RabbitMQ + PostgreSQL (a vhost of the run's own) and on SQLite + the embedded bus.
(j) End to end: `staffroom run --no-seed` (every service in one process) in its own process; N academies each
    with a headteacher and a teacher seeded through the directory's API; one draft teachers' cycle each through
    appraisal's API; then one at a time POST /cycles/<id>/open (one appraisal.appraisal_opened -> two messages)
    and the time from the HTTP response until both messages are in notifications' database: p50 and p95
    (target p95 <= 300 ms), with where the time goes (relay, bus, handler) from the services' own timestamps.
    Every message checked once in the inbox, through GET /inbox and by email (a real SMTP server). RabbitMQ +
    PostgreSQL and the embedded default. Code for (i) and (j): bench/notifications_bench.py.
(k) Opening an upward-feedback round for 1,000 people (100 managers x 10 direct reports) through the real wellbeing
    app: seconds from the request to its 201, target <= 10 s (issue 24), on SQLite and PostgreSQL; every round
    checked for 1,000 invitations and 1,000 outbox events. Code: bench/feedback_round.py.
(l) The induction tutor's dashboard (issue 25): a trust of 10,000 staff in 40 academies with 400 ECTs registered
    through cpd's commands; GET /inductions/tutoring for one tutor's 10 ECTs on the real cpd app vs the bare
    primary-key read of `inductions`, PostgreSQL, served and loaded as in (e): ratio, target >= 0.5. Code:
    bench/induction_dashboard.py.

The machine is shared and noisy, so A and B are measured alternately (A B A B ...) in the same run and
the table gives medians with min-max; (a), (b), (e), (f) are reported as ratios against the bare stack, and
(g), (h) and (i) print theirs beside their own targets (status "info": context, never MISSED).
Exits non-zero only on a crash; a missed target prints MISSED.

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) and RabbitMQ on 127.0.0.1:5672
(guest/guest); override with BENCH_PG_ADMIN_URL and BENCH_AMQP_URL. (i) and (j) also need rabbitmqctl on this
machine (BENCH_RABBITMQCTL) for their vhosts. Everything it creates (databases, queues, vhosts, temp files,
server processes) is removed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from harness import (  # noqa: E402 - bench/ is on the path when run as a script
    AMQP_URL, HERE, PY, ROWS, RUN_ID, Server, add_ms_row, add_ratio_row, add_time_row, log, migrate, pg_database, print_table, school_year_today, spread,
)

# (name, urn, phase) for the import benchmark: 4 academies x 2,500 staff = 10,000 rows.
IMPORT_ACADEMIES = [(f"Bench Academy {i}", str(199000 + i), "secondary") for i in range(4)]

def directory_config(database_url: str, tmp: Path, **extra):
    from staffroom_shared.config import ServiceConfig

    return ServiceConfig.from_env("directory", {"STAFFROOM_DATA_DIR": str(tmp), "LOG_LEVEL": "WARNING"},
                                  database_url=database_url, bus_url=f"embedded:///{tmp / 'bus.db'}", **extra)


# -- (a) HTTP read ----------------------------------------------------------------------------------

def load(port: int, paths: list[str], headers: dict, requests: int, connections: int = 4) -> dict:
    spec = json.dumps({"port": port, "paths": paths, "headers": headers, "requests": requests,
                       "connections": connections})
    out = subprocess.run([PY, str(HERE / "loadgen.py"), spec], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} of {requests} requests failed on port {port}")
    return result


def bench_http(engine_label: str, database_url: str, tmp: Path, rounds: int, requests: int) -> None:
    """Seed the demo trust (3 x 50 staff), serve it twice, hammer both alternately."""
    from sqlalchemy import select

    from directory import bootstrap, demo
    from directory.adapters.orm import academies, staff
    from staffroom_shared.auth import ensure_dev_keys, issue_dev_token

    private, public = ensure_dev_keys(tmp / "keys")
    issuer = "https://login.bench.example/"
    production = not database_url.startswith("sqlite")
    env = {
        "DATABASE_URL": database_url, "BENCH_DATABASE_URL": database_url,
        "JWT_PUBLIC_KEY_FILE": str(public), "JWT_ISSUER": issuer, "LOG_LEVEL": "INFO",
        "STAFFROOM_DATA_DIR": str(tmp / "data"),
        "STAFFROOM_ENV": "production" if production else "development",
        "BUS_URL": AMQP_URL if production else f"embedded:///{tmp / 'data' / 'bus.db'}",
        "SEAL_KEY": new_seal_key(),  # the directory refuses to start in production without its own
    }
    config = directory_config(database_url, tmp / "data", jwt_public_key_file=str(public), jwt_issuer=issuer)
    migrate(config)
    context = bootstrap.build(config)
    seeded = demo.seed(context.uow, per_academy=50)
    with context.engine.connect() as conn:
        academy_id = conn.execute(select(academies.c.id).order_by(academies.c.name)).scalars().first()
        people = conn.execute(select(staff.c.id, staff.c.line_manager_id, staff.c.post)
                              .where(staff.c.academy_id == academy_id).order_by(staff.c.staff_code)).all()
    context.engine.dispose()
    # 1. Academy HR reading the records of their own academy's staff (allowed by role: no extra query).
    hr_token = issue_dev_token(private, staff_id=people[0].id, roles=["academy_hr"], academy_id=academy_id,
                               issuer=issuer)
    hr_paths = [f"/staff/{p.id}" for p in people]
    # 2. A line manager (appraiser: a Head of Department, role "staff") reading their direct reports
    #    (allowed by relationship: the view walks the line-management chain above the person).
    managers = [p for p in people if p.post == "Head of Department"]
    manager = max(managers, key=lambda m: sum(p.line_manager_id == m.id for p in people))
    lm_token = issue_dev_token(private, staff_id=manager.id, roles=["staff"], academy_id=academy_id, issuer=issuer)
    lm_paths = [f"/staff/{p.id}" for p in people if p.line_manager_id == manager.id]
    # 3. The headteacher (role "staff") reading people two or more levels below them in line management.
    boss_of = {p.id: p.line_manager_id for p in people}
    head = next(p for p in people if p.post == "Headteacher")
    deep_paths = [f"/staff/{p.id}" for p in people
                  if p.line_manager_id not in (None, head.id) and head.id in _chain_above(p.id, boss_of)]
    head_token = issue_dev_token(private, staff_id=head.id, roles=["staff"], academy_id=academy_id, issuer=issuer)
    variants = {  # name: (port key, paths, headers)
        "directory, academy HR": ("directory", hr_paths, {"Authorization": f"Bearer {hr_token}"}),
        "directory, line manager": ("directory", lm_paths, {"Authorization": f"Bearer {lm_token}"}),
        "directory, senior manager": ("directory", deep_paths, {"Authorization": f"Bearer {head_token}"}),
        "bare": ("bare", hr_paths, {}),
    }
    log(f"(a) {engine_label}: seeded {seeded.get('staff')} staff; academy HR reads {len(hr_paths)} of them, "
        f"a line manager their {len(lm_paths)} direct reports, the head {len(deep_paths)} people 2+ levels "
        f"below; {rounds} rounds x {requests} requests each")

    servers = {}
    try:
        servers["directory"] = Server("directory_app", env, tmp / f"directory-{engine_label}.log")
        servers["bare"] = Server("bare_app", env, tmp / f"bare-{engine_label}.log")
        for key, paths, headers in variants.values():  # warm-up: imports, first connections, caches
            load(servers[key].port, paths, headers, 300)
        results: dict[str, list[float]] = {name: [] for name in variants}
        for r in range(rounds):
            for name, (key, paths, headers) in variants.items():
                results[name].append(load(servers[key].port, paths, headers, requests)["rps"])
            log(f"(a) {engine_label} round {r + 1}: " + ", ".join(f"{name} {v[-1]:.0f}" for name, v in results.items())
                + " req/s")
        access_lines = sum(1 for _ in (tmp / f"directory-{engine_label}.log").open())
    finally:
        for server in servers.values():
            server.stop()
    log(f"(a) {engine_label}: the directory's process wrote {access_lines} log lines (gunicorn's JSON access line, as deployed)")
    for name in ("directory, academy HR", "directory, line manager", "directory, senior manager"):
        add_ratio_row(f"(a) GET /staff/<id> {name}, {engine_label}", "req/s", results[name], results["bare"], 0.5)


def _chain_above(staff_id, boss_of: dict) -> list:
    chain, current = [], boss_of.get(staff_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = boss_of.get(current)
    return chain


# -- (b) relay --------------------------------------------------------------------------------------

def bench_relay(tmp: Path, rounds: int, n: int) -> None:
    from datetime import date
    from decimal import Decimal

    from kombu import Connection, Queue
    from sqlalchemy import delete, func, insert, select

    from directory import bootstrap
    from directory.adapters.orm import metadata
    from staffroom_shared.bus.rabbitmq import RabbitBus, events_exchange
    from staffroom_shared.db import make_engine
    from staffroom_shared.events import new_event
    from staffroom_shared.relay import Relay

    # A routing key of our own: the shared staffroom.events exchange may have real queues bound to
    # staff.* on this broker, and they must not receive benchmark events.
    routing_key = f"bench{RUN_ID}.joined"
    queue_name = f"bench-relay-{RUN_ID}"
    outbox = metadata.tables["outbox"]

    with pg_database("relay") as url:
        config = directory_config(url, tmp / "relay")
        migrate(config)
        bootstrap.build(config)
        engine = make_engine(url)
        sample = new_event("staff.joined", {
            "staff_id": uuid.uuid4(), "academy_id": uuid.uuid4(), "first_name": "Amira", "last_name": "Khan",
            "email": "amira.khan.1@oaktrust.example", "staff_type": "teaching", "post": "Teacher of Maths",
            "fte": Decimal("1.00"), "start_date": date(2019, 9, 1), "leaving_date": None, "line_manager_id": uuid.uuid4(),
        }, producer="directory", correlation_id=str(uuid.uuid4()), academy_id=uuid.uuid4())
        base = sample.to_dict()

        def fill(count: int) -> list[bytes]:
            """`count` unsent outbox rows (committed); returns the bodies the relay will publish."""
            from datetime import datetime, timezone

            now = datetime.now(timezone.utc)
            rows = []
            for _ in range(count):
                event_id = uuid.uuid4()
                rows.append({"event_id": event_id, "event_type": routing_key, "envelope": {**base, "id": str(event_id)},
                             "created_at": now, "sent_at": None})
            with engine.begin() as conn:
                conn.execute(delete(outbox))
                conn.execute(insert(outbox), rows)
            return [json.dumps(r["envelope"], separators=(",", ":")).encode() for r in rows]

        conn = Connection(AMQP_URL, transport_options={"confirm_publish": True})
        conn.ensure_connection(max_retries=3)
        channel = conn.channel()
        exchange_existed = exchange_exists(conn)
        queue = Queue(queue_name, exchange=events_exchange, routing_key=routing_key, durable=True,
                      queue_arguments={"x-queue-type": "quorum"})(channel)
        queue.declare()
        producer = conn.Producer(channel)
        bus = RabbitBus(AMQP_URL)
        relay = Relay(engine, outbox, bus)

        def run_relay(count: int) -> float:
            fill(count)
            t0 = time.perf_counter()
            while relay.relay_once():
                pass
            seconds = time.perf_counter() - t0
            with engine.connect() as c:
                sent = c.execute(select(func.count()).select_from(outbox).where(outbox.c.sent_at.isnot(None))).scalar_one()
            check_and_purge(queue, count, sent, "relay")
            return count / seconds

        def run_raw(count: int) -> float:
            bodies = fill(count)  # the same bodies, built the same way; the rows themselves stay unused
            t0 = time.perf_counter()
            for body in bodies:
                producer.publish(body, exchange=events_exchange, routing_key=routing_key,
                                 message_id=str(uuid.uuid4()), headers={"correlation_id": base["correlation_id"]},
                                 content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                                 retry=False)
            seconds = time.perf_counter() - t0
            check_and_purge(queue, count, count, "raw kombu")
            return count / seconds

        try:
            log(f"(b) relay: {rounds} rounds x {n} events each side, quorum queue {queue_name}")
            run_relay(200), run_raw(200)  # warm-up: connections, channel, exchange declared
            results: dict[str, list[float]] = {"relay": [], "raw": []}
            for r in range(rounds):
                results["relay"].append(run_relay(n))
                results["raw"].append(run_raw(n))
                log(f"(b) round {r + 1}: relay {results['relay'][-1]:.0f} events/s, "
                    f"raw kombu {results['raw'][-1]:.0f} events/s")
        finally:
            bus.close()
            try:
                queue.delete()
                if not exchange_existed:
                    events_exchange(channel).delete()
            finally:
                conn.release()
                engine.dispose()
    add_ratio_row(f"(b) relay {n} events -> RabbitMQ, confirms", "ev/s", results["relay"], results["raw"], 0.5)


def exchange_exists(conn) -> bool:
    from staffroom_shared.bus import EXCHANGE

    channel = conn.channel()
    try:
        channel.exchange_declare(EXCHANGE, "topic", durable=True, passive=True)
        return True
    except Exception:  # noqa: BLE001 - NOT_FOUND closes the channel; that is the answer
        return False
    finally:
        try:
            channel.close()
        except Exception:  # noqa: BLE001, S110 - closing a channel the broker may already have closed
            pass


def check_and_purge(queue, expected: int, marked: int, who: str) -> None:
    """Every message reached the queue (and, for the relay, every row was marked sent); then empty it."""
    deadline = time.time() + 10
    while True:
        _, count, _ = queue.queue_declare(passive=True)
        if count >= expected or time.time() > deadline:
            break
        time.sleep(0.1)
    if count != expected or marked != expected:
        raise RuntimeError(f"{who}: expected {expected} messages queued and rows marked sent, "
                           f"found {count} queued and {marked} marked")
    queue.purge()


# -- (c) import -------------------------------------------------------------------------------------

def bench_import(tmp: Path, rounds: int, rows: int) -> None:
    from sqlalchemy import func, select, text

    from directory import bootstrap, demo
    from directory.adapters.orm import metadata, staff
    from directory.service.staff import register_academy
    from directory.service.staff_import import import_staff

    outbox = metadata.tables["outbox"]
    per_academy = rows // len(IMPORT_ACADEMIES)
    data = demo.staff_csv(IMPORT_ACADEMIES, per_academy).encode()
    total = per_academy * len(IMPORT_ACADEMIES)

    def prepare(config) -> None:
        migrate(config)
        context = bootstrap.build(config)
        for name, urn, phase in IMPORT_ACADEMIES:
            register_academy(context.uow(), demo.SERVICE_PRINCIPAL, {"name": name, "urn": urn, "phase": phase})
        context.engine.dispose()

    def timed_import(config) -> float:
        context = bootstrap.build(config)
        try:
            t0 = time.perf_counter()
            result = import_staff(context.uow(), demo.SERVICE_PRINCIPAL, data)
            seconds = time.perf_counter() - t0
            if not result.ok or result.created != total:
                raise RuntimeError(f"import failed: created {result.created}, errors {result.errors[:3]}")
            with context.engine.connect() as conn:
                events = conn.execute(select(func.count()).select_from(outbox)
                                      .where(outbox.c.event_type == "staff.joined")).scalar_one()
                people = conn.execute(select(func.count()).select_from(staff)).scalar_one()
            if events != total or people != total:
                raise RuntimeError(f"after the import the outbox has {events} staff.joined rows and the staff "
                                   f"table {people} rows; expected {total} of each")
            return seconds
        finally:
            context.engine.dispose()

    template = tmp / "import-template"
    prepare(directory_config(f"sqlite:///{template / 'directory.db'}", template))

    def sqlite_trial(i: int) -> float:
        folder = tmp / f"import-sqlite-{i}"
        folder.mkdir()
        shutil.copy(template / "directory.db", folder / "directory.db")
        try:
            return timed_import(directory_config(f"sqlite:///{folder / 'directory.db'}", folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    with pg_database("import") as url:
        pg_config = directory_config(url, tmp / "import-pg")
        prepare(pg_config)

        def pg_trial(_i: int) -> float:
            from staffroom_shared.db import make_engine

            engine = make_engine(url)
            with engine.begin() as conn:  # back to: academies registered, no staff, empty outbox
                conn.execute(text("TRUNCATE staff, outbox, audit_log CASCADE"))
            engine.dispose()
            return timed_import(pg_config)

        # Warm-up (imports, schema caches) on a throwaway copy, so trial 1 is not a cold start.
        warm = tmp / "import-warm"
        warm.mkdir()
        shutil.copy(template / "directory.db", warm / "directory.db")
        context = bootstrap.build(directory_config(f"sqlite:///{warm / 'directory.db'}", warm))
        import_staff(context.uow(), demo.SERVICE_PRINCIPAL, demo.staff_csv(IMPORT_ACADEMIES, 50).encode())
        context.engine.dispose()

        log(f"(c) import of {total} rows: {rounds} rounds, SQLite and PostgreSQL alternately")
        results: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
        for r in range(rounds):
            results["sqlite"].append(sqlite_trial(r))
            results["postgresql"].append(pg_trial(r))
            log(f"(c) round {r + 1}: SQLite {results['sqlite'][-1]:.2f} s, "
                f"PostgreSQL {results['postgresql'][-1]:.2f} s (outbox: {total} staff.joined rows each)")
    add_time_row(f"(c) import {total}-row CSV + {total} events, SQLite", results["sqlite"], 5.0)
    add_time_row(f"(c) import {total}-row CSV + {total} events, PostgreSQL", results["postgresql"], 5.0)


# -- appraisal: a trust of 10,000 in its local staff copy -------------------------------------------

APPRAISAL_ACADEMIES = 4  # x 2,500 staff = 10,000


def appraisal_config(database_url: str, tmp: Path, **extra):
    from staffroom_shared.config import ServiceConfig

    return ServiceConfig.from_env("appraisal", {"STAFFROOM_DATA_DIR": str(tmp), "LOG_LEVEL": "WARNING"},
                                  **{"database_url": database_url, "bus_url": f"embedded:///{tmp / 'bus.db'}", **extra})


def trust_hr():
    from staffroom_shared.principal import Principal

    return Principal(staff_id=None, roles=frozenset({"trust_hr"}), academy_id=None, subject="bench-trust-hr")


def appraisal_staff_rows(academy_ids: list, per_academy: int, seed: int = 7) -> list[dict]:
    """Rows for appraisal's `staff` table (its local copy of the directory, as staff.* events leave it),
    shaped like directory.demo.staff_csv: per academy a headteacher and two deputies (leadership), middle
    leaders (Heads of Department, teaching) line-managing teachers (~65% of the rest, teaching) while the
    senior team line-manages support staff (~35%). 10,000 staff come out as ~6,900 teaching, ~3,100
    support and 12 leadership."""
    import random
    from datetime import date, timedelta

    rng = random.Random(seed)
    rows, n = [], 0
    for academy_id in academy_ids:
        managers: list[uuid.UUID] = []
        for i in range(per_academy):
            n += 1
            staff_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            if i == 0:
                kind, post, manager = "leadership", "Headteacher", None
            elif i < 3:
                kind, post, manager = "leadership", "Deputy Headteacher", managers[0]
            elif i < max(8, per_academy // 8):
                kind, post, manager = "teaching", "Head of Department", rng.choice(managers[1:3])
            elif rng.random() < 0.65:
                kind, post, manager = "teaching", "Teacher of Maths", rng.choice(managers[3:] or managers)
            else:
                kind, post, manager = "support", "Teaching Assistant", rng.choice(managers[:3])
            if i < max(8, per_academy // 8):
                managers.append(staff_id)
            rows.append({"staff_id": staff_id, "academy_id": academy_id, "first_name": "Amira",
                         "last_name": f"Khan-{n}", "email": f"amira.khan.{n}@oaktrust.example", "staff_type": kind,
                         "post": post, "start_date": date(2024, 9, 1) - timedelta(days=rng.randint(30, 365 * 15)),
                         "leaving_date": None, "line_manager_id": manager})
    return rows


def seed_appraisal_trust(engine, metadata, per_academy: int) -> list[dict]:
    """Academies and staff written straight into appraisal's own tables (as its api tests do)."""
    from sqlalchemy import insert

    academy_ids = [uuid.UUID(int=i + 1, version=4) for i in range(APPRAISAL_ACADEMIES)]
    rows = appraisal_staff_rows(academy_ids, per_academy)
    with engine.begin() as conn:
        conn.execute(insert(metadata.tables["academies"]), [
            {"academy_id": a, "name": f"Bench Academy {i}", "urn": str(199000 + i)} for i, a in enumerate(academy_ids)])
        conn.execute(insert(metadata.tables["staff"]), rows)
    return rows


# -- (d) open a cycle for 10,000 staff --------------------------------------------------------------

TEMPLATES = ("teachers", "support", "leaders")


def bench_open_cycle(tmp: Path, rounds: int, per_academy: int) -> None:
    from sqlalchemy import func, select, text

    from appraisal import bootstrap
    from appraisal.service.cycles import create_cycle, open_cycle

    hr = trust_hr()
    school_year, today = school_year_today()
    expected: dict[str, int] = {}

    def prepare(config) -> None:
        migrate(config, bootstrap)
        context = bootstrap.build(config)
        rows = seed_appraisal_trust(context.engine, context.metadata, per_academy)
        context.engine.dispose()
        kinds = {"teachers": "teaching", "support": "support", "leaders": "leadership"}
        expected.update({t: sum(r["staff_type"] == kinds[t] for r in rows) for t in TEMPLATES})
        expected["total"] = len(rows)

    def timed_open(config) -> tuple[float, dict[str, float]]:
        """Three trust-wide cycles set up in draft (untimed), then opened one after another (timed)."""
        context = bootstrap.build(config)
        try:
            cycles = {t: create_cycle(context.uow(), hr, {"name": f"{school_year}/{school_year % 100 + 1} {t}",
                                                          "template": t, "academy_id": None,
                                                          "school_year": school_year}).id
                      for t in TEMPLATES}
            each = {}
            for template, cycle_id in cycles.items():
                t0 = time.perf_counter()
                cycle = open_cycle(context.uow(), hr, cycle_id, today=today)
                each[template] = time.perf_counter() - t0
                if cycle.appraisal_count != expected[template]:
                    raise RuntimeError(f"{template} cycle opened {cycle.appraisal_count} appraisals, "
                                       f"expected {expected[template]}")
            tables = context.metadata.tables
            outbox = tables["outbox"]
            with context.engine.connect() as conn:
                appraisals = conn.execute(select(func.count()).select_from(tables["appraisals"])).scalar_one()
                counts = dict(conn.execute(select(outbox.c.event_type, func.count()).group_by(outbox.c.event_type)).all())
            want = {"appraisal.appraisal_opened": expected["total"], "appraisal.cycle_opened": len(TEMPLATES)}
            if appraisals != expected["total"] or counts != want:
                raise RuntimeError(f"after opening: {appraisals} appraisals and outbox {counts}; expected "
                                   f"{expected['total']} appraisals and outbox {want}")
            return sum(each.values()), each
        finally:
            context.engine.dispose()

    template_dir = tmp / "open-template"
    prepare(appraisal_config(f"sqlite:///{template_dir / 'appraisal.db'}", template_dir))

    def sqlite_trial(i: int):
        folder = tmp / f"open-sqlite-{i}"
        folder.mkdir()
        shutil.copy(template_dir / "appraisal.db", folder / "appraisal.db")
        try:
            return timed_open(appraisal_config(f"sqlite:///{folder / 'appraisal.db'}", folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    with pg_database("open") as url:
        pg_config = appraisal_config(url, tmp / "open-pg")
        prepare(pg_config)

        def pg_trial(_i: int):
            from staffroom_shared.db import make_engine

            engine = make_engine(url)
            with engine.begin() as conn:  # back to: staff copy seeded, no cycles, empty outbox
                conn.execute(text("TRUNCATE cycles, appraisals, outbox, audit_log CASCADE"))
            engine.dispose()
            return timed_open(pg_config)

        # Warm-up (imports, mappers, schema caches) on a small throwaway trust, so trial 1 is not a cold start.
        warm = tmp / "open-warm"
        warm_config = appraisal_config(f"sqlite:///{warm / 'appraisal.db'}", warm)
        migrate(warm_config, bootstrap)
        context = bootstrap.build(warm_config)
        seed_appraisal_trust(context.engine, context.metadata, 50)
        cycle = create_cycle(context.uow(), hr, {"name": "warm", "template": "teachers", "academy_id": None,
                                                 "school_year": school_year})
        open_cycle(context.uow(), hr, cycle.id, today=today)
        context.engine.dispose()

        log(f"(d) open cycles for {expected['total']} staff ({expected['teachers']} teaching, {expected['support']} "
            f"support, {expected['leaders']} leadership): {rounds} rounds, SQLite and PostgreSQL alternately")
        results: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
        for r in range(rounds):
            for label, trial in (("sqlite", sqlite_trial), ("postgresql", pg_trial)):
                total, each = trial(r)
                results[label].append(total)
                log(f"(d) round {r + 1} {label}: {total:.2f} s (" + ", ".join(f"{t} {s:.2f}" for t, s in each.items())
                    + f"); {expected['total']} appraisals, {expected['total']} appraisal_opened + "
                    f"{len(TEMPLATES)} cycle_opened in the outbox")
    n = f"{expected['total']:,}"
    add_time_row(f"(d) open cycles for {n} staff + {n} events, SQLite", results["sqlite"], 10.0)
    add_time_row(f"(d) open cycles for {n} staff + {n} events, PostgreSQL", results["postgresql"], 10.0)


# -- (e) GET /appraisals/<id> -----------------------------------------------------------------------

def seed_appraisal_reads(config, per_academy: int) -> dict:
    """Migrate, seed the 10,000-staff trust and open its teachers' cycle; one Head of Department's
    reviewees then get 4 agreed objectives (one with a progress update), a lesson observation, a
    meeting and a mid-year review, through the service's own commands; the observation is on a trust template with
    two graded criteria and one ungraded, and a coaching action step is agreed from it (issue 24's evidence). Returns the appraiser, their reviewees' appraisal ids and the academy."""
    from datetime import datetime, timedelta, timezone
    from datetime import time as dt_time

    from appraisal import bootstrap
    from appraisal.adapters.repository import AppraisalFilter
    from appraisal.domain.model import Stage
    from appraisal.service import appraisals as commands
    from appraisal.service.cycles import create_cycle, open_cycle
    from appraisal.service.observation_templates import create_template
    from staffroom_shared.principal import Principal

    migrate(config, bootstrap)
    context = bootstrap.build(config)
    rows = seed_appraisal_trust(context.engine, context.metadata, per_academy)
    school_year, today = school_year_today()
    hr = trust_hr()
    cycle = create_cycle(context.uow(), hr, {"name": f"{school_year} teachers", "template": "teachers",
                                             "academy_id": None, "school_year": school_year})
    open_cycle(context.uow(), hr, cycle.id, today=today)

    # The appraiser: the Head of Department in the first academy with the most reviewees.
    academy_id = rows[0]["academy_id"]
    hods = [r for r in rows if r["academy_id"] == academy_id and r["post"] == "Head of Department"]
    reports_to = {h["staff_id"]: sum(r["line_manager_id"] == h["staff_id"] for r in rows) for h in hods}
    hod = max(hods, key=lambda h: reports_to[h["staff_id"]])["staff_id"]

    def principal(staff_id):
        return Principal(staff_id=staff_id, roles=frozenset({"staff"}), academy_id=academy_id, subject=str(staff_id))

    appraiser = principal(hod)
    # Evidence (issue 24): a trust template with a graded and an ungraded criterion, observed on, plus the coaching
    # action step agreed from it.
    template = create_template(context.uow(), hr, {
        "name": "Lesson visit", "kind": "lesson_observation", "academy_id": None, "criteria": [
            {"key": "questioning", "label": "Questioning", "standard": "TS4", "grades": [
                {"label": "Secure", "band": "strength"}, {"label": "Developing", "band": "development"},
                {"label": "Not yet", "band": "intervention"}]},
            {"key": "adaptive", "label": "Adaptive teaching", "standard": "TS5", "grades": [
                {"label": "Secure", "band": "strength"}, {"label": "Developing", "band": "development"},
                {"label": "Not yet", "band": "intervention"}]},
            {"key": "climate", "label": "Climate for learning", "standard": "TS7", "grades": []}]})
    with context.uow() as uow:
        mine, _ = uow.appraisals.find(AppraisalFilter(cycle_id=cycle.id, appraiser_id=hod), page=1, page_size=100)
        mine = [(a.id, a.reviewee_id) for a in mine]
    objectives = [
        ("Raise Year 11 maths outcomes", "pupil_outcomes", ["TS2", "TS6"]),
        ("Adaptive teaching for pupils with SEND", "professional_practice", ["TS5"]),
        ("Lead the KS3 curriculum review", "leadership", ["TS3", "TS8"]),
        ("Protect a sustainable workload", "wellbeing", []),
    ]
    for appraisal_id, reviewee_id in mine:
        ids = []
        for title, kind, standards in objectives:
            ids.append(commands.add_objective(context.uow(actor=str(hod)), appraiser, appraisal_id, {
                "title": title, "description": f"{title}: by July, measurably, agreed at the objectives meeting",
                "type": kind, "success_criteria": "Evidence in the department's data and observations",
                "weighting": 25, "standards": standards, "priorities": ["Trust priority 2: curriculum"]}).id)
        commands.agree_objectives(context.uow(), appraiser, appraisal_id, today=today)
        commands.agree_objectives(context.uow(), principal(reviewee_id), appraisal_id, today=today)
        commands.record_progress(context.uow(), appraiser, appraisal_id, ids[0],
                                 {"note": "Mock results up 8 points", "evidence": "Dept tracker, spring term"},
                                 today=today)
        observation = commands.add_observation(context.uow(), appraiser, appraisal_id, {
            "template_id": template.id, "observed_on": today, "focus": "Questioning in Year 10 sets",
            "department": "Maths", "grades": {"questioning": "Secure", "adaptive": "Developing"},
            "strengths": "Cold-calling, wait time", "areas_to_develop": "Checking understanding before moving on"})
        commands.agree_action_step(context.uow(), appraiser, appraisal_id, {
            "step": "Check understanding with mini whiteboards before moving on", "observation_id": observation.id,
            "follow_up_on": today + timedelta(days=14)}, today=today)
        commands.schedule_meeting(context.uow(), appraiser, appraisal_id, {
            "kind": "mid_year_review", "starts_at": datetime.combine(today, dt_time(15, 30), timezone.utc),
            "minutes": 45, "location": "Maths office"})
        commands.complete_review(context.uow(), appraiser, appraisal_id, Stage.MID_YEAR, {
            "assessments": {i: {"rating": "met", "comment": "On track"} for i in ids},
            "overall_outcome": "meets_expectations", "summary": "A strong first half of the year",
            "development_needs": [{"area": "Behaviour", "description": "Year 9 routines"}]},
            today=max(today, cycle.mid_year_due))  # a review is written in its window, which may be weeks ahead
    context.engine.dispose()
    return {"staff": len(rows), "academy_id": academy_id, "appraiser_id": hod, "appraisals": mine}


def bench_appraisal_read(engine_label: str, database_url: str, tmp: Path, rounds: int, requests: int,
                         per_academy: int) -> None:
    """GET /appraisals/<id> on the real appraisal app vs a bare PK read of `appraisals`, alternately."""
    from staffroom_shared.auth import ensure_dev_keys, issue_dev_token

    private, public = ensure_dev_keys(tmp / "keys")
    issuer = "https://login.bench.example/"
    production = not database_url.startswith("sqlite")
    env = {
        "DATABASE_URL": database_url, "BENCH_DATABASE_URL": database_url,
        "JWT_PUBLIC_KEY_FILE": str(public), "JWT_ISSUER": issuer, "LOG_LEVEL": "INFO",
        "STAFFROOM_DATA_DIR": str(tmp / "data"),
        "STAFFROOM_ENV": "production" if production else "development",
        "BUS_URL": AMQP_URL if production else f"embedded:///{tmp / 'data' / 'bus.db'}",
    }
    config = appraisal_config(database_url, tmp / "data", jwt_public_key_file=str(public), jwt_issuer=issuer)
    seeded = seed_appraisal_reads(config, per_academy)
    mine, academy_id, hod = seeded["appraisals"], seeded["academy_id"], seeded["appraiser_id"]

    paths = [f"/appraisals/{a}" for a, _ in mine]
    reviewee_id = mine[0][1]
    appraiser_token = issue_dev_token(private, staff_id=hod, roles=["staff"], academy_id=academy_id,
                                      issuer=issuer)
    reviewee_token = issue_dev_token(private, staff_id=reviewee_id, roles=["staff"], academy_id=academy_id,
                                     issuer=issuer)
    variants = {  # name: (server, paths, headers)
        "appraisal, appraiser": ("appraisal", paths, {"Authorization": f"Bearer {appraiser_token}"}),
        "appraisal, reviewee": ("appraisal", paths[:1], {"Authorization": f"Bearer {reviewee_token}"}),
        "bare": ("bare", paths, {}),
    }
    log(f"(e) {engine_label}: {seeded['staff']} staff, teachers' cycle open; the appraiser (a Head of Department) reads "
        f"their {len(paths)} reviewees' appraisals (4 objectives, 1 progress update, 1 graded observation, 1 coaching "
        f"action step, 1 meeting, mid-year review each), the "
        f"reviewee their own; {rounds} rounds x {requests} requests each")
    servers = {}
    try:
        servers["appraisal"] = Server("appraisal_app", env, tmp / f"appraisal-{engine_label}.log")
        servers["bare"] = Server("bare_app", {**env, "BENCH_TABLE": "appraisals"}, tmp / f"bare-{engine_label}.log")
        for key, p, headers in variants.values():  # warm-up
            load(servers[key].port, p, headers, 300)
        results: dict[str, list[float]] = {name: [] for name in variants}
        for r in range(rounds):
            for name, (key, p, headers) in variants.items():
                results[name].append(load(servers[key].port, p, headers, requests)["rps"])
            log(f"(e) {engine_label} round {r + 1}: " + ", ".join(f"{name} {v[-1]:.0f}" for name, v in results.items())
                + " req/s")
        access_lines = sum(1 for _ in (tmp / f"appraisal-{engine_label}.log").open())
    finally:
        for server in servers.values():
            server.stop()
    log(f"(e) {engine_label}: the appraisal app's process wrote {access_lines} log lines (gunicorn's JSON access line, "
        "as deployed)")
    for name in ("appraisal, appraiser", "appraisal, reviewee"):
        add_ratio_row(f"(e) GET /appraisals/<id> {name.split(', ')[1]}, {engine_label}", "req/s",
                      results[name], results["bare"], 0.9)


# -- wellbeing: (g) and (h) -------------------------------------------------------------------------
# The seed, the two WSGI apps gunicorn serves and the HTTP client for both parts are in bench/wellbeing_seed.py.

WELLBEING_RUNS, WELLBEING_PER_RUN = 10, 10_000   # (g): 10 closed runs x 10,000 responses
SUBMITTERS, RESENT = 200, 50                      # (h): 200 submissions at once, then 50 of them again


def wellbeing_config(database_url: str, tmp: Path, **extra):
    from staffroom_shared.config import ServiceConfig

    return ServiceConfig.from_env("wellbeing", {"STAFFROOM_DATA_DIR": str(tmp), "LOG_LEVEL": "WARNING"},
                                  **{"database_url": database_url, "bus_url": f"embedded:///{tmp / 'bus.db'}", **extra})


def production_env(database_url: str, tmp: Path, public: Path, issuer: str, seal_key: str) -> dict:
    """The environment the served apps read, as for (a) and (e): PostgreSQL, RabbitMQ bus URL, RS256 tokens
    checked against the public key, JSON access log at INFO, STAFFROOM_ENV=production; plus the ballot box's
    SEAL_KEY and notifications' public key for survey links, which wellbeing requires in production."""
    from staffroom_shared.sealing import new_key_pair

    return {
        "DATABASE_URL": database_url, "BENCH_DATABASE_URL": database_url,
        "JWT_PUBLIC_KEY_FILE": str(public), "JWT_ISSUER": issuer, "LOG_LEVEL": "INFO",
        "STAFFROOM_DATA_DIR": str(tmp / "data"), "STAFFROOM_ENV": "production", "BUS_URL": AMQP_URL,
        "SEAL_KEY": seal_key, "SURVEY_LINK_PUBLIC_KEY": new_key_pair()[1],
    }


def new_seal_key() -> str:
    """A fresh SEAL_KEY for the run (base64 of 32 random bytes, as `openssl rand -base64 32`)."""
    import base64

    return base64.b64encode(os.urandom(32)).decode()


def fire(port: int, requests: list[dict], tmp: Path, mode: str, keep_body: bool = False) -> dict:
    """bench/wellbeing_seed.py's client in its own process: "sequential" (one keep-alive connection, one
    request after another) or "at_once" (a connection per request, all sent together after a barrier).
    Returns seconds, the answers (code, ms), and p50/p95 ms."""
    spec, out = tmp / f"spec-{uuid.uuid4().hex[:6]}.json", tmp / f"out-{uuid.uuid4().hex[:6]}.json"
    spec.write_text(json.dumps({"port": port, "mode": mode, "requests": requests, "keep_body": keep_body}))
    subprocess.run([PY, str(HERE / "wellbeing_seed.py"), "client", str(spec), str(out)], check=True)
    data = json.loads(out.read_text())
    spec.unlink(), out.unlink()
    ms = sorted(r["ms"] for r in data["results"])
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {**data, "p50": statistics.median(ms), "p95": q[94]}


def bench_wellbeing_report(database_url: str, tmp: Path, rounds: int, requests: int) -> None:
    """(g): seed 10 runs x 10,000 responses, close each (timed), then GET the newest run's report vs a bare PK read."""
    from staffroom_shared.auth import ensure_dev_keys, issue_dev_token
    from wellbeing import bootstrap
    from wellbeing.service import runs as run_commands
    from wellbeing.service.respond import seal_key

    import wellbeing_seed

    private, public = ensure_dev_keys(tmp / "keys")
    issuer = "https://login.bench.example/"
    key = new_seal_key()
    env = production_env(database_url, tmp, public, issuer, key)
    config = wellbeing_config(database_url, tmp / "data", jwt_public_key_file=str(public), jwt_issuer=issuer,
                              seal_key=key)
    migrate(config, bootstrap)
    n_runs, per_run = WELLBEING_RUNS, WELLBEING_PER_RUN
    t0 = time.perf_counter()
    seeded = wellbeing_seed.seed_trust(database_url, n_runs, per_run, seal_key(config), log=lambda m: log(f"(g) {m}"))
    log(f"(g) {len(seeded['people']):,} staff in {wellbeing_seed.ACADEMIES} academies, {n_runs} open runs seeded in "
        f"{time.perf_counter() - t0:.1f} s; closing each (results worked out and stored), oldest first")

    # Each run closed as trust HR's POST /runs/<id>/close does it: wellbeing.service.runs.close -> close_run
    # (every ballot opened, every figure added up per cut in memory, disclosure rules, result rows, the
    # drivers, the comments written and the ballots destroyed, two outbox events) in one unit of work, timed.
    hr = trust_hr()
    context = bootstrap.build(config)
    closes = []
    try:
        for run_id in seeded["run_ids"]:
            t0 = time.perf_counter()
            run_commands.close(context.uow(actor=hr.actor), hr, run_id, seal_key(config))
            closes.append(time.perf_counter() - t0)
        log(f"(g) closed {n_runs} runs: " + ", ".join(f"{s:.1f}" for s in closes) + " s")
    finally:
        context.engine.dispose()
    add_time_row(f"(g) close a run: results of {per_run:,} responses, PostgreSQL (informational)", closes, 30.0)

    newest = seeded["run_ids"][-1]
    token = issue_dev_token(private, staff_id=uuid.uuid4(), roles=["staff", "trust_hr"], issuer=issuer)
    report = [{"path": f"/runs/{newest}/report", "headers": {"Authorization": f"Bearer {token}"}}] * requests
    bare = [{"path": f"/runs/{newest}"}] * requests
    # issue 23: the heatmap and the priorities, read from the same stored rows as the report
    insights = {what: [{"path": f"/runs/{newest}/{what}", "headers": report[0]["headers"]}] * requests
                for what in ("heatmap", "priorities")}
    servers = {}
    try:
        servers["wellbeing"] = Server("wellbeing_app", env, tmp / "wellbeing-g.log", module="wellbeing_seed")
        servers["bare"] = Server("bare_app", {**env, "BENCH_TABLE": "runs"}, tmp / "bare-g.log")
        # What the report says: the trust group holds all 10,000 and every trust measure has a 10-point trend.
        first = fire(servers["wellbeing"].port, report[:1], tmp, "sequential", keep_body=True)["results"][0]
        if first["code"] != 200:
            raise RuntimeError(f"GET /runs/{newest}/report answered {first['code']}: {first.get('body', '')[:500]}")
        body = json.loads(first["body"])
        whole = [g for g in body["groups"] if g["cut"] == "trust"]
        points = {t["measure"]: len(t["points"]) for t in body["trend"] if t["cut"] == "trust"}
        problems = []
        if len(whole) != 1 or whole[0]["responses"] != per_run or whole[0].get("invited", per_run) != per_run:
            problems.append(f"trust group responses {[(g['responses'], g.get('invited')) for g in whole]}, "
                            f"expected [{per_run}] of {per_run} invited")
        if not points or set(points.values()) != {n_runs}:
            problems.append(f"trend points per trust measure {points}, expected {n_runs} each")
        if problems:
            raise RuntimeError("(g) report check failed: " + "; ".join(problems))
        log(f"(g) report of run {n_runs}: {len(body['groups'])} groups, {len(points)} trust measures with "
            f"{n_runs}-point trends, {len(first['body']) / 1e6:.2f} MB of JSON; checks ok. {rounds} rounds x "
            f"{requests} sequential requests on one connection, report and bare PK read of `runs` alternately")
        for what, reqs in insights.items():
            answer = fire(servers["wellbeing"].port, reqs[:1], tmp, "sequential", keep_body=True)["results"][0]
            if answer["code"] != 200:
                raise RuntimeError(f"GET /runs/{newest}/{what} answered {answer['code']}: {answer.get('body', '')[:500]}")
        asked = (("wellbeing", "wellbeing", report), ("bare", "bare", bare),
                 *((what, "wellbeing", reqs) for what, reqs in insights.items()))
        for _, server, reqs in asked:  # warm-up
            load(servers[server].port, [r["path"] for r in reqs[:1]], reqs[0].get("headers", {}), 10, connections=1)
        results: dict[str, list[float]] = {key: [] for key, _, _ in asked}
        for r in range(rounds):
            for key, server, reqs in asked:
                out = fire(servers[server].port, reqs, tmp, "sequential")
                bad = [x for x in out["results"] if x["code"] != 200]
                if bad:
                    raise RuntimeError(f"(g) {key}: {len(bad)} of {requests} requests failed, e.g. {bad[0]}")
                results[key].append(out["p50"])
            log(f"(g) round {r + 1}: report median {results['wellbeing'][-1]:.0f} ms, "
                f"heatmap {results['heatmap'][-1]:.0f} ms, priorities {results['priorities'][-1]:.0f} ms, "
                f"bare PK read median {results['bare'][-1]:.1f} ms")
        access_lines = sum(1 for _ in (tmp / "wellbeing-g.log").open())
    finally:
        for server in servers.values():
            server.stop()
    log(f"(g) the wellbeing process wrote {access_lines} log lines (gunicorn's JSON access line, as deployed)")
    add_ms_row(f"(g) GET /runs/<id>/report, {n_runs * per_run:,} responses, {n_runs}-run trend, trust HR, sequential",
               results["wellbeing"], results["bare"], 200.0)
    add_ratio_row("(g) the same as sequential req/s (1000 / median ms) vs bare PK read of `runs`", "req/s",
                  [1000 / ms for ms in results["wellbeing"]], [1000 / ms for ms in results["bare"]], None)
    for what in insights:
        add_ms_row(f"(g) GET /runs/<id>/{what}, {n_runs * per_run:,} responses, trust HR, sequential",
                   results[what], results["bare"], 200.0)
        add_ratio_row(f"(g) {what} as sequential req/s vs bare PK read of `runs`", "req/s",
                      [1000 / ms for ms in results[what]], [1000 / ms for ms in results["bare"]], None)
    close_memory(database_url, config, seeded["people"][:WORDY_PEOPLE], rounds=3)  # after: its runs join the trend


WORDY_PEOPLE, WORDY_QUESTIONS, WORDY_CHARS = 150, 30, 300  # (g) memory: issue 19's third outsider's survey


def close_memory(database_url: str, config, people: list[dict], rounds: int) -> None:
    """(g) memory: the close's peak Python memory (tracemalloc) against the size of the box it opens, for a run
    of 30 written questions (each ballot padded for all 30 at full length) that 150 people answered, writing
    three comments each. Reading the box whole held it all (issue 19's third outsider: +167 MB for 150 ballots)."""
    import tracemalloc

    from wellbeing import bootstrap
    from wellbeing.service import runs as run_commands
    from wellbeing.service.respond import seal_key

    import wellbeing_seed

    hr = trust_hr()
    peaks, boxes = [], []
    for _ in range(rounds):
        run_id, box = wellbeing_seed.seed_wordy_run(database_url, people, seal_key(config), WORDY_QUESTIONS,
                                                    WORDY_CHARS)
        context = bootstrap.build(config)
        try:
            tracemalloc.start()
            run_commands.close(context.uow(actor=hr.actor), hr, run_id, seal_key(config))
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        finally:
            context.engine.dispose()
        boxes.append(box)
    log(f"(g) memory: closing {len(people)} ballots of {boxes[0] // len(people):,} bytes ({boxes[0] / 1e6:.0f} MB "
        f"box): peak {', '.join(f'{p / 1e6:.1f}' for p in peaks)} MB traced")
    ROWS.append({"name": f"(g) close: peak memory / the box it opens, {len(people)} ballots x {WORDY_QUESTIONS} written "
                         "questions, PostgreSQL", "a": f"{spread([p / 1e6 for p in peaks], '.1f')} MB",
                 "b": f"{spread([b / 1e6 for b in boxes], '.0f')} MB",
                 "result": f"ratio {spread([p / b for p, b in zip(peaks, boxes)], '.2f')}", "target": "<= 0.25",
                 "status": "ok" if statistics.median(p / b for p, b in zip(peaks, boxes)) <= 0.25 else "MISSED",
                 "n": rounds})


def bench_wellbeing_submit(database_url: str, tmp: Path, rounds: int) -> None:
    """(h): 200 single-use links submitted at once over HTTP, then 50 of them again; checked; vs a bare INSERT."""
    from sqlalchemy import func, select

    from staffroom_shared.auth import ensure_dev_keys
    from staffroom_shared.db import make_engine
    from wellbeing import bootstrap
    from wellbeing.adapters.orm import ballots, comments, invitations
    from wellbeing.adapters.orm import results as result_rows
    from wellbeing.domain.model import InvitationStatus
    from wellbeing.domain.scoring import score
    from wellbeing.service import runs as run_commands
    from wellbeing.service.respond import seal_key

    import wellbeing_seed

    private, public = ensure_dev_keys(tmp / "keys")
    issuer = "https://login.bench.example/"
    key = new_seal_key()
    env = production_env(database_url, tmp, public, issuer, key)
    config = wellbeing_config(database_url, tmp / "data", jwt_public_key_file=str(public), jwt_issuer=issuer,
                              seal_key=key)
    migrate(config, bootstrap)
    context = bootstrap.build(config)  # to close each round's run, with the served app's SEAL_KEY
    hr = trust_hr()
    engine = make_engine(database_url)
    people = wellbeing_seed.seed_staff(engine, SUBMITTERS // wellbeing_seed.ACADEMIES)
    patterns = wellbeing_seed.answer_patterns()
    form = wellbeing_seed.questionnaire()
    answers = [wellbeing_seed.submission_answers(i, patterns) for i in range(len(people))]
    scored = [score(form, a) for a in answers]

    def a_round(label: str, who: list[dict], resend: int) -> tuple[dict, dict, list[str]]:
        """Everyone in `who` submits at once; then `resend` of the same links at once. Checked."""
        run_id, links = wellbeing_seed.open_run(engine, who, label)
        n = len(links)
        reqs = [{"method": "POST", "path": "/survey/submission", "headers": {"X-Survey-Token": token},
                 "body": {"answers": answers[i]}} for i, (token, _) in enumerate(links)]
        again_idx = list(range(0, n, max(1, n // resend)))[:resend]
        first = fire(servers["wellbeing"].port, reqs, tmp, "at_once")
        again = fire(servers["wellbeing"].port, [reqs[i] for i in again_idx], tmp, "at_once")
        wrong = []
        codes1 = [x["code"] for x in first["results"]]
        codes2 = [x["code"] for x in again["results"]]
        if codes1 != [204] * n:
            odd = next(x for x in first["results"] if x["code"] != 204)
            wrong.append(f"first submissions: {codes1.count(204)} of {n} answered 204, e.g. {odd}")
        if codes2 != [409] * len(again_idx):
            odd = next(x for x in again["results"] if x["code"] != 409)
            wrong.append(f"re-sent links: {codes2.count(409)} of {len(again_idx)} answered 409, e.g. {odd}")
        server_errors = sum(1 for c in codes1 + codes2 if c is None or c >= 500)
        if server_errors:
            wrong.append(f"{server_errors} answers were 5xx or no answer at all")
        def counts() -> dict:
            """The box, and what the results count at the trust: respondents, and answers per item and measure."""
            with engine.connect() as conn:
                trust = conn.execute(select(result_rows.c.kind, result_rows.c.figure, result_rows.c.n).where(
                    result_rows.c.run_id == run_id, result_rows.c.cut == "trust")).all()
                return {
                    "responses": sum(n for kind, _, n in trust if kind == "responses"),
                    "ballots": conn.scalar(select(func.count()).select_from(ballots).where(ballots.c.run_id == run_id)),
                    "items": sum(n for kind, _, n in trust if kind == "item"),
                    "measures": sum(n for kind, _, n in trust if kind == "measure"),
                    "comments": conn.scalar(select(func.count()).select_from(comments).where(comments.c.run_id == run_id)),
                    "invitations": {getattr(k, "value", k): v for k, v in conn.execute(
                        select(invitations.c.status, func.count()).where(invitations.c.run_id == run_id)
                        .group_by(invitations.c.status)).all()}}

        # While open, every submission is a sealed ballot in the box, and nothing else.
        before = counts()
        if (before["responses"], before["ballots"]) != (0, n):
            wrong.append(f"while open: {before['responses']} counted and {before['ballots']} ballots in the box, "
                         f"expected 0 and {n}")
        # Closing (as trust HR's POST /runs/<id>/close does) opens the box: then exactly n counted.
        run_commands.close(context.uow(actor=hr.actor), hr, run_id, seal_key(config))
        after = counts()
        want = {"responses": n, "ballots": 0, "items": sum(len(scored[i].items) for i in range(n)),
                "measures": sum(len(scored[i].measures) for i in range(n)),
                "comments": sum(len(scored[i].comments) for i in range(n)),
                "invitations": {InvitationStatus.SUBMITTED.value: n}}
        if after != want:
            wrong.append(f"after the close {after}, expected {want}")
        return first, again, wrong

    def b_round(who: list[dict]) -> dict:
        run_id, _ = wellbeing_seed.open_run(engine, who, "bare")
        reqs = [{"method": "POST", "path": "/ballots", "body": {"run_id": str(run_id)}} for _ in who]
        out = fire(servers["bare"].port, reqs, tmp, "at_once")
        with engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(ballots).where(ballots.c.run_id == run_id))
        if stored != len(who) or any(x["code"] != 204 for x in out["results"]):
            raise RuntimeError(f"bare app stored {stored} of {len(who)}: "
                               f"{next((x for x in out['results'] if x['code'] != 204), None)}")
        return out

    log(f"(h) {len(people)} staff; each round an open run (every instrument) with {SUBMITTERS} invitations: all "
        f"{SUBMITTERS} POST /survey/submission at once ({SUBMITTERS} connections), then {RESENT} of the same links "
        f"again at once; {rounds} rounds, alternating with a bare INSERT app")
    problems: list[str] = []
    results: dict[str, list[dict]] = {"wellbeing": [], "bare": []}
    servers = {}
    try:
        servers["wellbeing"] = Server("wellbeing_app", env, tmp / "wellbeing-h.log", module="wellbeing_seed")
        servers["bare"] = Server("bare_insert_app", env, tmp / "bare-h.log", module="wellbeing_seed")
        # Warm-up (imports, first connections, caches), checked like a round: 20 people, 5 re-sent.
        _, _, wrong = a_round("warm-up", people[:20], 5)
        problems += [f"warm-up: {w}" for w in wrong]
        b_round(people[:20])
        for r in range(rounds):
            first, again, wrong = a_round(f"Pulse survey {r + 1}", people, RESENT)
            problems += [f"round {r + 1}: {w}" for w in wrong]
            b = b_round(people)
            a = {"rps": SUBMITTERS / first["seconds"], "p50": first["p50"], "p95": first["p95"]}
            results["wellbeing"].append(a)
            results["bare"].append({"rps": SUBMITTERS / b["seconds"], "p50": b["p50"], "p95": b["p95"]})
            log(f"(h) round {r + 1}: {SUBMITTERS} submissions in {first['seconds']:.2f} s = {a['rps']:.0f} req/s "
                f"(p50 {a['p50']:.0f} ms, p95 {a['p95']:.0f} ms), all in the box until the close; {RESENT} re-sent in {again['seconds']:.2f} s; "
                f"bare INSERT {results['bare'][-1]['rps']:.0f} req/s (p95 {b['p95']:.0f} ms); checks: "
                + ("ok" if not wrong else "FAILED: " + "; ".join(wrong)))
        access_lines = sum(1 for _ in (tmp / "wellbeing-h.log").open())
    finally:
        for server in servers.values():
            server.stop()
        engine.dispose()
        context.engine.dispose()
    log(f"(h) the wellbeing process wrote {access_lines} log lines (gunicorn's JSON access line, as deployed)")
    for p in problems:
        log(f"(h) MISSED: {p}")
    name = f"(h) {SUBMITTERS} POST /survey/submission at once, PostgreSQL"
    add_ratio_row(f"{name}: throughput vs bare INSERT", "req/s", [x["rps"] for x in results["wellbeing"]],
                  [x["rps"] for x in results["bare"]], None)
    add_ms_row(f"{name}: p95 latency (bare: p95 of one INSERT)", [x["p95"] for x in results["wellbeing"]],
               [x["p95"] for x in results["bare"]], None, what="p95")
    ROWS.append({"name": f"{name} + {RESENT} re-sent: none lost or doubled", "a": "", "b": "",
                 "result": (f"{SUBMITTERS} stored once, {SUBMITTERS}x204, {RESENT}x409, no 5xx" if not problems
                            else f"{len(problems)} problems (see log)"),
                 "target": "none lost or doubled", "status": "ok" if not problems else "MISSED",
                 "n": len(results["wellbeing"])})


# -- main -------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds and requests (a-f < 1.5 minutes, g+h ~1.5 more, i+j ~4 more)")
    parser.add_argument("--only", default="a,b,c,d,e,f,g,h,i,j,k,l", help="which parts to run: a-l (comma-separated)")
    parser.add_argument("--no-sqlite-http", action="store_true", help="skip (a), (e) and (f) on SQLite")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if args.quick:
        http_rounds, http_requests, relay_rounds, relay_n, import_rounds = 3, 1000, 5, 1000, 2
        open_rounds, read_rounds, read_requests = 2, 3, 800
        report_rounds, report_requests, submit_rounds = 3, 15, 1
    else:
        http_rounds, http_requests, relay_rounds, relay_n, import_rounds = 7, 1200, 5, 5000, 3
        open_rounds, read_rounds, read_requests = 3, 5, 1000
        report_rounds, report_requests, submit_rounds = 5, 40, 3

    import logging

    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    print(f"Staffroom benchmarks ({'quick' if args.quick else 'full'} run {RUN_ID}), "
          f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="staffroom-bench-"))
    try:
        if "a" in parts:
            with pg_database("http") as url:
                bench_http("PostgreSQL", url, tmp / "http-pg", http_rounds, http_requests)
            if not args.no_sqlite_http and not args.quick:
                bench_http("SQLite", f"sqlite:///{tmp / 'http-sqlite' / 'data' / 'directory.db'}",
                           tmp / "http-sqlite", http_rounds, http_requests)
        if "b" in parts:
            bench_relay(tmp, relay_rounds, relay_n)
        if "c" in parts:
            bench_import(tmp, import_rounds, 10_000)
        if "d" in parts:
            bench_open_cycle(tmp, open_rounds, 2_500)
        if "e" in parts:
            with pg_database("read") as url:
                bench_appraisal_read("PostgreSQL", url, tmp / "read-pg", read_rounds, read_requests, 2_500)
            if not args.no_sqlite_http and not args.quick:
                bench_appraisal_read("SQLite", f"sqlite:///{tmp / 'read-sqlite' / 'data' / 'appraisal.db'}",
                                     tmp / "read-sqlite", read_rounds, read_requests, 2_500)
        if "f" in parts:  # CPD places: bench/cpd_places.py
            import cpd_places

            cpd_places.run_part(tmp, args.quick, sqlite=not args.no_sqlite_http)
        if "g" in parts:  # wellbeing report: seed, apps and client in bench/wellbeing_seed.py
            with pg_database("wbreport") as url:
                bench_wellbeing_report(url, tmp / "wellbeing-g", report_rounds, report_requests)
        if "h" in parts:
            with pg_database("wbsubmit") as url:
                bench_wellbeing_submit(url, tmp / "wellbeing-h", submit_rounds)
        if parts & {"i", "j"}:  # notifications: burst and end to end, in bench/notifications_bench.py
            import notifications_bench

            notifications_bench.run_part(tmp, args.quick, parts)
        if "k" in parts:  # opening a 360 / upward feedback round: bench/feedback_round.py
            import feedback_round

            feedback_round.run_part(tmp, args.quick)
        if "l" in parts:  # the induction tutor's dashboard: bench/induction_dashboard.py
            import induction_dashboard

            induction_dashboard.run_part(tmp, args.quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table()
    print(f"A = the Staffroom code path, B = the bare stack measured alternately in the same run; "
          f"{time.perf_counter() - started:.0f} s in all.")
    missed = [r["name"] for r in ROWS if r["status"] == "MISSED"]
    if missed:
        print("MISSED: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
