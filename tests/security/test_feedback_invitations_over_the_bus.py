"""Outside tester, issue 24: whoever held the mail folder answered a 360 request with the other peers' emailed links
and read the one real answer off the report. Through every service in one process, over the bus, to a real SMTP
server: a member of staff asked for feedback gets an email and an inbox message with no link in either, telling them
to answer in Staffroom; someone outside the trust gets their one email with a link that works; "Answer now" gives a
colleague a link of their own, and its news reaches them, again without one.

Embedded bus and SQLite; RabbitMQ and PostgreSQL under the integration mark.
"""
from __future__ import annotations

import json
import re
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

import pytest

from staffroom.cli import Suite, _web
from staffroom.testing import smtp_server
from staffroom_shared.auth import issue_dev_token
from staffroom_shared.sealing import new_key_pair
from staffroom_shared.testing import postgres_database, rabbit_vhost, wait_for

from .test_no_usable_link_is_stored import table_rows

TOKEN = re.compile(r"/feedback/respond#token=([A-Za-z0-9_-]+)")
OUTSIDE = ["governor.grey@example.org", "mentor@another-trust.example"]


@pytest.fixture(params=[pytest.param("embedded"), pytest.param("rabbitmq", marks=pytest.mark.integration)])
def suite(request, tmp_path):
    private, public = new_key_pair()
    with smtp_server() as mailbox, ExitStack() as stack:
        environ = {"LOG_LEVEL": "WARNING", "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
                   "NOTIFICATIONS_SMTP_PORT": str(mailbox.port), "NOTIFICATIONS_SMTP_SECURITY": "none",
                   "WELLBEING_SURVEY_LINK_PUBLIC_KEY": public, "NOTIFICATIONS_SURVEY_LINK_PRIVATE_KEY": private}
        if request.param == "rabbitmq":
            environ["BUS_URL"] = stack.enter_context(rabbit_vhost("feedbacklinks"))
            for name in ("directory", "appraisal", "cpd", "wellbeing", "notifications"):
                environ[f"{name.upper()}_DATABASE_URL"] = stack.enter_context(postgres_database(f"fbl{name[:6]}"))
        suite = Suite(tmp_path / "data", environ=environ)
        suite.prepare()
        suite.start_workers()
        try:
            yield suite, mailbox
        finally:
            suite.stop.set()
            for thread in suite.threads:
                thread.join(timeout=10)
            for context in suite.contexts.values():
                context.engine.dispose()


def _text(mail) -> str:
    """Every part of the email (plain text and HTML), decoded."""
    return "\n".join(part.get_payload(decode=True).decode() for part in mail.walk()
                     if not part.is_multipart()).replace("\r\n", "\n")


def _trust(suite):
    """Each service's web app, a way to sign in, and Oak Academy with four teachers whom wellbeing and notifications
    both know."""
    clients = {m.NAME: _web(m).create_app(suite.configs[m.NAME]).test_client() for m in suite.modules}
    private = suite.data_dir / "dev-keys" / "private.pem"

    def headers(staff_id=None, roles=("staff",), academy_id=None):
        return {"Authorization": "Bearer " + issue_dev_token(private, staff_id=staff_id, roles=list(roles),
                                                             academy_id=academy_id)}

    hr = headers(uuid.uuid4(), roles=("staff", "trust_hr"))
    directory = clients["directory"]
    academy = directory.post("/academies", headers=hr, json={
        "name": "Oak Academy", "urn": "150003", "phase": "primary"}).get_json()
    people = {}
    for n, (first, last) in enumerate((("Chloe", "Davies"), ("Isaac", "Singh"), ("Maya", "Patel"), ("Owen", "Hughes"))):
        made = directory.post("/staff", headers=hr, json={
            "academy_id": academy["id"], "staff_code": f"F{n}", "first_name": first, "last_name": last,
            "email": f"{first.lower()}@oak.example", "staff_type": "teaching", "post": "Teacher", "fte": "1.00",
            "start_date": "2020-09-01"})
        assert made.status_code == 201, made.get_json()
        people[first] = made.get_json()["id"]
    wait_for(lambda: len(table_rows(suite, "wellbeing", "staff")) == 4
             and len(table_rows(suite, "notifications", "staff")) == 4, "both services' copies of the staff", timeout=45)
    return clients, headers, academy, people


def test_staff_raters_are_emailed_no_link_and_people_outside_the_trust_are(suite):
    suite, mailbox = suite
    clients, headers, academy, people = _trust(suite)
    wellbeing, notifications = clients["wellbeing"], clients["notifications"]

    chloe = headers(people["Chloe"], academy_id=academy["id"])
    peers = ("Isaac", "Maya", "Owen")
    asked = wellbeing.post("/feedback/requests", headers=chloe, json={
        "closes_on": str(date.today() + timedelta(days=14)), "outside_trust": OUTSIDE,
        "raters": [{"staff_id": people[p], "category": "peers"} for p in peers]})
    assert asked.status_code == 201, asked.get_json()
    request_id = asked.get_json()["id"]
    subject = "Would you give feedback about Chloe Davies?"
    wait_for(lambda: len([m for m in mailbox.received if m["Subject"] == subject]) == 5, "five feedback emails",
             timeout=60)

    mails = {m["To"]: m for m in mailbox.received if m["Subject"] == subject}
    assert set(mails) == {f"{p.lower()}@oak.example" for p in peers} | set(OUTSIDE)
    for peer in peers:  # a colleague: no link in the email, and told where to answer
        mail = mails[f"{peer.lower()}@oak.example"]
        text = _text(mail)
        assert not TOKEN.search(text) and "#token=" not in text
        assert 'open Feedback in Staffroom and choose "Answer now"' in text
    for address in OUTSIDE:  # someone outside the trust: their one link, which works
        [token] = set(TOKEN.findall(_text(mails[address])))  # in the plain text and the HTML
        assert wellbeing.get("/feedback/respond", headers={"X-Survey-Token": token}).status_code == 200
    inbox = {p: notifications.get("/inbox", headers=headers(people[p], academy_id=academy["id"])).get_json()["items"]
             for p in peers}
    for items in inbox.values():
        [message] = [m for m in items if m["subject"] == subject]
        assert message["link"] == "/feedback" and "#token=" not in str(message) and '"Answer now"' in message["body"]
    assert not [d for d in table_rows(suite, "notifications", "deliveries") if d["sealed_link"]
                and d["status"] == "sent"]

    # Isaac chooses "Answer now": a link for his browser alone, and no news of it anywhere (outsider O8: in
    # notifications' tables and the mail spool it named exactly who answered each request).
    isaac = headers(people["Isaac"], academy_id=academy["id"])
    [listed] = wellbeing.get("/feedback/asked", headers=isaac).get_json()
    assert listed["about"] == "Chloe Davies" and listed["answered"] is False
    made = wellbeing.post(f"/feedback/requests/{request_id}/link", headers=isaac)
    assert made.status_code == 201, made.get_json()
    token = made.get_json()["link"].split("#token=")[1]
    assert wellbeing.post("/feedback/respond", headers={"X-Survey-Token": token}, json={
        "answers": {"fb360.calm": 5, "fb360.keep_doing": "GENUINE words"}}).status_code == 204
    assert not [row for row in table_rows(suite, "wellbeing", "outbox") if '"reissued": true' in json.dumps(row["envelope"])]
    assert [m for m in mailbox.received if m["To"] == "isaac@oak.example"] == [mails["isaac@oak.example"]]


def test_an_invitation_not_emailed_before_its_request_closes_is_never_sent(suite):
    """Outsider O6 F9: someone outside the trust was emailed a link after the request had closed. With the mail
    server turning mail away, both outside invitations wait to be retried; the subject closes the request early, and
    wellbeing.feedback_request_closed, over the bus, withdraws both, their sealed addresses and links with them."""
    suite, mailbox = suite
    mailbox.refusing = True  # each email is turned away, and waits a minute for its retry
    clients, headers, academy, people = _trust(suite)
    chloe = headers(people["Chloe"], academy_id=academy["id"])
    asked = clients["wellbeing"].post("/feedback/requests", headers=chloe, json={
        "closes_on": str(date.today() + timedelta(days=14)), "outside_trust": OUTSIDE,
        "raters": [{"staff_id": people[p], "category": "peers"} for p in ("Isaac", "Maya", "Owen")]})
    assert asked.status_code == 201, asked.get_json()

    def outside():
        return [d for d in table_rows(suite, "notifications", "deliveries") if d["address"] == ""]

    wait_for(lambda: len(outside()) == 2 and all(d["attempts"] == 1 for d in outside()),
             "two outside invitations refused once by the mail server", timeout=60)
    assert all(d["status"] == "pending" and d["sealed_address"] for d in outside())
    closed = clients["wellbeing"].post(f"/feedback/requests/{asked.get_json()['id']}/close", headers=chloe)
    assert closed.status_code == 200, closed.get_json()
    wait_for(lambda: all(d["status"] == "withdrawn" for d in outside()), "both invitations withdrawn", timeout=60)
    assert not [d for d in outside() if d["sealed_address"] or d["sealed_link"]]
    assert not mailbox.received
