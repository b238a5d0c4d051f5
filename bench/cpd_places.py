"""(f) CPD places: 1,000 people ask for places in one 30-place cohort at once, over HTTP.

Part (f) of bench/run.py (`.venv/bin/python bench/run.py --only f`; PostgreSQL, full 2 rounds, quick 1;
`BENCH_CPD_SQLITE=1` adds one SQLite round with the development config). This module is also:
- the two WSGI apps gunicorn serves for it (`cpd_places:cpd_app()`, `cpd_places:bare_app()`), and
- the load client, run as its own process: `python bench/cpd_places.py load <spec.json> <out.json>`.

A: the real CPD app (cpd.entrypoints.web.create_app, production config from the environment: PostgreSQL, RabbitMQ
   bus URL, RS256 bearer tokens, JSON access log at INFO), `POST /enrolments` by 1,000 distinct members
   of staff (each with their own freshly signed token) for a place on one 30-place cohort of a free,
   trust-wide programme that needs no approval, so each request goes straight to allocation under the
   cohort's row lock. A fresh cohort every round.
B: the bare stack: a plain Flask app with a plain SQLAlchemy engine (same pool size) doing one INSERT
   of the same enrolment row shape per request (`POST /enrolments`, JSON in, 201 + the new id out) on the
   same database. No auth, no lock, no events.
Both under gunicorn with the settings the harness uses for (a) and (e); load from a separate process,
CONNECTIONS keep-alive connections sending the 1,000 requests as fast as they are answered.

After each A round the database is checked: exactly 30 CONFIRMED and 970 WAITING, each person exactly
one enrolment, in the order the requests took the cohort lock (= commit order, read from the outbox's
sequence) the first 30 have the places and the others waiting numbers 31..1000 strictly increasing with
no gaps or duplicates, cohort.waiting_seq = 1000, the outbox holding 1,000 cpd.enrolment_requested, 1,000
cpd.enrolment_approved, 30 cpd.enrolled then 970 cpd.waitlisted (positions 1..970 in the same order),
1,000 audit rows, and every HTTP answer a 201 whose status and waiting position agree with the database.
Any failure prints MISSED with the evidence.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import harness

PEOPLE, CAPACITY, CONNECTIONS = 1000, 30, 32
WARM_PEOPLE = 100
ACADEMIES = 4
ISSUER = "https://login.bench.example/"


# -- the apps gunicorn serves ----------------------------------------------------------------------

def cpd_app():
    from cpd.entrypoints.web import create_app
    from staffroom_shared.config import ServiceConfig

    return create_app(ServiceConfig.from_env("cpd"))


def bare_app():
    """Flask + SQLAlchemy, one INSERT per POST into `enrolments` (the same row shape the CPD app writes)."""
    from datetime import date as _date

    from flask import Flask, jsonify, request
    from sqlalchemy import MetaData, Table, create_engine, insert

    url = os.environ["BENCH_DATABASE_URL"]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    else:
        engine = create_engine(url, pool_size=5, max_overflow=10)
    table = Table("enrolments", MetaData(), autoload_with=engine)
    # Reflected, a UUID column is CHAR(32) on SQLite (SQLAlchemy's Uuid stores the hex there).
    as_id = (lambda s: uuid.UUID(s).hex) if url.startswith("sqlite") else uuid.UUID
    app = Flask("bare")

    @app.post("/enrolments")
    def post_enrolment():
        body = request.get_json()
        new_id = uuid.uuid4()
        row = {"id": as_id(str(new_id)), "cohort_id": as_id(body["cohort_id"]),
               "programme_id": as_id(body["programme_id"]), "staff_id": as_id(body["staff_id"]),
               "academy_id": as_id(body["academy_id"]), "cost": 0, "requested_on": _date.today(),
               "reason": body["reason"], "status": "waiting"}
        with engine.begin() as conn:
            conn.execute(insert(table).values(**row))
        return jsonify(id=str(new_id), status=row["status"]), 201

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


# -- the load client (its own process) --------------------------------------------------------------

def load_main(spec_file: str, out_file: str) -> None:
    """Every connection opens first; then each thread takes the next request off a shared counter
    until all are sent. Records each answer's status, latency and (id, status, waiting_position)."""
    import http.client
    import threading

    spec = json.loads(Path(spec_file).read_text())
    port, path, reqs, conns = spec["port"], spec["path"], spec["requests"], spec["connections"]
    results: list = [None] * len(reqs)
    counter = iter(range(len(reqs)))
    counter_lock = threading.Lock()
    start = threading.Barrier(conns + 1)

    def connect():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.connect()
        return c

    def worker():
        conn = connect()
        start.wait()
        while True:
            with counter_lock:
                i = next(counter, None)
            if i is None:
                break
            r = reqs[i]
            headers = {"Content-Type": "application/json"}
            if r.get("token"):
                headers["Authorization"] = f"Bearer {r['token']}"
            body = json.dumps(r["body"])
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                latency = time.perf_counter() - t0
                try:
                    answer = json.loads(data)
                    answer = {k: answer.get(k) for k in ("id", "status", "waiting_position", "title", "detail")}
                except ValueError:
                    answer = {"raw": data[:300].decode(errors="replace")}
                results[i] = {"code": response.status, "latency": latency, **answer}
                if response.will_close:
                    conn.close()
                    conn = connect()
            except (OSError, http.client.HTTPException) as exc:
                results[i] = {"code": None, "latency": time.perf_counter() - t0, "error": repr(exc)}
                conn.close()
                conn = connect()
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    Path(out_file).write_text(json.dumps({"seconds": seconds, "results": results}))


def fire(port: int, reqs: list[dict], tmp: Path, connections: int = CONNECTIONS) -> dict:
    """Run the load client against `port`; returns seconds, req/s (201s only), p50/p95 ms and the answers."""
    spec, out = tmp / f"spec-{uuid.uuid4().hex[:6]}.json", tmp / f"out-{uuid.uuid4().hex[:6]}.json"
    spec.write_text(json.dumps({"port": port, "path": "/enrolments", "requests": reqs, "connections": connections}))
    subprocess.run([harness.PY, __file__, "load", str(spec), str(out)], check=True)
    data = json.loads(out.read_text())
    spec.unlink(), out.unlink()
    results = data["results"]
    created = [r for r in results if r and r["code"] == 201]
    latencies = sorted(r["latency"] * 1000 for r in results if r)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"seconds": data["seconds"], "rps": len(created) / data["seconds"], "p50": q[49], "p95": q[94],
            "results": results, "created": len(created)}


# -- seeding and checking ---------------------------------------------------------------------------

def seed(engine, tables) -> dict:
    """1,000 members of staff in the CPD's staff copy (4 academies, as staff.joined would leave them) and a
    free trust-wide programme that needs no approval."""
    from sqlalchemy import insert

    academies = [uuid.uuid4() for _ in range(ACADEMIES)]
    people = [(uuid.uuid4(), academies[i % ACADEMIES]) for i in range(PEOPLE)]
    programme_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(tables["academies"]), [
            {"academy_id": a, "name": f"Bench Academy {i}", "urn": str(150000 + i)} for i, a in enumerate(academies)])
        conn.execute(insert(tables["staff"]), [
            {"staff_id": p, "academy_id": a, "first_name": "Sam", "last_name": f"Teacher{i}",
             "email": f"sam.teacher{i}@oaktrust.example", "staff_type": "teaching", "post": "Teacher",
             "start_date": date(2020, 9, 1), "leaving_date": None, "line_manager_id": None}
            for i, (p, a) in enumerate(people)])
        conn.execute(insert(tables["programmes"]).values(
            id=programme_id, title="Twilight: retrieval practice", kind="internal_course", provider="Trust",
            delivery_mode="in_person", cost=0, academy_id=None, description="After school, in the hall",
            duration="1 session", tags=["Teachers' Standards"], npq=None, levy_funded=False,
            off_the_job_percent=None, requires_approval=False, active=True))
    return {"people": people, "programme_id": programme_id}


def new_cohort(engine, tables, programme_id, name: str, capacity: int = CAPACITY) -> uuid.UUID:
    from sqlalchemy import insert

    cohort_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(tables["cohorts"]).values(
            id=cohort_id, programme_id=programme_id, name=name, starts_on=date.today() + timedelta(days=14),
            ends_on=date.today() + timedelta(days=14), capacity=capacity, location="Hall", waiting_seq=0))
    return cohort_id


def max_seq(engine, tables) -> tuple[int, int]:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        return (conn.scalar(select(func.coalesce(func.max(tables["outbox"].c.seq), 0))),
                conn.scalar(select(func.coalesce(func.max(tables["audit_log"].c.id), 0))))


def check_round(engine, tables, cohort_id, people: list, capacity: int, answers: list, since: tuple[int, int]) -> list[str]:
    """Everything the issue's 'done means' asks of one round, from the database; returns what is wrong."""
    from sqlalchemy import select

    n = len(people)
    e_t, c_t, o_t, a_t = tables["enrolments"], tables["cohorts"], tables["outbox"], tables["audit_log"]
    with engine.connect() as conn:
        rows = conn.execute(select(e_t.c.id, e_t.c.staff_id, e_t.c.status, e_t.c.waiting_since)
                            .where(e_t.c.cohort_id == cohort_id)).all()
        waiting_seq = conn.scalar(select(c_t.c.waiting_seq).where(c_t.c.id == cohort_id))
        events = conn.execute(select(o_t.c.seq, o_t.c.event_type, o_t.c.envelope)
                              .where(o_t.c.seq > since[0]).order_by(o_t.c.seq)).all()
        audits = conn.execute(select(a_t.c.action, a_t.c.entity_id).where(a_t.c.id > since[1])).all()
    wrong = []
    status = {r.id: str(getattr(r.status, "value", r.status)) for r in rows}
    by_id = {r.id: r for r in rows}
    counts = {s: list(status.values()).count(s) for s in set(status.values())}
    if counts != {"confirmed": capacity, "waiting": n - capacity}:
        wrong.append(f"statuses {counts}, expected {capacity} confirmed and {n - capacity} waiting")
    staff_ids = [r.staff_id for r in rows]
    if len(rows) != n or set(staff_ids) != {p for p, _ in people} or len(set(staff_ids)) != len(staff_ids):
        dup = len(staff_ids) - len(set(staff_ids))
        wrong.append(f"{len(rows)} enrolments for {len(set(staff_ids))} people ({dup} booked twice), expected "
                     f"exactly one each for {n}")
    if waiting_seq != n:
        wrong.append(f"cohort.waiting_seq {waiting_seq}, expected {n}")

    mine = [(seq, t, env) for seq, t, env in events if env["payload"].get("cohort_id") == str(cohort_id)]
    kinds: dict[str, int] = {}
    for _, t, _ in mine:
        kinds[t] = kinds.get(t, 0) + 1
    want = {"cpd.enrolment_requested": n, "cpd.enrolment_approved": n, "cpd.enrolled": capacity,
            "cpd.waitlisted": n - capacity}
    if kinds != want:
        wrong.append(f"outbox {kinds}, expected {want}")
    # Commit order: each request wrote its events under the cohort lock, in one insert at commit, so the
    # outbox sequence orders the requests as they took the lock.
    order = [uuid.UUID(env["payload"]["enrolment_id"]) for _, t, env in mine if t == "cpd.enrolment_requested"]
    if len(order) == n and all(i in by_id for i in order):
        first = order[:capacity]
        if any(status[i] != "confirmed" for i in first):
            wrong.append("the places did not go to the first 30 to commit: "
                         + ", ".join(f"#{k + 1} {status[i]}" for k, i in enumerate(first) if status[i] != "confirmed"))
        numbers = [by_id[i].waiting_since for i in order[capacity:]]
        if numbers != list(range(capacity + 1, n + 1)):
            bad = next(k for k, (a, b) in enumerate(zip(numbers, range(capacity + 1, n + 1))) if a != b) \
                if len(numbers) == n - capacity else 0
            wrong.append(f"waiting numbers in commit order are not {capacity + 1}..{n} without gaps: "
                         f"from commit #{capacity + bad + 1}: {numbers[bad:bad + 5]}")
    else:
        wrong.append("cannot order the enrolments by commit: requested events do not match the enrolments")
    emitted = [t for _, t, _ in mine if t in ("cpd.enrolled", "cpd.waitlisted")]
    if emitted != ["cpd.enrolled"] * capacity + ["cpd.waitlisted"] * (n - capacity):
        wrong.append("cpd.enrolled / cpd.waitlisted are not 30 places first, then the waiting list, in commit order")
    listed = [env["payload"] for _, t, env in mine if t == "cpd.waitlisted"]
    if [p["position"] for p in listed] != list(range(1, n - capacity + 1)):
        wrong.append("cpd.waitlisted positions in commit order are not 1, 2, 3, ...")
    if [uuid.UUID(p["enrolment_id"]) for p in listed] != order[capacity:]:
        wrong.append("cpd.waitlisted events are not in the order the requests committed")
    requested_audits = {e for a, e in audits if a == "enrolment.requested"}
    if not {str(i) for i in status} <= requested_audits:
        wrong.append(f"{len({str(i) for i in status} - requested_audits)} enrolments without an audit row")

    # What each person was told over HTTP agrees with the database.
    told = {}
    failures = [a for a in answers if not a or a.get("code") != 201]
    if failures:
        wrong.append(f"{len(failures)} requests not answered 201, e.g. {failures[0]}")
    for (person, _), a in zip(people, answers):
        if a and a.get("code") == 201:
            told[uuid.UUID(a["id"])] = (person, a)
    for i, (person, a) in told.items():
        r = by_id.get(i)
        if r is None or r.staff_id != person:
            wrong.append(f"{person} was answered with enrolment {i}, which is not theirs in this cohort")
            break
        expect_pos = None if status[i] == "confirmed" else r.waiting_since - capacity
        if a["status"] != status[i] or a["waiting_position"] != expect_pos:
            wrong.append(f"enrolment {i} was told {a['status']} / position {a['waiting_position']}, the database "
                         f"says {status[i]} / position {expect_pos}")
            break
    return wrong


# -- the measure --------------------------------------------------------------------------------------

def tokens_for(people: list, private_key_file: Path) -> list[str]:
    """One freshly signed RS256 token per person (a new jti each time, so none is in the app's token cache)."""
    from datetime import datetime, timezone

    import jwt
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_key_file.read_bytes(), password=None)
    now = datetime.now(timezone.utc)
    return [jwt.encode({"iss": ISSUER, "aud": "staffroom", "iat": now, "nbf": now, "exp": now + timedelta(hours=1),
                        "sub": str(p), "roles": ["staff"], "academy_id": str(a), "jti": uuid.uuid4().hex},
                       key, algorithm="RS256", headers={"kid": "staffroom-dev"}) for p, a in people]


def bench_places(engine_label: str, database_url: str, tmp: Path, rounds: int) -> None:
    from cpd import bootstrap
    from cpd.adapters.orm import metadata
    from staffroom_shared.auth import ensure_dev_keys
    from staffroom_shared.config import ServiceConfig
    from staffroom_shared.db import make_engine

    log = harness.log
    tmp.mkdir(parents=True, exist_ok=True)
    private, public = ensure_dev_keys(tmp / "keys")
    production = not database_url.startswith("sqlite")
    env = {
        "DATABASE_URL": database_url, "BENCH_DATABASE_URL": database_url,
        "JWT_PUBLIC_KEY_FILE": str(public), "JWT_ISSUER": ISSUER, "LOG_LEVEL": "INFO",
        "STAFFROOM_DATA_DIR": str(tmp / "data"),
        "STAFFROOM_ENV": "production" if production else "development",
        "BUS_URL": harness.AMQP_URL if production else f"embedded:///{tmp / 'data' / 'bus.db'}",
    }
    config = ServiceConfig.from_env("cpd", {"STAFFROOM_DATA_DIR": str(tmp / "data"), "LOG_LEVEL": "WARNING"},
                                    database_url=database_url, bus_url=f"embedded:///{tmp / 'data' / 'bus.db'}")
    harness.migrate(config, bootstrap)
    engine = make_engine(database_url)
    tables = metadata.tables
    seeded = seed(engine, tables)
    people, programme_id = seeded["people"], seeded["programme_id"]
    label = f"{engine_label}, {CONNECTIONS} connections"
    log(f"(f) {engine_label}: {PEOPLE} staff seeded; each round a fresh {CAPACITY}-place cohort of a free programme "
        f"needing no approval gets {PEOPLE} POST /enrolments (one per person, own token) over {CONNECTIONS} "
        f"connections; {rounds} rounds, alternating with the bare INSERT app")

    def a_requests(cohort_id, who):
        return [{"body": {"cohort_id": str(cohort_id), "reason": "Appraisal objective: retrieval practice"},
                 "token": t} for t in tokens_for(who, private)]

    def b_requests(cohort_id, who):
        return [{"body": {"cohort_id": str(cohort_id), "programme_id": str(programme_id), "staff_id": str(p),
                          "academy_id": str(a), "reason": "Appraisal objective: retrieval practice"}}
                for p, a in who]

    problems: list[str] = []
    results: dict[str, list] = {"cpd": [], "bare": []}
    servers = {}
    try:
        servers["cpd"] = harness.Server("cpd_app", env, tmp / f"cpd-{engine_label}.log", module="cpd_places")
        servers["bare"] = harness.Server("bare_app", env, tmp / f"bare-{engine_label}.log", module="cpd_places")
        # Warm-up (imports, first connections, caches): 100 people into a 30-place cohort, checked too.
        warm = people[:WARM_PEOPLE]
        cohort_id = new_cohort(engine, tables, programme_id, "warm-up")
        since = max_seq(engine, tables)
        out = fire(servers["cpd"].port, a_requests(cohort_id, warm), tmp)
        problems += [f"warm-up: {w}" for w in check_round(engine, tables, cohort_id, warm, CAPACITY, out["results"], since)]
        fire(servers["bare"].port, b_requests(new_cohort(engine, tables, programme_id, "bare warm-up"), warm), tmp)
        for r in range(rounds):
            cohort_id = new_cohort(engine, tables, programme_id, f"round {r + 1}")
            reqs = a_requests(cohort_id, people)  # signed before the clock starts
            since = max_seq(engine, tables)
            a = fire(servers["cpd"].port, reqs, tmp)
            wrong = check_round(engine, tables, cohort_id, people, CAPACITY, a["results"], since)
            problems += [f"round {r + 1}: {w}" for w in wrong]
            b = fire(servers["bare"].port,
                     b_requests(new_cohort(engine, tables, programme_id, f"bare {r + 1}"), people), tmp)
            if b["created"] != PEOPLE:
                raise RuntimeError(f"bare app created {b['created']} of {PEOPLE}: "
                                   f"{next(x for x in b['results'] if not x or x['code'] != 201)}")
            results["cpd"].append(a), results["bare"].append(b)
            log(f"(f) {engine_label} round {r + 1}: cpd {a['rps']:.0f} req/s (p50 {a['p50']:.0f} ms, p95 "
                f"{a['p95']:.0f} ms, {a['seconds']:.1f} s), bare INSERT {b['rps']:.0f} req/s (p50 {b['p50']:.0f} ms, "
                f"p95 {b['p95']:.0f} ms); checks: " + ("ok" if not wrong else "FAILED: " + "; ".join(wrong)))
        access_lines = sum(1 for _ in (tmp / f"cpd-{engine_label}.log").open())
    finally:
        for server in servers.values():
            server.stop()
        engine.dispose()
    log(f"(f) {engine_label}: the CPD app wrote {access_lines} log lines (JSON access log at INFO, as deployed)")
    for p in problems:
        log(f"(f) {engine_label} MISSED: {p}")

    a_rps, b_rps = [x["rps"] for x in results["cpd"]], [x["rps"] for x in results["bare"]]
    ratios = [x / y for x, y in zip(a_rps, b_rps)]
    spread = harness.spread

    def cell(side: str, rps: list[float]) -> str:
        p50, p95 = (statistics.median(x[q] for x in results[side]) for q in ("p50", "p95"))
        return f"{spread(rps, '.0f')} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms"

    harness.ROWS.append({
        "name": f"(f) POST /enrolments, {PEOPLE:,} people -> {CAPACITY}-place cohort, {label}",
        "a": cell("cpd", a_rps), "b": cell("bare", b_rps), "result": f"ratio {spread(ratios, '.2f')}",
        "target": f"{CAPACITY} confirmed + {PEOPLE - CAPACITY} waiting in order",
        "status": "ok" if not problems else "MISSED", "n": len(ratios)})


def run_part(tmp: Path, quick: bool, sqlite: bool) -> None:
    """bench/run.py's part (f) on PostgreSQL (production config): full 2 rounds, quick 1. A round of the real
    app takes ~25-40 s here (see bench/README.md), so SQLite (development config, 1 round, ~30 s more) runs
    only with BENCH_CPD_SQLITE=1 (and not with --no-sqlite-http or --quick), to keep (f) within ~90 s."""
    with harness.pg_database("cpd") as url:
        bench_places("PostgreSQL", url, tmp / "cpd-pg", 1 if quick else 2)
    if sqlite and not quick and os.environ.get("BENCH_CPD_SQLITE") == "1":
        bench_places("SQLite", f"sqlite:///{tmp / 'cpd-sqlite' / 'data' / 'cpd.db'}", tmp / "cpd-sqlite", 1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "load":
        load_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python bench/cpd_places.py load <spec.json> <out.json>  (run the measure with "
                 "bench/run.py --only f)")
