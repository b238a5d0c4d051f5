"""Notifications' handlers and email on real databases (SQLite and PostgreSQL) and a real SMTP server
(aiosmtpd on localhost), with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import email
import secrets
import socket
import uuid
from datetime import date
from email import policy

import pytest

from notifications import bootstrap
from staffroom_shared.events import new_event
from staffroom_shared.testing import ConsumerWorld, consumer_world_fixtures


URL = "https://staffroom.oak.example"  # PUBLIC_URL: where emails' links start


class World(ConsumerWorld):
    def event(self, event_type: str, payload: dict, correlation_id: str = "test", version: int = 1):
        return new_event(event_type, payload, producer=event_type.split(".")[0], correlation_id=correlation_id,
                         academy_id=self.academy_id, version=version)

    def invitation(self, person, *, token: str | None = None, run_id: uuid.UUID | None = None,
                   sealed_for: uuid.UUID | None = None, sealed_to=None, link: str | None = None):
        """wellbeing.invitation_issued as wellbeing publishes it: the person's link sealed to our key (this test's
        development key, or `sealed_to`), bound to the run and to them (or to `sealed_for`, someone else)."""
        from staffroom_shared.contracts.wellbeing import survey_link_context
        from staffroom_shared.sealing import seal

        run_id = run_id or uuid.uuid4()
        link = link or f"{URL}/surveys/respond#token={token or secrets.token_urlsafe(32)}"
        sealed = seal(sealed_to or self.context.config.survey_link_public_key(), link.encode(),
                      survey_link_context(run_id, sealed_for or person["staff_id"]))
        return self.event("wellbeing.invitation_issued", {
            "run_id": run_id, "staff_id": person["staff_id"], "academy_id": self.academy_id, "title": "Autumn pulse",
            "closes_on": date(2026, 12, 14), "sealed_link": sealed}, version=2)

    @property
    def link_key(self):
        """Our private key for survey links, as the email sender has it."""
        return self.context.config.survey_link_private_key()

    def messages(self, recipient_id=None):
        table = self.context.metadata.tables["messages"]
        where = [] if recipient_id is None else [table.c.recipient_id == recipient_id]
        return self.rows(table, *where, order_by=table.c.created_at)

    def deliveries(self):
        table = self.context.metadata.tables["deliveries"]
        return self.rows(table, order_by=table.c.next_attempt_at)


sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)


class Mailbox:
    """What a real SMTP server on localhost received; `refuse` makes it turn recipients away."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.raw: list[bytes] = []  # the same, as the bytes that came over SMTP
        self.refuse: str | None = None  # e.g. "451 4.3.0 try again later" or "550 5.1.1 no such mailbox"
        self.refuse_only: set[str] = set()  # with `refuse`: turn away these addresses only (empty: everyone)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and (not self.refuse_only or address in self.refuse_only):
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


@pytest.fixture
def settings(smtp):
    from notifications.service.email import SmtpSettings

    return SmtpSettings(host="127.0.0.1", port=smtp.port, security="none", sender="Oak Trust <hr@oak.example>",
                        trust_name="Oak Trust")


def new_id() -> str:
    return str(uuid.uuid4())
