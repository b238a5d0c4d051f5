"""(l) The induction tutor's dashboard (issue 25): GET /inductions/tutoring for a trust of 10,000 staff with 400 ECTs.

Part (l) of bench/run.py (`.venv/bin/python bench/run.py --only l`), on PostgreSQL.

Seeded through cpd's own commands (cpd.service.inductions) on top of a staff copy written directly, as staff.joined
would leave it: 40 academies of 250 staff, each with its own term dates for 2024 to 2031 and 10 ECTs registered by
trust HR (one in ten part-time at 0.6; half started in September 2025, so in their second year, half in September
2026), one induction tutor per academy and a mentor for each ECT. The tutor of the first academy reads their
dashboard: each of their 10 ECTs with what is due next and what is overdue, worked out from the statutory rules on
every read (docs/cpd.md).

A: the real cpd app (production config: PostgreSQL, RabbitMQ bus URL, RS256 bearer token, gunicorn's JSON access
   line), GET /inductions/tutoring as that tutor.
B: the bare stack (bench/wsgi_apps.py bare_app): a primary-key read of one row of `inductions`.
Both under gunicorn with the harness's settings, measured alternately; the ratio A/B in requests per second, target
>= 0.5 (issue 25). Checks the answer lists the tutor's 10 ECTs.
"""
from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import harness

ACADEMIES, STAFF_PER_ACADEMY, ECTS_PER_ACADEMY = 40, 250, 10
ISSUER = "https://login.bench.example/"


def terms(school_year: int) -> list[dict]:
    """An academy's three terms in a school year, with their half-term breaks."""
    def day(month: int, d: int) -> date:
        return date(school_year + (month < 8), month, d)

    return [{"school_year": school_year, "number": 1, "starts_on": day(9, 1), "ends_on": day(12, 19),
             "breaks": [{"starts_on": day(10, 26), "ends_on": day(10, 30)}]},
            {"school_year": school_year, "number": 2, "starts_on": day(1, 5), "ends_on": day(3, 27),
             "breaks": [{"starts_on": day(2, 16), "ends_on": day(2, 20)}]},
            {"school_year": school_year, "number": 3, "starts_on": day(4, 13), "ends_on": day(7, 21),
             "breaks": [{"starts_on": day(5, 25), "ends_on": day(5, 29)}]}]


def seed(config) -> dict:
    """The trust, its term dates and its 400 ECTs; returns the first academy's tutor and their ECTs."""
    from sqlalchemy import insert

    from cpd import bootstrap
    from cpd.service import inductions
    from run import trust_hr

    harness.migrate(config, bootstrap)
    context = bootstrap.build(config)
    tables = context.metadata.tables
    academies = [uuid.uuid4() for _ in range(ACADEMIES)]
    staff = {a: [uuid.uuid4() for _ in range(STAFF_PER_ACADEMY)] for a in academies}
    with context.engine.begin() as conn:
        conn.execute(insert(tables["academies"]), [
            {"academy_id": a, "name": f"Bench Academy {i}", "urn": str(150000 + i)} for i, a in enumerate(academies)])
        conn.execute(insert(tables["staff"]), [
            {"staff_id": p, "academy_id": a, "first_name": "Sam", "last_name": f"Teacher{i}-{n}",
             "email": f"sam.teacher{i}.{n}@oaktrust.example", "staff_type": "teaching", "post": "Teacher",
             "start_date": date(2025, 9, 1), "leaving_date": None, "line_manager_id": None}
            for i, a in enumerate(academies) for n, p in enumerate(staff[a])])
    hr = trust_hr()
    every_year = [t for year in range(2024, 2032) for t in terms(year)]
    first_tutor, first_ects = None, []
    for a in academies:
        inductions.set_term_dates(context.uow(), hr, a, every_year)
        tutor, ects, mentors = staff[a][0], staff[a][1:1 + ECTS_PER_ACADEMY], staff[a][100:100 + ECTS_PER_ACADEMY]
        for n, (ect, mentor) in enumerate(zip(ects, mentors)):
            starts = date(2025 + n % 2, 9, 1)
            inductions.register(context.uow(), hr, {
                "staff_id": ect, "academy_id": a, "qts_on": starts - timedelta(days=60), "starts_on": starts,
                "fte": 0.6 if n == 0 else 1.0, "appropriate_body": "Bench Teaching School Hub",
                "programme_type": "provider-led", "lead_provider": "Ambition Institute", "tutor_id": tutor,
                "mentor_id": mentor}, today=date(2026, 9, 1))
        if first_tutor is None:
            first_tutor, first_ects = tutor, ects
    with context.engine.connect() as conn:
        some_induction = conn.execute(tables["inductions"].select().limit(1)).first().id
    context.engine.dispose()
    return {"academy_id": academies[0], "tutor": first_tutor, "ects": first_ects, "induction_id": some_induction}


def bench(database_url: str, tmp: Path, rounds: int, requests: int) -> None:
    from harness import AMQP_URL
    from run import load
    from staffroom_shared.auth import ensure_dev_keys, issue_dev_token
    from staffroom_shared.config import ServiceConfig

    private, public = ensure_dev_keys(tmp / "keys")
    env = {"DATABASE_URL": database_url, "BENCH_DATABASE_URL": database_url, "JWT_PUBLIC_KEY_FILE": str(public),
           "JWT_ISSUER": ISSUER, "LOG_LEVEL": "INFO", "STAFFROOM_DATA_DIR": str(tmp / "data"),
           "STAFFROOM_ENV": "production", "BUS_URL": AMQP_URL}
    config = ServiceConfig.from_env("cpd", {"STAFFROOM_DATA_DIR": str(tmp / "data"), "LOG_LEVEL": "WARNING"},
                                    database_url=database_url, bus_url=f"embedded:///{tmp / 'data' / 'bus.db'}",
                                    jwt_public_key_file=str(public), jwt_issuer=ISSUER)
    seeded = seed(config)
    token = issue_dev_token(private, staff_id=seeded["tutor"], roles=["staff"], academy_id=seeded["academy_id"],
                            issuer=ISSUER)
    variants = {"cpd": ("cpd_app", ["/inductions/tutoring"], {"Authorization": f"Bearer {token}"}),
                "bare": ("bare_app", [f"/inductions/{seeded['induction_id']}"], {})}
    harness.log(f"(l) {ACADEMIES * STAFF_PER_ACADEMY} staff, {ACADEMIES * ECTS_PER_ACADEMY} ECTs in {ACADEMIES} "
                f"academies; one tutor's dashboard of {ECTS_PER_ACADEMY} ECTs; {rounds} rounds x {requests} requests")
    servers = {}
    try:
        servers["cpd"] = harness.Server("cpd_app", env, tmp / "cpd.log", module="cpd_places")
        servers["bare"] = harness.Server("bare_app", {**env, "BENCH_TABLE": "inductions"}, tmp / "bare.log")
        answer = _get(servers["cpd"].port, "/inductions/tutoring", variants["cpd"][2])
        listed = sorted(uuid.UUID(row["staff_id"]) for row in answer)
        if listed != sorted(seeded["ects"]):
            harness.log(f"(l) MISSED: the dashboard listed {len(listed)} ECTs, not the tutor's "
                        f"{len(seeded['ects'])}")
        for key, (_, paths, headers) in variants.items():  # warm-up
            load(servers[key].port, paths, headers, 200)
        results: dict[str, list[float]] = {key: [] for key in variants}
        for r in range(rounds):
            for key, (_, paths, headers) in variants.items():
                results[key].append(load(servers[key].port, paths, headers, requests)["rps"])
            harness.log(f"(l) round {r + 1}: " + ", ".join(f"{k} {v[-1]:.0f}" for k, v in results.items()) + " req/s")
    finally:
        for server in servers.values():
            server.stop()
    harness.add_ratio_row("(l) GET /inductions/tutoring (10 ECTs), PostgreSQL", "req/s", results["cpd"],
                          results["bare"], 0.5)


def _get(port: int, path: str, headers: dict):
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)) as r:
        return json.loads(r.read())


def run_part(tmp: Path, quick: bool) -> None:
    with harness.pg_database("induction") as url:
        bench(url, tmp / "induction", 3 if quick else 5, 300 if quick else 600)
