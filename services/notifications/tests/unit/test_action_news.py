"""wellbeing.action_published ("You said, we did"): the staff of the action's group, worked out from our own copy of
the directory, each get one message (and an email as they chose); nobody else does; a second delivery adds none."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from notifications.domain.rules import CATEGORIES

from .fakes import FakeNotificationsUnitOfWork
from .test_commands import OAK, deliver, event, join

ELM = uuid.uuid4()


def published(academy_id=OAK, staff_type=None, owner_id=None) -> dict:
    return {"action_id": uuid.uuid4(), "title": "Quieter Wednesdays", "measure": "hse.demands",
            "measure_title": "Demands", "academy_id": academy_id, "staff_type": staff_type,
            "owner_id": owner_id or uuid.uuid4(), "due_on": date.today() + timedelta(days=60)}


@pytest.fixture
def uow():
    uow = FakeNotificationsUnitOfWork()
    people = {"ann": join(uow, "Ann"), "sid": join(uow, "Sid", staff_type="support"),
              "eve": join(uow, "Eve", academy_id=ELM),
              "lee": join(uow, "Lee", leaving_date=date.today() - timedelta(days=1))}
    uow.people = people
    return uow


def told(uow) -> set:
    names = {v: k for k, v in uow.people.items()}
    return {names[m["recipient_id"]] for m in uow.inbox.messages.values() if m["category"] == "survey_actions"}


@pytest.mark.parametrize("academy_id, staff_type, expected", [
    (OAK, None, {"ann", "sid"}),          # an academy's action: its staff still in post
    (OAK, "support", {"sid"}),            # one staff type there
    (None, None, {"ann", "sid", "eve"}),  # the trust's: everyone
    (None, "teaching", {"ann", "eve"}),
])
def test_the_staff_in_the_action_s_group_and_only_they_are_told_once(uow, academy_id, staff_type, expected):
    news = event("wellbeing.action_published", published(academy_id, staff_type, owner_id=uow.people["ann"]))
    deliver(uow, news)
    assert told(uow) == expected
    deliver(uow, news)  # the same event again (the inbox row stops it first on the bus; the message key here)
    assert len([m for m in uow.inbox.messages.values() if m["category"] == "survey_actions"]) == len(expected)


def test_the_message_says_what_for_whom_and_by_when_in_words(uow):
    deliver(uow, event("wellbeing.action_published", published(OAK, "support", owner_id=uow.people["ann"])))
    [message] = [m for m in uow.inbox.messages.values() if m["category"] == "survey_actions"]
    assert message["subject"] == "You said, we did: \u2068Quieter Wednesdays\u2069"
    assert "support staff at your academy" in message["body"] and "led by \u2068Ann Lee\u2069" in message["body"]
    assert "-" not in message["body"].split("due by ")[1][:20]  # a date in words, not ISO
    assert message["link"] == "/surveys/actions"


def test_staff_can_switch_the_emails_off():
    assert CATEGORIES["survey_actions"].statutory is False


def test_typed_text_is_isolated_so_a_right_to_left_override_cannot_reverse_the_message_s_own_words(uow):
    title = "Fewer emails \u202eyb dedda\u2069 \u2066"  # an override, and a stray isolate trying to close ours
    deliver(uow, event("wellbeing.action_published", {**published(OAK), "title": title,
                                                      "owner_id": uow.people["ann"]}))
    message = next(m for m in uow.inbox.messages.values() if m["category"] == "survey_actions")
    assert "this is being done at your academy: \u2068Fewer emails \u202eyb dedda \u2069. It is about" in message["body"]
    assert message["subject"] == "You said, we did: \u2068Fewer emails \u202eyb dedda \u2069"
    for text in (message["subject"], message["body"]):  # every isolate we open is closed, and by us
        assert text.count("\u2068") == text.count("\u2069") and "\u2066" not in text
