"""No store of ours holds a survey link that works (issue 19, finding 2), played by someone who holds the stores.

Every service in one process, as tests/test_trust_journey.py runs them: on SQLite and the embedded bus, and on
PostgreSQL and RabbitMQ, with a real SMTP server (aiosmtpd) and notifications' key pair given as production gives
it (the public half to wellbeing, the private half to notifications). Before anything happens a tap queue is bound
to wellbeing.invitation_issued, so what the bus carried can be read afterwards, and every log record at DEBUG is
kept. Four colleagues: Tom takes emails at once, Lily a daily digest, Sam has survey emails off, and Priya forges
an invitation for herself carrying Tom's sealed link, taken from the queue.

HR opens a survey. Then, with the tokens in hand (opened from the tap with notifications' key, as only notifications
can), the raw bytes of every store are searched for each token: the data folder's files (SQLite databases and
their -wal, the embedded bus) or PostgreSQL's tables and its write-ahead log, and RabbitMQ's queued messages and
its on-disk quorum log; and every log record. Where the search looks, the sealed links are found (it can see),
and no token is. The emails the SMTP server received carry the working links; notifications' tables hold no
sealed link once they are sent; a sealed link from the outbox or the queue opens with no other key, for no other
person or run, and Tom's link replayed into Priya's invitation reaches her email as no link at all.
"""
from __future__ import annotations

import json
import logging
import re
import subprocess
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest

from staffroom.cli import Suite, _web
from staffroom.testing import smtp_server
from staffroom_shared.auth import issue_dev_token
from staffroom_shared.contracts.wellbeing import survey_link_context
from staffroom_shared.sealing import Unopenable, new_key_pair, private_key, unseal
from staffroom_shared.testing import PG_ADMIN_URL, postgres_database, rabbit_vhost, wait_for

TAP = "tap-invitations"
LINK = re.compile(r"/surveys/respond#token=([A-Za-z0-9_-]+)")


@pytest.fixture
def mailbox():
    with smtp_server() as server:
        yield server


@contextmanager
def every_log_record():
    """Every record our processes' loggers make, at DEBUG, with its message and arguments as the JSON log would
    carry them. Not aiosmtpd's (`mail.log`): it is the mail server, which is meant to receive the links."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            if not record.name.startswith("mail.log"):
                records.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")

    root, handler = logging.getLogger(), Keep(logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def backend(request, tmp_path, mailbox):
    private, public = new_key_pair()
    environ = {"LOG_LEVEL": "DEBUG", "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
               "NOTIFICATIONS_SMTP_PORT": str(mailbox.port), "NOTIFICATIONS_SMTP_SECURITY": "none",
               "WELLBEING_SURVEY_LINK_PUBLIC_KEY": public, "NOTIFICATIONS_SURVEY_LINK_PRIVATE_KEY": private}
    databases = {}
    with ExitStack() as stack:
        if request.param == "rabbitmq":
            environ["BUS_URL"] = stack.enter_context(rabbit_vhost("sealed"))
            for name in ("directory", "appraisal", "cpd", "wellbeing", "notifications"):
                databases[name] = stack.enter_context(postgres_database(f"sealed{name[:6]}"))
                environ[f"{name.upper()}_DATABASE_URL"] = databases[name]
        yield {"kind": request.param, "environ": environ, "databases": databases, "private": private,
               "data": tmp_path / "data"}


def test_no_store_holds_a_link_that_works_and_the_email_does(backend, mailbox):
    with every_log_record() as logs:
        suite = Suite(backend["data"], environ=backend["environ"])
        suite.prepare()
        tap = Tap(suite)
        suite.start_workers()
        try:
            flow = run_the_survey(suite, mailbox)
            running = data_folder(backend["data"], "while running: ")  # SQLite's -wal files are there now
        finally:
            suite.stop.set()
            for thread in suite.threads:
                thread.join(timeout=10)
        carried = tap.bodies()
        for context in suite.contexts.values():
            context.engine.dispose()
    wellbeing = suite.configs["wellbeing"]
    assert wellbeing.survey_link_private is None  # wellbeing was given the public half only

    # The tokens, as only notifications could get them: every invitation the bus carried, opened with its key.
    key = private_key(backend["private"])
    invitations = [json.loads(body)["payload"] for body in carried]
    assert len(invitations) == 5, invitations  # four invited, and Priya's forgery
    tokens = {}
    for p in invitations:
        try:
            tokens[p["staff_id"], p["run_id"]] = LINK.search(
                unseal(key, p["sealed_link"], survey_link_context(p["run_id"], p["staff_id"])).decode()).group(1)
        except Unopenable:
            assert p["staff_id"] == flow["priya"] and p["run_id"] == flow["forged_run"]  # Tom's link, re-bound
    by_person = {staff_id: token for (staff_id, _), token in tokens.items()}
    assert set(by_person) == set(flow["people"].values())
    sealed = [p["sealed_link"] for p in invitations]

    # The email a real SMTP server received carries the working link, for those who take survey emails.
    emailed = flow["emailed"]
    assert emailed == {flow["people"][n]: by_person[flow["people"][n]] for n in ("tom", "lily", "priya")}
    assert flow["working"] == set(emailed.values())
    assert by_person[flow["people"]["tom"]] not in flow["priya_emails"]  # the replayed link opened for no one
    assert "We could not put your personal link in this email" in flow["priya_emails"]

    # Where each store is searched, the sealed links are found (the search can see), and no token is.
    stores = {**running, **stored_bytes(backend, suite)}
    found_sealed = {where for where, data in stores.items() if any(s.encode() in data for s in sealed)}
    assert found_sealed, f"the search saw no sealed link in any of {sorted(stores)}"
    if backend["kind"] == "embedded":
        assert {"wellbeing.db", "bus.db"} <= {Path(w).name.split("-")[0] for w in found_sealed}, found_sealed
    else:
        assert {"wellbeing tables", "postgresql pg_wal", "rabbitmq quorum log"} <= found_sealed, found_sealed
    for token in by_person.values():
        holding = [where for where, data in stores.items() if token.encode() in data]
        assert not holding, f"a working survey link's token is stored in {holding}"
        assert not [body for body in carried if token.encode() in body], "the bus carried a token"
        assert not [line for line in logs if token in line], "a log record holds a token"
    assert any("applied wellbeing.invitation_issued" in line for line in logs), "the logs were not captured"

    # Notifications keeps no sealed link once its email is sent, and its inbox points to the Surveys page.
    assert flow["sealed_left"] == [], flow["sealed_left"]
    assert flow["inbox_links"] == {"/surveys"}

    # A sealed link from the outbox or the queue opens with no key but notifications', for no one else, no other run.
    outbox = flow["outbox"]
    assert len(outbox) >= 4 and set(outbox) <= set(sealed)
    tom, lily = flow["people"]["tom"], flow["people"]["lily"]
    [(toms_run, toms)] = [(p["run_id"], p["sealed_link"]) for p in invitations if p["staff_id"] == tom]
    for attempt_key, context in ((private_key(new_key_pair()[0]), survey_link_context(toms_run, tom)),
                                 (key, survey_link_context(toms_run, lily)),
                                 (key, survey_link_context(uuid.uuid4(), tom))):
        with pytest.raises(Unopenable):
            unseal(attempt_key, toms, context)


def run_the_survey(suite: Suite, mailbox) -> dict:
    clients = {m.NAME: _web(m).create_app(suite.configs[m.NAME]).test_client() for m in suite.modules}
    private = suite.data_dir / "dev-keys" / "private.pem"

    def headers(staff_id=None, roles=("staff",), academy_id=None):
        return {"Authorization": "Bearer " + issue_dev_token(private, staff_id=staff_id, roles=list(roles),
                                                             academy_id=academy_id)}

    hr = headers(uuid.uuid4(), roles=("staff", "trust_hr"))
    directory, survey, notifications = clients["directory"], clients["wellbeing"], clients["notifications"]
    academy = directory.post("/academies", headers=hr, json={
        "name": "Oak Academy", "urn": "150002", "phase": "primary"}).get_json()
    people, tokens_for = {}, {}
    for n, name in enumerate(("Tom", "Lily", "Sam", "Priya")):
        made = directory.post("/staff", headers=hr, json={
            "academy_id": academy["id"], "staff_code": f"S{n}", "first_name": name, "last_name": "Taylor",
            "email": f"{name.lower()}@oak.example", "staff_type": "teaching", "post": "Teacher",
            "fte": "1.00", "start_date": "2020-09-01"})
        assert made.status_code == 201, made.get_json()
        people[name.lower()] = made.get_json()["id"]
        tokens_for[name.lower()] = headers(people[name.lower()], academy_id=academy["id"])
    for name, how in (("lily", "digest"), ("sam", "off")):
        chosen = notifications.put("/preferences", headers=tokens_for[name], json={"email": {"surveys": how}})
        assert chosen.status_code == 200, chosen.get_json()
    wait_for(lambda: len(table_rows(suite, "wellbeing", "staff")) == 4
             and len(table_rows(suite, "notifications", "staff")) == 4, "both services' copies of the staff", timeout=45)

    run = survey.post("/runs", headers=hr, json={"title": "Autumn pulse", "instruments": ["enps"],
                                                 "opens_on": str(date.today()), "closes_on": "2099-01-01"}).get_json()
    assert survey.post(f"/runs/{run['id']}/schedule", headers=hr).get_json()["invited"] == 4
    wait_for(lambda: len([m for m in table_rows(suite, "notifications", "messages")
                          if m["event_type"] == "wellbeing.invitation_issued"]) == 4, "four invitations in inboxes", timeout=45)

    # Priya, holding the bus, replays Tom's sealed link (from the outbox) into an invitation of her own.
    invited = [row["envelope"]["payload"] for row in table_rows(suite, "wellbeing", "outbox")
               if row["event_type"] == "wellbeing.invitation_issued"]
    outbox = [p["sealed_link"] for p in invited]
    [toms] = [p["sealed_link"] for p in invited if p["staff_id"] == people["tom"]]
    forged_run = str(uuid.uuid4())
    forge(suite, {"run_id": forged_run, "staff_id": people["priya"], "academy_id": academy["id"],
                  "title": "Autumn pulse", "closes_on": date(2099, 1, 1), "sealed_link": toms})

    # Lily's digest is gathered by notifications' daily job; then every email goes.
    from notifications.service.daily_job import run_daily

    wait_for(lambda: len([m for m in table_rows(suite, "notifications", "messages")
                          if m["event_type"] == "wellbeing.invitation_issued"]) == 5, "the forgery in Priya's inbox", timeout=45)
    run_daily(suite.contexts["notifications"].uow())
    wait_for(lambda: len(mailbox.received) >= 4 and not [d for d in table_rows(suite, "notifications", "deliveries")
                                                         if d["status"] in ("pending", "held")], "every email sent", timeout=45)
    time.sleep(1.5)  # a sender pass more

    emailed, priya_emails = {}, ""
    for message in mailbox.received:
        text = message.get_payload()[0].get_payload(decode=True).decode()
        staff_id = people[message["To"].split("@")[0]]
        found = LINK.findall(text)
        if staff_id == people["priya"]:
            priya_emails += text
        if found:
            assert len(found) == 1, text
            assert staff_id not in emailed, "one link each"
            emailed[staff_id] = found[0]
    working = {token for token in emailed.values()
               if survey.get("/survey", headers={"X-Survey-Token": token}).status_code == 200}
    inbox_links = {m["link"] for name in people for m in notifications.get("/inbox", headers=tokens_for[name])
                   .get_json()["items"] if "invitation" in m["subject"]}
    sealed_left = [d["id"] for d in table_rows(suite, "notifications", "deliveries") if d["sealed_link"]]
    return {"people": people, "priya": people["priya"], "forged_run": forged_run, "emailed": emailed,
            "working": working, "priya_emails": priya_emails, "inbox_links": inbox_links,
            "sealed_left": sealed_left, "outbox": outbox}


def forge(suite: Suite, payload: dict) -> None:
    """An invitation published straight to the bus, as someone able to write to it could."""
    from staffroom_shared.bus import OutgoingMessage
    from staffroom_shared.events import new_event

    event = new_event("wellbeing.invitation_issued", payload, producer="wellbeing", correlation_id="forged",
                      academy_id=uuid.UUID(payload["academy_id"]), version=2)
    suite.contexts["wellbeing"].bus.publish([OutgoingMessage(message_id=str(event.id), routing_key=event.type,
                                                             body=json.dumps(event.to_dict()).encode())])


def table_rows(suite: Suite, service: str, table: str) -> list[dict]:
    from sqlalchemy import select

    context = suite.contexts[service]
    with context.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(context.metadata.tables[table]))]


class Tap:
    """A queue of our own bound to wellbeing.invitation_issued before anything is published: what the bus carried."""

    def __init__(self, suite: Suite):
        self.bus = suite.contexts["wellbeing"].bus
        self.url = suite.configs["wellbeing"].bus_url
        if self.url.startswith("embedded"):
            self.bus.declare(TAP, ["wellbeing.invitation_issued"])
        else:
            from kombu import Connection, Exchange, Queue

            with Connection(self.url) as conn:
                Queue(TAP, Exchange("staffroom.events", "topic", durable=True), routing_key="wellbeing.invitation_issued",
                      durable=True, queue_arguments={"x-queue-type": "quorum"})(conn.channel()).declare()

    def bodies(self) -> list[bytes]:
        """Every message on the tap (RabbitMQ: fetched with basic_get, as anyone with the broker could)."""
        out: list[bytes] = []
        if self.url.startswith("embedded"):
            def keep(delivery):
                out.append(delivery.body)
            while self.bus.consume_one(TAP, keep):
                pass
            return out
        from kombu import Connection

        with Connection(self.url) as conn:
            channel = conn.channel()
            while (message := channel.basic_get(TAP, no_ack=True)) is not None:
                out.append(message.body if isinstance(message.body, bytes) else message.body.encode())
        return out


def data_folder(folder: Path, prefix: str = "") -> dict[str, bytes]:
    return {prefix + str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def stored_bytes(backend: dict, suite: Suite) -> dict[str, bytes]:
    """What someone holding the stores reads: every file of the data folder; on PostgreSQL every row of every table
    of wellbeing's and notifications' databases and the server's write-ahead log; RabbitMQ's messages still queued
    (fetched) and its quorum queues' log on disk."""
    out = data_folder(backend["data"])
    if backend["kind"] == "embedded":
        return out
    import psycopg

    for service in ("wellbeing", "notifications"):
        url = backend["databases"][service].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url) as conn:
            tables = [r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")]
            out[f"{service} tables"] = b"\n".join(
                str(row).encode() for t in tables for row in conn.execute(f'select t::text from "{t}" t'))  # noqa: S608
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("checkpoint")  # the pages too, not only the log
        data_directory = Path(conn.execute("show data_directory").fetchone()[0])
        oids = [conn.execute("select oid from pg_database where datname = %s", (url.rsplit("/", 1)[1],)).fetchone()[0]
                for url in (backend["databases"]["wellbeing"], backend["databases"]["notifications"])]
    out["postgresql pg_wal"] = b"".join(p.read_bytes() for p in sorted((data_directory / "pg_wal").glob("0*")))
    out["postgresql table files"] = b"".join(p.read_bytes() for oid in oids
                                             for p in (data_directory / "base" / str(oid)).iterdir() if p.is_file())
    node_dir = subprocess.run(["rabbitmqctl", "eval", "rabbit_mnesia:dir()."], capture_output=True, text=True,
                              check=True, timeout=60).stdout.strip().strip('"')
    out["rabbitmq quorum log"] = b"".join(p.read_bytes() for p in sorted((Path(node_dir) / "quorum").rglob("*"))
                                          if p.is_file())
    out["rabbitmq message stores"] = b"".join(p.read_bytes() for p in sorted((Path(node_dir) / "msg_stores").rglob("*"))
                                              if p.is_file())
    return out
