"""Notifications' handlers and email on real databases (SQLite and PostgreSQL) and a real SMTP server
(aiosmtpd on localhost), with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import email
import socket
import uuid
from email import policy

import pytest

from notifications import bootstrap
from staffroom_shared.events import new_event
from staffroom_shared.testing import ConsumerWorld, consumer_world_fixtures


class World(ConsumerWorld):
    def event(self, event_type: str, payload: dict, correlation_id: str = "test"):
        return new_event(event_type, payload, producer=event_type.split(".")[0], correlation_id=correlation_id,
                         academy_id=self.academy_id)

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
        self.refuse: str | None = None  # e.g. "451 4.3.0 try again later" or "550 5.1.1 no such mailbox"
        self.refuse_only: set[str] = set()  # with `refuse`: turn away these addresses only (empty: everyone)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and (not self.refuse_only or address in self.refuse_only):
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
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
