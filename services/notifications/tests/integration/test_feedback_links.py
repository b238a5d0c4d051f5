"""Issue 24: a rater's link to 360 or upward feedback goes in its email as a survey link does, to the feedback page;
a sealed link to any other page still goes nowhere."""
from __future__ import annotations

import secrets
from dataclasses import replace

import pytest

import logging
import uuid

from staffroom_shared.contracts.wellbeing import outside_address_context
from staffroom_shared.sealing import seal

from notifications.service.email import FEEDBACK_LINK, NO_PERSONAL_LINK, send_due

from .conftest import URL

KEY = bytes(range(32))


def _send(world, settings) -> dict:
    return send_due(world.context.engine, settings, URL, KEY, survey_link_key=world.link_key)


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_feedback_link_reaches_its_email_and_no_table_keeps_it(world, smtp, settings):
    person = world.join(first_name="Ada", email="ada@oak.example")
    token = secrets.token_urlsafe(32)
    event = world.invitation(person, link=f"{URL}/feedback/respond#token={token}")
    world.deliver(replace(event, payload={**event.payload, "feedback": True, "title": "Feedback for Tom Oak"}))
    [message] = world.messages(person["staff_id"])
    assert message.link == "/feedback" and "asked for your feedback" in message.body
    assert _send(world, settings)["sent"] == 1
    [mail] = smtp.received
    assert f"{FEEDBACK_LINK}\n{URL}/feedback/respond#token={token}\n" in _text(mail)
    assert "Give your feedback" in mail.get_body(("html",)).get_content() and "survey" not in _text(mail).lower()
    assert token not in repr(world.snapshot())


def test_a_staff_raters_email_and_inbox_message_carry_no_link_and_say_to_answer_in_staffroom(world, smtp, settings):
    """Outside tester, issue 24: a member of staff's feedback invitation carries no link (wellbeing sends none); the
    email and the inbox message send them to Feedback in Staffroom, "Answer now"."""
    person = world.join(first_name="Ada", email="ada@oak.example")
    event = world.invitation(person)
    world.deliver(replace(event, payload={**event.payload, "feedback": True, "title": "Feedback for Tom Oak",
                                          "about": "Tom Oak", "sealed_link": None, "answer_in_staffroom": True}))
    [message] = world.messages(person["staff_id"])
    assert message.link == "/feedback" and 'open Feedback in Staffroom and choose "Answer now"' in message.body
    [delivery] = world.deliveries()
    assert delivery.sealed_link is None
    assert _send(world, settings)["sent"] == 1
    [mail] = smtp.received
    text = _text(mail)
    assert mail["Subject"] == "Would you give feedback about Tom Oak?" and '"Answer now"' in text
    assert "#token=" not in text and "/respond" not in text and "#token=" not in mail.get_body(("html",)).get_content()
    assert FEEDBACK_LINK not in text and "We could not put your personal link" not in text


def test_a_sealed_link_to_any_other_page_is_not_put_in_an_email(world, smtp, settings):
    person = world.join(first_name="Ada", email="ada@oak.example")
    token = secrets.token_urlsafe(32)
    world.deliver(world.invitation(person, link=f"{URL}/feedback/rounds#token={token}"))
    assert _send(world, settings)["sent"] == 1
    [mail] = smtp.received
    assert token not in _text(mail) and NO_PERSONAL_LINK in _text(mail)


ADDRESS = "Grace.Hopper@Elsewhere.example"


def _ours(caplog) -> str:
    """What our code logged (the test's SMTP server, aiosmtpd, logs its own conversation as a mail server does)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")).lower()


def _outside(world, *, address: str = ADDRESS, sealed_for: uuid.UUID | None = None, token: str | None = None):
    """wellbeing.invitation_issued for someone outside the trust, as wellbeing publishes it: an id made for this one
    invitation in `staff_id`, the link and the address (padded) both sealed to our key and bound to it."""
    rater = uuid.uuid4()
    event = world.invitation({"staff_id": rater}, link=f"{URL}/feedback/respond#token={token or secrets.token_urlsafe(32)}")
    sealed = seal(world.context.config.survey_link_public_key(), address.lower().ljust(254).encode(),
                  outside_address_context(event.payload["run_id"], sealed_for or rater))
    return rater, replace(event, payload={**event.payload, "feedback": True, "title": "Feedback for Tom Oak",
                                          "about": "Tom Oak", "sealed_address": sealed})


def test_someone_outside_the_trust_gets_one_plain_email_and_no_table_keeps_their_address(world, smtp, settings):
    token = secrets.token_urlsafe(32)
    rater, event = _outside(world, token=token)
    world.deliver(event)
    [delivery] = world.deliveries()
    assert delivery.address == "" and delivery.sealed_address and delivery.recipient_id == rater
    assert ADDRESS.lower() not in repr(world.snapshot()).lower()
    assert _send(world, settings) == {"sent": 1, "retried": 0, "dead": 0}
    [mail] = smtp.received
    assert mail["To"] == ADDRESS.lower() and mail["Subject"] == "Would you give feedback about Tom Oak?"
    assert mail["List-Unsubscribe"] is None
    text = _text(mail)
    assert text.startswith("Hello,\n\nYou are asked for your feedback about Tom Oak")
    assert f"{FEEDBACK_LINK}\n{URL}/feedback/respond#token={token}\n" in text
    assert "You get this one email because you were asked for your feedback; we keep no copy of your address." in text
    assert "unsubscribe" not in text.lower() and "inbox" not in text.lower()
    [delivery] = world.deliveries()
    assert delivery.status == "sent" and delivery.sealed_address is None and delivery.sealed_link is None
    assert ADDRESS.lower() not in repr(world.snapshot()).lower() and token not in repr(world.snapshot())


def test_a_refused_outside_address_is_neither_logged_nor_kept_in_the_error(world, smtp, settings, caplog):
    smtp.refuse = "550 5.1.1 <grace.hopper@elsewhere.example>: no such mailbox"
    _, event = _outside(world)
    world.deliver(event)
    with caplog.at_level(logging.DEBUG):
        assert _send(world, settings)["dead"] == 1
    [delivery] = world.deliveries()
    assert delivery.status == "dead" and delivery.sealed_address is None
    assert "SMTPRecipientsRefused" in delivery.last_error
    assert ADDRESS.lower() not in repr(world.snapshot()).lower() and ADDRESS.lower() not in _ours(caplog)


def test_an_address_sealed_for_another_invitation_is_sent_nowhere(world, smtp, settings, caplog):
    _, event = _outside(world, sealed_for=uuid.uuid4())
    world.deliver(event)
    with caplog.at_level(logging.DEBUG):
        assert _send(world, settings)["dead"] == 1
    assert smtp.received == [] and ADDRESS.lower() not in _ours(caplog)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def test_the_upgrade_keeps_everyones_survey_email_choice_for_feedback_requests(backend, tmp_path):
    """0005: feedback requests leave "surveys" for a category of their own; whoever had switched survey emails off
    (or to the digest) has the same choice for them, so no switch-off is undone."""
    from sqlalchemy import create_engine, insert, select

    from notifications.adapters.orm import preferences
    from notifications.bootstrap import MIGRATIONS
    from staffroom_shared.runner import migrate
    from staffroom_shared.testing import postgres_database

    off, digest, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def upgrade(url):
        migrate(MIGRATIONS, url, "0004")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(insert(preferences), [
                {"staff_id": off, "category": "surveys", "email": "off", "changed_at": None},
                {"staff_id": digest, "category": "surveys", "email": "digest", "changed_at": None},
                {"staff_id": other, "category": "targets", "email": "off", "changed_at": None}])
        migrate(MIGRATIONS, url)
        with engine.connect() as conn:
            chosen = dict(conn.execute(select(preferences.c.staff_id, preferences.c.email)
                                       .where(preferences.c.category == "feedback_requests")).all())
        engine.dispose()
        assert chosen == {off: "off", digest: "digest"}

    if backend == "sqlite":
        upgrade(f"sqlite:///{tmp_path / 'notifications.db'}")
    else:
        with postgres_database("notiffeedback") as url:
            upgrade(url)


def test_an_invitation_not_yet_emailed_when_its_request_closes_is_never_sent(world, smtp, settings):
    """Outsider O6 F9: someone outside the trust was emailed a link after the request had closed (it answered
    "closed"). The close withdraws every unsent invitation to that request, and its sealed address and link with it;
    a due one to another request still goes, and a replayed close changes nothing."""
    rater, event = _outside(world)
    world.deliver(event)
    other_person = world.join(first_name="Ada", email="ada@oak.example")
    other = world.invitation(other_person, link=f"{URL}/feedback/respond#token={secrets.token_urlsafe(32)}")
    world.deliver(replace(other, payload={**other.payload, "feedback": True}))
    run_id = event.payload["run_id"]
    closing = world.event("wellbeing.feedback_request_closed", {"request_id": run_id})
    world.deliver(closing)
    world.deliver(closing)
    withdrawn = next(d for d in world.deliveries() if d.recipient_id == rater)
    assert withdrawn.status == "withdrawn" and withdrawn.sealed_address is None and withdrawn.sealed_link is None
    assert _send(world, settings) == {"sent": 1, "retried": 0, "dead": 0}
    [mail] = smtp.received
    assert mail["To"] == "ada@oak.example"
    assert ADDRESS.lower() not in repr(world.snapshot()).lower()
