"""Issue 24: a rater's link to 360 or upward feedback goes in its email as a survey link does, to the feedback page;
a sealed link to any other page still goes nowhere."""
from __future__ import annotations

import secrets
from dataclasses import replace

from notifications.service.email import NO_PERSONAL_LINK, PERSONAL_LINK, send_due

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
    assert f"{PERSONAL_LINK}\n{URL}/feedback/respond#token={token}\n" in _text(mail)
    assert token not in repr(world.snapshot())


def test_a_sealed_link_to_any_other_page_is_not_put_in_an_email(world, smtp, settings):
    person = world.join(first_name="Ada", email="ada@oak.example")
    token = secrets.token_urlsafe(32)
    world.deliver(world.invitation(person, link=f"{URL}/feedback/rounds#token={token}"))
    assert _send(world, settings)["sent"] == 1
    [mail] = smtp.received
    assert token not in _text(mail) and NO_PERSONAL_LINK in _text(mail)
