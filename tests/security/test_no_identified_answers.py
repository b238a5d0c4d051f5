"""No log line and no event carries a survey answer together with an identity (issue 8).

The suite runs as its own processes, the way it is deployed, and every byte they write is kept:

  * `staffroom run --no-seed`: every service's API under /api/<service>, the portal, each service's relay and
    consumer, notifications' email sender (writing .eml files) and the daily jobs, on SQLite and the embedded bus;
  * wellbeing's web process as its image runs it, `gunicorn -c deploy/gunicorn.conf.py` with STAFFROOM_SERVICE=wellbeing,
    on the same data folder, so gunicorn's error log and its JSON access log (query string included) are captured;

both at LOG_LEVEL=DEBUG (the most any deployment logs: the root logger's JSON handler with every library logger,
staffroom.access, gunicorn's own loggers), stdout and stderr each to a file. The embedded bus deletes a message
once it is acknowledged, so before anything starts a trigger is added to the bus's SQLite file that copies every
delivery into a table of its own: the scan sees every message the bus carried, not just what is left over.

The flow, all through HTTP: trust HR adds an academy and six colleagues in the directory; wellbeing and
notifications learn of them from the events. HR builds a run in wellbeing (eNPS, ONS4, the trust's core questions
with their free-text "what would you improve", and two of the trust's own questions, one rated, one free text) for
that academy and opens it. Each colleague takes their link from their invitation email, opens the
questionnaire, saves a draft and submits; each free-text answer holds a marker unique to that person and question
("zebra-<uuid>"), and everyone's rated answers differ. One colleague saves a draft, loses the link and gets a new
one through the portal (development sign-in, "Answer now"); another through the API. One submission is
refused (422) for an unknown question whose key is a marker, which the error echoes back; a used link is refused
(409). HR watches progress and closes the run; the first close meets a database failure as the comments are
written (a trigger makes the INSERT fail inside SQLite, as a statement does when PostgreSQL goes away
mid-transaction): HR gets 503, the error is logged, the ballots stay in the box, and closing again works (results
worked out, wellbeing.results_published sent). HR reads the comments, which must hold every marker. Once every outbox is sent, the bus has nothing left and the email is
written, both processes are stopped and everything is scanned.

What counts:

  identity  of each respondent: staff id (with and without dashes), email, full name, last name (made unique),
            staff code, their bearer token, and for every survey link they held the token and its SHA-256 (the
            only handle on an invitation, which has no id of its own beyond run and staff id).
  answer    a free-text marker; or the key of any question or measure of the run ("enps.recommend",
            "trust.improve", "custom.canteen", "ons.happiness", "enps", ...) as a whole word; or an `"answers":`
            object. A rated answer is a small number, and small numbers are everywhere (statuses, durations,
            counts), so a number on its own is not an answer: it becomes one beside the key of the question it
            answers, which is what is looked for. results_published's aggregated figures are answer content by
            this rule, so that event must name nobody.

What must hold:

  1. no marker appears in any log line, any event (every service's outbox, every message the bus carried, every
     dead letter), anything notifications stored or sent (inbox messages, email deliveries, reminders, the .eml
     files, decoded), or any table of any database but wellbeing's `comments`, which must hold each comment once;
  2. no survey link's token, nor its hash, appears in any log line or event, nor its token in anything notifications
     stored (its inbox says a link was emailed; the emails alone carry one);
  3. no log line and no event holds both an identity and answer content;
  4. nothing notifications stored or sent carries answer content.

It must be able to fail: one request to each process carries a planted correlation id made of a marker and a
respondent's staff id (both access logs record it), and a copy of the real results_published envelope with a
staff id added goes through the event check; the scanner must catch exactly those, which are then left out. It
must have seen something: the access-log lines of every submission (204, 503, 422 and 409) in both
staffroom.access and gunicorn.access, the logged database error, the invitations and the results on the bus, and
every link in the decoded emails. Before every service's engine hid bound parameters (staffroom_shared.db.make_engine),
the logged database error held the comments being written: SQLAlchemy puts a failed statement's values in its
message.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from staffroom.testing import free_port
from staffroom_shared.auth import issue_dev_token
from staffroom_shared.testing import wait_for

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVICES = ("directory", "appraisal", "cpd", "wellbeing", "targets", "notifications")
TODAY = date.today()
RESPONDENTS = 6  # one more than the minimum group of five, so the academy's results and comments are shown
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def serving(http: httpx.Client, process, url: str) -> bool:
    assert process.alive(), f"{url}: its process exited:\n{process.tail()}"
    try:
        return http.get(url).status_code == 200
    except httpx.TransportError:
        return False


# -- the processes ------------------------------------------------------------------------------------------

@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    out: Path
    err: Path

    def lines(self) -> list[tuple[str, str]]:
        """(where, line) for every line it wrote to stdout and stderr."""
        return [(f"{self.name} {path.suffix[1:]}", line) for path in (self.out, self.err)
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self) -> str:
        return self.err.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def environment(data: Path, public_url: str, **extra) -> dict:
    """The processes' environment: nothing inherited that points elsewhere (databases, bus, keys, SMTP)."""
    keep = {k: v for k, v in os.environ.items()
            if not (k.endswith(("DATABASE_URL", "BUS_URL", "SEAL_KEY")) or "SMTP" in k
                    or k.startswith(("JWT_", "GUNICORN_", "OIDC_", "STAFFROOM_", "PORTAL_", "LOG_LEVEL")))}
    return {**keep, "STAFFROOM_DATA_DIR": str(data), "STAFFROOM_ENV": "development", "LOG_LEVEL": "DEBUG",
            "PUBLIC_URL": public_url, "PYTHONUNBUFFERED": "1", **extra}


def start(name: str, argv: list[str], env: dict, logs: Path) -> Process:
    out, err = logs / f"{name}.stdout", logs / f"{name}.stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        popen = subprocess.Popen(argv, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                 start_new_session=True)
    return Process(name, popen, out, err)


TAP = """
CREATE TABLE carried (seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT, message_id TEXT, routing_key TEXT,
                      body BLOB, headers TEXT);
CREATE TRIGGER carried_tap AFTER INSERT ON deliveries BEGIN
    INSERT INTO carried (queue, message_id, routing_key, body, headers)
    VALUES (NEW.queue, NEW.message_id, NEW.routing_key, NEW.body, NEW.headers);
END;
"""


def tap_the_bus(bus_file: Path) -> None:
    """Keep a copy of every message the embedded bus delivers (it deletes each one once acknowledged): the bus's
    own tables made as it makes them, and a trigger copying each delivery into `carried`."""
    from staffroom_shared.bus.embedded import _SCHEMA

    with sqlite3.connect(bus_file) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        db.executescript(TAP)


@contextmanager
def fault_on_insert(database: Path, table: str):
    """While in the block, every INSERT into `table` fails inside the database with an OperationalError."""
    with sqlite3.connect(database, timeout=30) as db:
        db.execute(f"CREATE TRIGGER staffroom_fault BEFORE INSERT ON {table} BEGIN "  # noqa: S608 - our table name
                   "SELECT * FROM staffroom_fault_injected; END")
    try:
        yield
    finally:
        with sqlite3.connect(database, timeout=30) as db:
            db.execute("DROP TRIGGER staffroom_fault")


def query(path: Path, sql: str, *args) -> list[tuple]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def readable(eml: Path) -> str:
    """An email as its reader sees it: headers and every part, decoded (quoted-printable breaks lines)."""
    from email import message_from_bytes, policy

    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    parts = [f"{name}: {value}" for name, value in message.items()]
    parts += [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join(parts)


def tables(path: Path) -> list[str]:
    return [r[0] for r in query(path, "select name from sqlite_master where type = 'table'")]


# -- the people ---------------------------------------------------------------------------------------------

@dataclass
class Respondent:
    n: int
    staff: dict
    bearer: str = ""
    tokens: list[str] = field(default_factory=list)  # every link's token they held, the live one last
    markers: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        return self.tokens[-1]

    def identity(self) -> list[str]:
        s = self.staff
        return [s["id"], uuid.UUID(s["id"]).hex, s["email"], f"{s['first_name']} {s['last_name']}", s["last_name"],
                s["staff_code"], self.bearer, *self.tokens, *(hashlib.sha256(t.encode()).hexdigest() for t in self.tokens)]

    def answers(self) -> tuple[dict, dict]:
        """(a draft, the rest at submission): every rated question answered, different for each person, and a
        marker in each free-text answer."""
        n = self.n
        draft = {"enps.recommend": (3 + n) % 11, "ons.life_satisfaction": (9 - n) % 11, "ons.worthwhile": 10 - n,
                 "trust.improve": f"More planning time please {self.markers[0]}"}
        rest = {"ons.happiness": n + 2, "ons.anxiety": n, "trust.valued": 1 + n % 5, "trust.workload": 5 - n % 5,
                "trust.satisfied": 1 + (n + 2) % 5, "trust.intend_to_stay": 1 + (n + 3) % 5,
                "custom.canteen": 1 + (n + 1) % 5, "custom.anything_else": f"The car park floods {self.markers[1]}"}
        return draft, rest


class Scanner:
    """Finds, in any text, markers, link tokens, identities and answer content."""

    def __init__(self, respondents: list[Respondent], answer_keys: set[str], planted_marker: str):
        self.markers = {m for r in respondents for m in r.markers} | {planted_marker}
        self.tokens = {t for r in respondents for t in r.tokens}
        self.tokens |= {hashlib.sha256(t.encode()).hexdigest() for t in self.tokens}
        self.identities = {value: r.n for r in respondents for value in r.identity()}
        keys = sorted(answer_keys, key=len, reverse=True)
        self.answer = re.compile(r'(?<![\w.-])(' + "|".join(map(re.escape, keys)) + r')(?![\w-])|"answers"\s*:')
        self.marker = re.compile("|".join(map(re.escape, sorted(self.markers))))

    def markers_in(self, text: str) -> list[str]:
        return self.marker.findall(text)

    def tokens_in(self, text: str) -> list[str]:
        return [t for t in self.tokens if t in text]

    def who(self, text: str) -> set[int]:
        text = text.lower()
        return {n for value, n in self.identities.items() if value and value.lower() in text}

    def answer_content(self, text: str) -> list[str]:
        return [m.group(0) for m in self.answer.finditer(text)] + self.markers_in(text)

    def identified_answer(self, text: str) -> str | None:
        """What is wrong with this text if it names a respondent and carries answer content, else None."""
        people, content = self.who(text), self.answer_content(text)
        if people and content:
            return f"names respondent(s) {sorted(people)} beside answer content {content[:5]}"
        return None


# -- the test -----------------------------------------------------------------------------------------------

def test_no_log_line_or_event_carries_an_answer_with_an_identity(tmp_path):
    data, logs = tmp_path / "data", tmp_path / "logs"
    data.mkdir()
    logs.mkdir()
    tap_the_bus(data / "bus.db")
    port, web_port = free_port(), free_port()
    base, wellbeing_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{web_port}"
    env = environment(data, base)
    processes = [start("staffroom-run", [str(BIN / "staffroom"), "run", "--no-seed", "--data-dir", str(data),
                                         "--port", str(port)], env, logs)]
    try:
        flow = run_the_survey(data, base, wellbeing_url, web_port, env, logs, processes)
    finally:
        for process in processes:
            process.stop()
    scan(data, processes, flow)


def run_the_survey(data: Path, base: str, wellbeing_url: str, web_port: int, env: dict, logs: Path,
                   processes: list[Process]) -> dict:
    """Drive the survey from the trust's first colleague to the published results; what the scan needs to know."""
    suite = processes[0]
    http = httpx.Client(timeout=30)

    wait_for(lambda: serving(http, suite, f"{base}/api/directory/readyz"), "staffroom run to serve", timeout=90)
    # Wellbeing's production web process, on the same data folder (migrated by the run).
    web = start("wellbeing-gunicorn", [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
                {**env, "STAFFROOM_SERVICE": "wellbeing", "GUNICORN_BIND": f"127.0.0.1:{web_port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4"},
                logs)
    processes.append(web)

    private = data / "dev-keys" / "private.pem"
    hr_id = str(uuid.uuid4())
    hr = {"Authorization": "Bearer " + issue_dev_token(private, staff_id=hr_id, roles=["staff", "trust_hr"],
                                                       academy_id=None)}

    def ok(response: httpx.Response, *expected: int):
        assert response.status_code in (expected or (200, 201)), \
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else None

    # -- the trust: an academy and six colleagues, in the directory
    tag = uuid.uuid4().hex[:8]
    academy = ok(http.post(f"{base}/api/directory/academies", headers=hr, json={
        "name": f"Zanzibar Academy {tag}", "urn": f"{uuid.uuid4().int % 900000 + 100000}", "phase": "secondary"}))
    respondents = []
    for n in range(RESPONDENTS):
        letters = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])
        first, last = f"Quill{letters[:4]}", f"Marrow{letters[4:]}"
        person = ok(http.post(f"{base}/api/directory/staff", headers=hr, json={
            "staff_code": f"ZB{n}{letters}", "academy_id": academy["id"], "first_name": first.title(),
            "last_name": last.title(), "email": f"{first}.{last}@zanzibar.example", "staff_type": "teaching",
            "post": "Teacher of Geography", "fte": "1.00", "start_date": "2019-09-01"}))
        r = Respondent(n, person, markers=[f"zebra-{uuid.uuid4()}", f"zebra-{uuid.uuid4()}"])
        r.bearer = issue_dev_token(private, staff_id=person["id"], roles=["staff"], academy_id=academy["id"])
        respondents.append(r)
    for service in ("wellbeing", "notifications"):
        wait_for(lambda: query(data / f"{service}.db", "select count(*) from staff")[0][0] == RESPONDENTS,
                 f"{service}'s copy of the six colleagues")

    wait_for(lambda: serving(http, web, f"{wellbeing_url}/healthz"), "wellbeing's gunicorn to serve", timeout=60)

    # -- HR builds the run and opens it (through the production web process)
    run = ok(http.post(f"{wellbeing_url}/runs", headers=hr, json={
        "title": "Zanzibar pulse survey", "instruments": ["enps", "ons4", "trust_core"],
        "questions": [{"key": "canteen", "text": "The canteen food is good", "scale": "agreement5"},
                      {"key": "anything_else", "text": "Anything else you would like to tell us?", "scale": "text"}],
        "academy_ids": [academy["id"]], "opens_on": str(TODAY), "closes_on": str(TODAY + timedelta(days=14))}), 201)
    opened = ok(http.post(f"{wellbeing_url}/runs/{run['id']}/schedule", headers=hr))
    assert opened["status"] == "open" and opened["invited"] == RESPONDENTS, opened
    instrument = ok(http.get(f"{wellbeing_url}/instruments", headers=hr))

    # -- each person's link, from their invitation email (the only place it is kept: the inbox says it was emailed)
    def link_of(r: Respondent):
        for eml in sorted((data / "mail").glob("*.eml")):
            text = readable(eml)
            if f"To: {r.staff['email']}".lower() in text.lower() and "#token=" in text:
                return text.split("#token=")[1].split()[0].split('"')[0]
        return None

    for r in respondents:
        r.tokens.append(wait_for(lambda: link_of(r), f"respondent {r.n}'s invitation"))

    # A planted leak, through each process's own logging path: a correlation id holding a marker and a staff id.
    planted_marker = f"zebra-{uuid.uuid4()}"
    planted = f"planted-{planted_marker}-{respondents[0].staff['id']}"
    ok(http.get(f"{wellbeing_url}/runs/{run['id']}", headers={**hr, "X-Correlation-ID": planted}))
    ok(http.get(f"{base}/api/wellbeing/runs/{run['id']}", headers={**hr, "X-Correlation-ID": planted}))

    browser = "b" * 43  # the key the respondents' browser keeps for what it saves

    def survey(method: str, path: str, token: str, answers: dict | None = None) -> httpx.Response:
        return http.request(method, f"{wellbeing_url}/survey{path}", headers={"X-Survey-Token": token,
                                                                               "X-Draft-Key": browser},
                            json=None if answers is None else {"answers": answers})

    # -- respondent 0 saves a draft, loses the link, and gets a new one in the portal
    r0 = respondents[0]
    ok(survey("GET", "", r0.token))
    ok(survey("PUT", "/answers", r0.token, r0.answers()[0]), 204)
    portal = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = portal.get("/sign-in", params={"q": r0.staff["last_name"]}).text  # the development sign-in: find them
    signed_in = portal.post("/sign-in/dev", data={"staff_id": r0.staff["id"], "role": "staff",
                                                   "csrf_token": CSRF.search(form).group(1)})
    assert signed_in.status_code == 302, signed_in.text[:500]
    page = portal.get("/surveys")
    assert page.status_code == 200 and "Answer now" in page.text, page.text[:500]
    lost = portal.post(f"/surveys/{run['id']}/link", data={"csrf_token": CSRF.search(page.text).group(1)})
    assert lost.status_code in (302, 303) and "#token=" in lost.headers["Location"], (lost.status_code, lost.text[:300])
    r0.tokens.append(lost.headers["Location"].split("#token=")[1])
    assert survey("GET", "", r0.tokens[0]).status_code == 404  # the old link stopped working
    assert ok(survey("GET", "", r0.token))["saved"] == {}  # and took its draft with it
    portal.close()

    # -- respondent 1 loses theirs and asks the API for a new one
    r1 = respondents[1]
    new = ok(http.post(f"{wellbeing_url}/runs/{run['id']}/link", headers={"Authorization": f"Bearer {r1.bearer}"}), 201)
    r1.tokens.append(new["link"].split("#token=")[1])

    # -- everybody answers: the questionnaire, a draft, then the submission
    echoed = f"zebra-{uuid.uuid4()}"
    for r in respondents:
        draft, rest = r.answers()
        questionnaire = ok(survey("GET", "", r.token))
        assert questionnaire["title"] == "Zanzibar pulse survey"
        ok(survey("PUT", "/answers", r.token, draft), 204)  # nothing comes back: no size follows the answers
        assert ok(survey("GET", "", r.token))["saved"] == draft
        if r.n == 2:  # bad input: an unknown question (named by a marker) and an answer off the scale
            refused = survey("POST", "/submission", r.token, {echoed: 3, "enps.recommend": 11})
            assert refused.status_code == 422, refused.text
            assert echoed in refused.text and "#/answers/enps.recommend" in refused.text  # the error echoes it
            r.markers.append(echoed)
        ok(survey("POST", "/submission", r.token, rest), 204)
        assert survey("POST", "/submission", r.token, rest).status_code == 409  # a link works once

    # -- every email sent before the close: the scan below reads every link each respondent held in the emails
    wait_for(lambda: query(data / "notifications.db", "select count(*) from deliveries where status in "
                                                      "('pending', 'held')")[0][0] == 0,
             "the new links' emails sent", timeout=45)

    # -- HR: progress, then close; the comments are there for HR to read
    progress = ok(http.get(f"{wellbeing_url}/runs/{run['id']}/progress", headers=hr))
    assert progress[0]["responded"] == RESPONDENTS, progress
    # The close opens the box and writes every answer: the database fails while it writes the comments (a
    # statement failing mid-transaction, as when PostgreSQL goes away). Nothing is lost: the box stays as it was.
    with fault_on_insert(data / "wellbeing.db", "comments"):
        assert http.post(f"{wellbeing_url}/runs/{run['id']}/close", headers=hr).status_code == 503
    assert query(data / "wellbeing.db", "select count(*) from ballots")[0][0] == RESPONDENTS
    closed = ok(http.post(f"{wellbeing_url}/runs/{run['id']}/close", headers=hr))
    assert closed["status"] == "closed"
    comments = json.dumps(ok(http.get(f"{wellbeing_url}/runs/{run['id']}/comments", headers=hr)))
    written = [m for r in respondents for m in r.markers[:2]]
    assert all(m in comments for m in written), "the comments HR reads lack some of what was written"
    report = ok(http.get(f"{wellbeing_url}/runs/{run['id']}/report", headers=hr, params={"cut": "academy"}))
    assert report, report

    # -- until everything has gone where it goes: every outbox sent, the bus empty, the email written
    def settled():
        unsent = sum(query(data / f"{s}.db", "select count(*) from outbox where sent_at is null")[0][0]
                     for s in SERVICES)
        waiting = query(data / "bus.db", "select count(*) from deliveries")[0][0]
        published = query(data / "bus.db", "select count(*) from carried where routing_key = ?",
                          "wellbeing.results_published")[0][0]
        pending = query(data / "notifications.db",
                        "select count(*) from deliveries where status in ('pending', 'held')")[0][0]
        return unsent == 0 and waiting == 0 and published >= 1 and pending == 0

    wait_for(settled, "every event delivered and every email written", timeout=45)
    time.sleep(1.5)  # the sender's and consumers' last log lines

    asked = [i for i in instrument if i["key"] in run["instruments"]]
    answer_keys = {f"custom.{q['key']}" for q in run["questions"]}  # each custom question is its own measure too
    answer_keys |= {item["key"] for i in asked for item in i["items"]} | {m["key"] for i in asked for m in i["measures"]}
    http.close()
    return {"respondents": respondents, "planted": planted, "planted_marker": planted_marker,
            "answer_keys": answer_keys, "submissions": RESPONDENTS}


def scan(data: Path, processes: list[Process], flow: dict) -> None:
    respondents: list[Respondent] = flow["respondents"]
    scanner = Scanner(respondents, flow["answer_keys"], flow["planted_marker"])
    problems: list[str] = []

    # (a) every line either process wrote
    lines = [(where, line) for p in processes for where, line in p.lines()]
    planted = [(where, line) for where, line in lines if flow["planted"] in line]
    for _, line in planted:  # the scanner catches the planted leak...
        assert scanner.markers_in(line) and scanner.identified_answer(line), f"missed the planted leak: {line}"
    planted_in = {where.split()[0] for where, _ in planted}
    assert planted_in == {"staffroom-run", "wellbeing-gunicorn"}, planted
    assert any('"gunicorn.access"' in line for _, line in planted), "gunicorn's access log not captured"
    lines = [(where, line) for where, line in lines if flow["planted"] not in line]  # ...and leaves it out
    for where, line in lines:
        if scanner.markers_in(line):
            problems.append(f"log [{where}] holds a free-text answer: {line[:400]}")
        if scanner.tokens_in(line):
            problems.append(f"log [{where}] holds a survey link's token or its hash: {line[:400]}")
        wrong = scanner.identified_answer(line)
        if wrong:
            problems.append(f"log [{where}] {wrong}: {line[:400]}")

    # the capture saw the flow: each submission's access-log line. Under gunicorn that is gunicorn's line alone, with
    # the correlation id the app answered with; the app writes its own only where gunicorn does not serve it (here
    # the one-command run, under waitress)
    submissions = flow["submissions"]
    served = [json.loads(line) for where, line in lines
              if where.startswith("wellbeing-gunicorn") and line.startswith('{"logger": "gunicorn.access"')]
    assert served and all(x["service"] == "wellbeing" and x["correlation_id"] not in ("", "-") for x in served)
    assert not [line for where, line in lines if where.startswith("wellbeing-gunicorn") and '"staffroom.access"' in line]
    statuses = sorted(int(x["status"]) for x in served if x["path"] == "/survey/submission")
    assert statuses.count(204) == submissions, statuses
    assert 422 in statuses and 409 in statuses, statuses
    # no response's size follows the answers: access logs record it (issue 19's third outsider tied comments to
    # people by the sizes of saves, which echoed them, and of the questionnaire, which carries the draft)
    sizes = {}
    for line in (json.loads(line) for _, line in lines if line.startswith('{"logger": "gunicorn.access"')):
        if line["path"] in ("/survey", "/survey/answers") and line["status"] in (200, 204):
            sizes.setdefault((line["method"], line["path"]), set()).add(line["bytes"])
    assert set(sizes) == {("GET", "/survey"), ("PUT", "/survey/answers")} and all(
        len(found) == 1 for found in sizes.values()), sizes
    closes = sorted(int(x["status"]) for x in served if x["path"].endswith("/close"))
    assert closes == [200, 503], closes
    fault = [line for where, line in lines if "database unavailable" in line and "INSERT INTO comments" in line]
    assert fault, "the database fault during the close was not logged"
    assert sum(1 for where, line in lines if where.startswith("staffroom-run") and '"staffroom.access"' in line
               ) >= 10, "too few of the one-command run's access-log lines captured"
    print(f"scanned {len(lines)} log lines", end="; ")

    # (b) every event: each service's outbox and every message the bus carried (and any dead letter)
    events: list[tuple[str, str]] = []
    for service in SERVICES:
        for event_type, envelope in query(data / f"{service}.db", "select event_type, envelope from outbox"):
            events.append((f"{service} outbox {event_type}", envelope if isinstance(envelope, str) else str(envelope)))
    for queue, key, body in query(data / "bus.db", "select queue, routing_key, body from carried"):
        events.append((f"bus -> {queue} {key}", bytes(body).decode() if isinstance(body, bytes) else body))
    for queue, key, body in query(data / "bus.db", "select queue, routing_key, body from dead_letters"):
        events.append((f"bus dead letter {queue} {key}", bytes(body).decode() if isinstance(body, bytes) else body))
    kinds = {where.split()[-1] for where, _ in events}
    assert {"staff.joined", "wellbeing.survey_opened", "wellbeing.invitation_issued", "wellbeing.survey_closed",
            "wellbeing.results_published"} <= kinds, kinds
    published = [body for where, body in events if where.endswith("wellbeing.results_published")]
    assert len(published) >= 2  # in wellbeing's outbox, and as carried to targets
    shown = json.loads(published[0])
    assert any(g["responses"] == RESPONDENTS for g in shown["payload"]["groups"]), shown  # the figures are in it
    assert scanner.answer_content(published[0]), "results_published should count as answer content"
    # the event check catches a planted leak: the real results_published, naming a respondent
    leaked = dict(shown, payload=dict(shown["payload"], staff_id=respondents[3].staff["id"]))
    assert scanner.identified_answer(json.dumps(leaked)), "the event check missed the planted leak"
    print(f"{len(events)} events", end="; ")
    for where, body in events:
        if scanner.markers_in(body):
            problems.append(f"event [{where}] holds a free-text answer: {body[:400]}")
        if scanner.tokens_in(body):
            problems.append(f"event [{where}] holds a survey link's token or its hash: {body[:400]}")
        wrong = scanner.identified_answer(body)
        if wrong:
            problems.append(f"event [{where}] {wrong}: {body[:400]}")

    # (c) what notifications stored and sent: inbox messages, email deliveries, the .eml files
    notifications = data / "notifications.db"
    stored = [(f"notifications {table}", json.dumps(row, default=str))
              for table in ("messages", "deliveries", "reminders")
              for row in query(notifications, f"select * from {table}")]  # noqa: S608 - our own table names
    emails = [(f"email {path.name}", readable(path)) for path in sorted((data / "mail").glob("*.eml"))]
    every_token = {t for r in respondents for t in r.tokens}
    assert {t for _, text in emails for t in scanner.tokens_in(text)} >= every_token, "emails not read right"
    stored += emails
    invitations = [text for where, text in stored if where.startswith("email") and "#token=" in text]
    assert len(invitations) == RESPONDENTS + 2, len(invitations)  # six invitations and two new links
    print(f"{len(stored)} stored messages, deliveries and emails")
    for where, text in stored:
        if not where.startswith("email") and scanner.tokens_in(text):  # only the email itself carries the link
            problems.append(f"[{where}] holds a survey link's token: {text[:400]}")
        content = scanner.answer_content(text)
        if content:
            problems.append(f"[{where}] carries answer content {content[:5]}: {text[:400]}")

    # (d) markers kept only where the comments are: no other table of any service's database holds one
    kept = 0
    for path in [data / f"{s}.db" for s in SERVICES] + [data / "bus.db"]:
        for table in tables(path):
            for row in query(path, f'select * from "{table}"'):  # noqa: S608 - the database's own table names
                text = " ".join(bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v)
                                for v in row)
                found = scanner.markers_in(text)
                if found and (path.stem, table) == ("wellbeing", "comments"):
                    kept += len(found)
                elif found:
                    problems.append(f"{path.name} table {table} holds a free-text answer: {text[:300]}")
    assert kept == 2 * RESPONDENTS, f"wellbeing's comments hold {kept} of the {2 * RESPONDENTS} written answers"

    assert not problems, "answers and identities meet:\n" + "\n".join(problems[:40])
