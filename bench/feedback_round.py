"""(k) Opening an upward-feedback round for 1,000 people (issue 24: <= 10 s).

Part (k) of bench/run.py (`.venv/bin/python bench/run.py --only k`). Wellbeing's own staff copy is seeded directly
(as its api tests do): 100 line managers, each with 10 direct reports in post, in one academy. Trust HR then POST
/feedback/rounds (trust-wide) through the real wellbeing app (wellbeing.entrypoints.web.create_app, Flask's test
client in this process, RS256 bearer token checked): every manager gets a request and each of their reports a
single-use link sealed to notifications' key, in one transaction with 1,000 wellbeing.invitation_issued events in
the outbox. Timed from the request to its 201, on SQLite (the embedded default) and on PostgreSQL; a fresh round each
time on the same staff. Each round is checked: 201, 100 managers, 1,000 invited, 1,000 new invitations and 1,000 new
outbox rows. An absolute target (the issue's), so no bare stack beside it.
"""
from __future__ import annotations

import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import harness

MANAGERS, REPORTS = 100, 10


def seed(engine, metadata) -> uuid.UUID:
    from sqlalchemy import insert

    academy = uuid.uuid4()
    people = []
    with engine.begin() as conn:
        conn.execute(insert(metadata.tables["academies"]), [{"academy_id": academy, "name": "Oak Academy"}])
        for m in range(MANAGERS):
            manager = {"staff_id": uuid.uuid4(), "academy_id": academy, "first_name": f"Manager{m}",
                       "last_name": "Lead", "email": f"m{m}@oak.example", "staff_type": "leadership",
                       "start_date": date(2015, 9, 1), "leaving_date": None, "line_manager_id": None}
            people.append(manager)
            people += [{**manager, "staff_id": uuid.uuid4(), "first_name": f"Report{m}.{r}", "staff_type": "teaching",
                        "email": f"r{m}.{r}@oak.example", "line_manager_id": manager["staff_id"]}
                       for r in range(REPORTS)]
        conn.execute(insert(metadata.tables["staff"]), people)
    return academy


def bench_round(label: str, database_url: str, tmp: Path, rounds: int) -> None:
    from sqlalchemy import func, select

    from run import wellbeing_config
    from staffroom_shared.auth import ensure_dev_keys, issue_dev_token
    from wellbeing import bootstrap
    from wellbeing.entrypoints.web import create_app

    private, public = ensure_dev_keys(tmp / "keys")
    issuer = "https://login.bench.example/"
    config = wellbeing_config(database_url, tmp / "data", jwt_public_key_file=str(public), jwt_issuer=issuer)
    harness.migrate(config, bootstrap)
    app = create_app(config)
    context = app.extensions["staffroom"]
    seed(context.engine, context.metadata)
    hr = {"Authorization": "Bearer " + issue_dev_token(private, staff_id=uuid.uuid4(), roles=["staff", "trust_hr"],
                                                       issuer=issuer)}
    client = app.test_client()
    invitations, outbox = context.metadata.tables["feedback_invitations"], context.metadata.tables["outbox"]

    def counts() -> tuple[int, int]:
        with context.engine.connect() as conn:
            return (conn.execute(select(func.count()).select_from(invitations)).scalar_one(),
                    conn.execute(select(func.count()).select_from(outbox)).scalar_one())

    harness.log(f"(k) {label}: {MANAGERS} managers x {REPORTS} direct reports; {rounds} upward rounds opened")
    seconds = []
    for r in range(rounds):
        before = counts()
        t0 = time.perf_counter()
        answer = client.post("/feedback/rounds", headers=hr, json={
            "title": f"Upward feedback {r + 1}", "closes_on": str(date.today() + timedelta(days=21))})
        seconds.append(time.perf_counter() - t0)
        after = counts()
        body = answer.get_json()
        if (answer.status_code != 201 or body["managers"] != MANAGERS or body["invited"] != MANAGERS * REPORTS
                or after[0] - before[0] != MANAGERS * REPORTS or after[1] - before[1] != MANAGERS * REPORTS):
            raise RuntimeError(f"(k) round {r + 1}: {answer.status_code} {body}; invitations {before[0]}->{after[0]},"
                               f" outbox {before[1]}->{after[1]}")
        harness.log(f"(k) {label} round {r + 1}: {seconds[-1]:.2f} s, {body['invited']} invited")
        # Untimed: the next round asks the same people, which is refused while this one is open (outsider, issue 24).
        closed = client.post(f"/feedback/rounds/{body['id']}/close", headers=hr)
        if closed.status_code != 200:
            raise RuntimeError(f"(k) closing round {r + 1}: {closed.status_code} {closed.get_json()}")
    context.engine.dispose()
    harness.add_time_row(f"(k) open an upward round for {MANAGERS * REPORTS:,} people, {label}", seconds, 10)


def run_part(tmp: Path, quick: bool) -> None:
    rounds = 2 if quick else 3
    bench_round("SQLite", f"sqlite:///{tmp / 'feedback-sqlite' / 'data' / 'wellbeing.db'}", tmp / "feedback-sqlite",
                rounds)
    with harness.pg_database("feedback") as url:
        bench_round("PostgreSQL", url, tmp / "feedback-pg", rounds)
