"""(g) and (h) wellbeing: the data, the WSGI apps and the HTTP client for bench/run.py's wellbeing parts.

Run by `.venv/bin/python bench/run.py --only g,h`. This module is:
- the seed for (g) (`seed_trust`): a trust of 10,000 staff in 10 academies and N open survey runs of 10,000
  submissions each (every instrument), written straight into wellbeing's tables with PostgreSQL COPY: every
  invitation answered, and for each a ballot in the box, sealed by `wellbeing.service.respond.seal_ballot` with
  the run's SEAL_KEY exactly as a submission seals it. Each ballot's answers are one of ANSWER_PATTERNS
  complete-ish sets (varied per item, a few with skipped questions), scored by
  `wellbeing.domain.scoring.score`; its group (academy, staff type, length-of-service band) is a real member
  of staff's. Closing a run (timed in bench/run.py) opens the box, works out the results and destroys it.
  For (h), `open_run` makes an open run with one invitation (and a known single-use token) per person.
- the WSGI apps gunicorn serves for (g) and (h): `wellbeing_app()` (the real service, production config
  from the environment) and `bare_insert_app()` (the floor for (h): one INSERT of a small `ballots` row per
  POST). (g)'s floor is bench/wsgi_apps.py:bare_app on the `runs` table.
- the HTTP client, run as its own process: `python bench/wellbeing_seed.py client <spec.json> <out.json>`,
  either sequential (one keep-alive connection, GETs one after another, each request's latency) or
  at once (one thread and connection per request, all connected before a barrier, then every request sent
  together; each answer's status and latency).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ALL_INSTRUMENTS = ["hse_indicator", "swemwbs", "ons4", "enps", "trust_core"]
ACADEMIES, PER_ACADEMY = 10, 1000          # 10,000 staff
ANSWER_PATTERNS = 50
COPY_BATCH = 2000                          # ballots per COPY write


# -- the apps gunicorn serves ----------------------------------------------------------------------

def wellbeing_app():
    from staffroom_shared.config import ServiceConfig
    from wellbeing.entrypoints.web import create_app

    # ServiceConfig.from_env reads DATABASE_URL, BUS_URL, JWT_*, STAFFROOM_ENV, LOG_LEVEL...
    return create_app(ServiceConfig.from_env("wellbeing"))


def bare_insert_app():
    """Flask + SQLAlchemy (same pool size), one INSERT of a `ballots` row (16 bytes) per POST /ballots; no token,
    no lookup, no scoring, no sealing, no padding."""
    from flask import Flask, jsonify, request
    from sqlalchemy import MetaData, Table, create_engine, insert

    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=5, max_overflow=10)
    table = Table("ballots", MetaData(), autoload_with=engine)
    app = Flask("bare")

    @app.post("/ballots")
    def post_ballot():
        body = request.get_json()
        with engine.begin() as conn:
            conn.execute(insert(table).values(id=uuid.uuid4(), run_id=uuid.UUID(body["run_id"]), sealed=os.urandom(16)))
        return "", 204

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


# -- the trust, the answers and the runs --------------------------------------------------------------

def questionnaire():
    from wellbeing.domain.instruments import INSTRUMENTS, Questionnaire

    return Questionnaire([INSTRUMENTS[k] for k in ALL_INSTRUMENTS])


def staff_rows(academy_ids: list[uuid.UUID], per_academy: int, seed: int = 11) -> list[dict]:
    """Rows for wellbeing's `staff` copy: per academy ~68% teaching, ~30% support, 3 leadership; start dates
    spread over 25 years, so all four length-of-service bands are well filled."""
    rng = random.Random(seed)
    rows, n = [], 0
    for academy_id in academy_ids:
        for i in range(per_academy):
            n += 1
            kind = "leadership" if i < 3 else ("teaching" if rng.random() < 0.7 else "support")
            rows.append({"staff_id": uuid.UUID(int=rng.getrandbits(128), version=4), "academy_id": academy_id,
                         "first_name": "Sam", "last_name": f"Teacher-{n}", "email": f"sam.teacher.{n}@oaktrust.example",
                         "staff_type": kind, "start_date": date(2000, 9, 1) + timedelta(days=rng.randint(0, 365 * 25)),
                         "leaving_date": None, "snapshot_at": None})
    return rows


def answer_patterns(count: int = ANSWER_PATTERNS, seed: int = 5) -> list[dict]:
    """`count` sets of answers to every rated question, from gloomy (pattern 0) to glowing (the last): each item
    around the pattern's level with noise; every fifth pattern skips one or two questions (so some measures
    are missing for it, as in real data). Text questions are left out (the report does not read comments)."""
    rng = random.Random(seed)
    form = questionnaire()
    from wellbeing.domain.instruments import SCALES

    patterns = []
    for p in range(count):
        mood = p / max(count - 1, 1)  # 0..1
        answers = {}
        for key, item in form.items.items():
            scale = SCALES[item.scale]
            if scale.is_text:
                continue
            lo, hi = scale.minimum, scale.maximum
            good = lo + mood * (hi - lo) + rng.gauss(0, (hi - lo) / 6)
            good = min(hi, max(lo, round(good)))
            answers[key] = (lo + hi - good) if item.reverse or key == "ons.anxiety" else good
        if p % 5 == 4:
            for key in rng.sample([k for k in answers if k.startswith(("hse.", "swemwbs."))], 1 + p % 2):
                del answers[key]
        patterns.append(answers)
    return patterns


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def run_dates(index: int, count: int, today: date) -> tuple[date, date]:
    """Termly runs, the newest closing last week: (opens_on, closes_on) of run `index` of `count`."""
    closes = today - timedelta(days=7 + 120 * (count - 1 - index))
    return closes - timedelta(days=21), closes


def seed_trust(sa_url: str, runs_count: int, per_run: int, key: bytes, log=print) -> dict:
    """Academies, staff and `runs_count` OPEN runs of `per_run` submissions each: every invitation answered and
    its ballot in the box, sealed with `key` (COPY). Returns what it made."""
    import psycopg
    from sqlalchemy import create_engine, insert

    from wellbeing.adapters.orm import academies, runs, staff
    from wellbeing.adapters.sealed import capacity
    from wellbeing.domain.model import RunStatus, service_band
    from wellbeing.domain.scoring import score
    from wellbeing.service.respond import seal_ballot

    today = date.today()
    academy_ids = [uuid.UUID(int=i + 1, version=4) for i in range(ACADEMIES)]
    people = staff_rows(academy_ids, PER_ACADEMY)
    form = questionnaire()
    scored = [score(form, answers) for answers in answer_patterns()]
    size = capacity(form)
    engine = create_engine(sa_url)
    run_ids = []
    with engine.begin() as conn:
        conn.execute(insert(academies), [{"academy_id": a, "name": f"Bench Academy {i}"}
                                        for i, a in enumerate(academy_ids)])
        conn.execute(insert(staff), people)
        for r in range(runs_count):
            opens_on, closes_on = run_dates(r, runs_count, today)
            run_id = uuid.uuid4()
            run_ids.append(run_id)
            conn.execute(insert(runs).values(
                id=run_id, title=f"Staff survey {closes_on:%B %Y}", instruments=ALL_INSTRUMENTS, questions=[],
                academy_ids=[], staff_types=[], opens_on=opens_on, closes_on=closes_on, min_group_size=5,
                outcome="enps", owner_academy_id=None, created_by="bench-trust-hr", status=RunStatus.OPEN,
                invited=len(people), reminded_on=None))
    engine.dispose()

    rows = {"invitations": 0, "ballots": 0}
    dsn = sa_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn:
        for r, run_id in enumerate(run_ids):
            opens_on, _ = run_dates(r, runs_count, today)
            rng = random.Random(1000 + r)
            # Later runs lean a little happier, so the trend moves: pattern ~ Beta(2 + r/3, 3).
            chosen = [min(ANSWER_PATTERNS - 1, int(rng.betavariate(2 + r / 3, 3) * ANSWER_PATTERNS))
                      for _ in range(per_run)]
            for start in range(0, per_run, COPY_BATCH):
                invited, boxes = io.StringIO(), []
                for j in range(start, min(per_run, start + COPY_BATCH)):
                    person = people[j % len(people)]
                    band = service_band(person["start_date"], opens_on)
                    group = type("Group", (), {"academy_id": person["academy_id"], "staff_type": person["staff_type"],
                                               "service_band": band})
                    # The invitation (answered; a token hash nobody holds) and, apart from it, the ballot.
                    invited.write(f"{run_id}\t{person['staff_id']}\t{hashlib.sha256(os.urandom(16)).hexdigest()}"
                                  f"\t{person['academy_id']}\t{person['staff_type']}\t{band}\tsubmitted\n")
                    boxes.append((uuid.uuid4(), run_id, seal_ballot(key, run_id, group, scored[chosen[j]], size)))
                    rows["invitations"] += 1
                    rows["ballots"] += 1
                with conn.cursor() as cur:
                    with cur.copy("COPY invitations (run_id, staff_id, token_hash, academy_id, staff_type, service_band,"
                                  " status) FROM STDIN") as cp:
                        cp.write(invited.getvalue())
                    with cur.copy("COPY ballots (id, run_id, sealed) FROM STDIN (FORMAT BINARY)") as cp:
                        cp.set_types(["uuid", "uuid", "bytea"])
                        for box in boxes:
                            cp.write_row(box)
            conn.commit()
        conn.autocommit = True
        for table in rows:
            conn.execute(f"VACUUM ANALYZE {table}")  # what autovacuum would do a minute after a load this size
        found = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in rows}  # noqa: S608 - our table names
    if found != rows:
        raise RuntimeError(f"seed: wrote {rows}, the tables hold {found}")
    log(f"seeded {rows['invitations']:,} invitations (answered) and {rows['ballots']:,} sealed ballots of "
        f"{size:,} bytes each by COPY")
    return {"academy_ids": academy_ids, "people": people, "run_ids": run_ids, "rows": rows}


def seed_wordy_run(sa_url: str, people: list[dict], key: bytes, written: int, comment_chars: int) -> tuple[uuid.UUID, int]:
    """(g) memory: an OPEN run of every instrument plus `written` written questions, one ballot per person, each
    answering every rated question and three written ones with `comment_chars` characters, sealed as a submission
    seals them (so each is padded to the run's capacity: every written question at full length). Returns the run
    id and the box's size in bytes."""
    from sqlalchemy import create_engine, insert

    from wellbeing.adapters.orm import ballots, runs
    from wellbeing.adapters.sealed import capacity
    from wellbeing.domain.instruments import INSTRUMENTS, Questionnaire, custom_instrument
    from wellbeing.domain.model import RunStatus, service_band
    from wellbeing.domain.scoring import score
    from wellbeing.service.respond import seal_ballot

    today = date.today()
    questions = [{"key": f"w{i}", "text": f"Written question {i}", "scale": "text"} for i in range(written)]
    form = Questionnaire([*(INSTRUMENTS[k] for k in ALL_INSTRUMENTS), custom_instrument(questions)])
    size = capacity(form)
    rng = random.Random(7)
    run_id = uuid.uuid4()
    boxes = []
    for n, person in enumerate(people):
        answers = {**answer_patterns()[n % ANSWER_PATTERNS]}
        for i in rng.sample(range(written), 3):
            answers[f"custom.w{i}"] = "".join(rng.choice("abcdefgh ") for _ in range(comment_chars)).strip() or "ok"
        group = type("Group", (), {"academy_id": person["academy_id"], "staff_type": person["staff_type"],
                                   "service_band": service_band(person["start_date"], today)})
        boxes.append({"id": uuid.uuid4(), "run_id": run_id, "sealed": seal_ballot(key, run_id, group,
                                                                                  score(form, answers), size)})
    engine = create_engine(sa_url)
    with engine.begin() as conn:
        conn.execute(insert(runs).values(
            id=run_id, title="Wordy survey", instruments=ALL_INSTRUMENTS, questions=questions, academy_ids=[],
            staff_types=[], opens_on=today - timedelta(days=7), closes_on=today + timedelta(days=7), min_group_size=5,
            outcome="enps", owner_academy_id=None, created_by="bench-trust-hr", status=RunStatus.OPEN,
            invited=len(people), reminded_on=None))
        conn.execute(insert(ballots), boxes)
    engine.dispose()
    return run_id, sum(len(b["sealed"]) for b in boxes)


def seed_staff(engine, per_academy: int) -> list[dict]:
    """(h): the academies and a staff copy of ACADEMIES x per_academy people."""
    from sqlalchemy import insert

    from wellbeing.adapters.orm import academies, staff

    academy_ids = [uuid.UUID(int=i + 1, version=4) for i in range(ACADEMIES)]
    people = staff_rows(academy_ids, per_academy)
    with engine.begin() as conn:
        conn.execute(insert(academies), [{"academy_id": a, "name": f"Bench Academy {i}"}
                                        for i, a in enumerate(academy_ids)])
        conn.execute(insert(staff), people)
    return people


def open_run(engine, people: list[dict], title: str) -> tuple[uuid.UUID, list[tuple[str, dict]]]:
    """(h): an OPEN trust-wide run (every instrument, closing in two weeks) with one invitation per person,
    each with a single-use token made as `wellbeing.service.respond.new_token` makes them (we keep the token,
    as the respondent's link would). Returns the run id and [(token, person)]."""
    from sqlalchemy import insert

    from wellbeing.adapters.orm import invitations, runs
    from wellbeing.domain.model import InvitationStatus, RunStatus, service_band
    from wellbeing.service.respond import new_token

    today = date.today()
    opens_on = today - timedelta(days=1)
    run_id = uuid.uuid4()
    links = []
    rows = []
    for person in people:
        token, hashed = new_token()
        links.append((token, person))
        rows.append({"run_id": run_id, "staff_id": person["staff_id"], "token_hash": hashed,
                     "academy_id": person["academy_id"], "staff_type": person["staff_type"],
                     "service_band": service_band(person["start_date"], opens_on), "status": InvitationStatus.INVITED})
    with engine.begin() as conn:
        conn.execute(insert(runs).values(
            id=run_id, title=title, instruments=ALL_INSTRUMENTS, questions=[], academy_ids=[], staff_types=[],
            opens_on=opens_on, closes_on=today + timedelta(days=14), min_group_size=5, outcome="enps",
            owner_academy_id=None, created_by="bench-trust-hr", status=RunStatus.OPEN, invited=len(people),
            reminded_on=None))
        conn.execute(insert(invitations), rows)
    return run_id, links


def submission_answers(i: int, patterns: list[dict]) -> dict:
    """Person i's final answers: a pattern, plus a comment from every fourth person."""
    answers = dict(patterns[i % len(patterns)])
    if i % 4 == 0:
        answers["trust.improve"] = f"Fewer meetings after school, please ({i})"
    return answers


# -- the HTTP client (its own process) --------------------------------------------------------------

def client_main(spec_file: str, out_file: str) -> None:
    """spec: {"port", "mode": "sequential" | "at_once", "requests": [{"method", "path", "headers", "body"}]}.
    Writes {"seconds", "results": [{"code", "ms", "body"?}]} (body kept for non-2xx and when "keep_body")."""
    import http.client

    spec = json.loads(Path(spec_file).read_text())
    port, reqs = spec["port"], spec["requests"]
    results: list = [None] * len(reqs)

    def connect():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        c.connect()
        return c

    def send(conn, i):
        r = reqs[i]
        body = json.dumps(r["body"]) if r.get("body") is not None else None
        headers = dict(r.get("headers") or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            conn.request(r.get("method", "GET"), r["path"], body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            ms = (time.perf_counter() - t0) * 1000
            out = {"code": response.status, "ms": ms}
            if response.status >= 300 or spec.get("keep_body"):
                out["body"] = data.decode(errors="replace")[: None if spec.get("keep_body") else 500]
            results[i] = out
            return response.will_close
        except (OSError, http.client.HTTPException) as exc:
            results[i] = {"code": None, "ms": (time.perf_counter() - t0) * 1000, "error": repr(exc)}
            return True

    if spec["mode"] == "sequential":
        conn = connect()
        t0 = time.perf_counter()
        for i in range(len(reqs)):
            if send(conn, i):
                conn.close()
                conn = connect()
        seconds = time.perf_counter() - t0
        conn.close()
    else:
        start = threading.Barrier(len(reqs) + 1)

        def worker(i):
            conn = connect()
            start.wait()
            send(conn, i)
            conn.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(reqs))]
        for t in threads:
            t.start()
        start.wait()  # every connection is open before the clock starts
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - t0
    Path(out_file).write_text(json.dumps({"seconds": seconds, "results": results}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "client":
        client_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python bench/wellbeing_seed.py client <spec.json> <out.json>  (run the measures with "
                 "bench/run.py --only g,h)")
