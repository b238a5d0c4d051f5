"""appraisal.recognition_given (issue 24): the recipient, and only they, are told who gave them recognition or
feedback, never the words; it is a category they can switch off."""
from __future__ import annotations

import uuid

from notifications.domain.rules import CATEGORIES
from notifications.service import inbox

from .fakes import FakeNotificationsUnitOfWork
from .test_commands import OAK, deliver, emails_to, event, join


def given(giver, recipient, kind="recognition", shared=False):
    return event("appraisal.recognition_given", {
        "recognition_id": uuid.uuid4(), "giver_id": giver, "recipient_id": recipient, "academy_id": OAK,
        "kind": kind, "shared_with_line_manager": shared})


def test_the_recipient_alone_is_told_who_thanked_them_with_a_link_to_read_it():
    uow = FakeNotificationsUnitOfWork()
    manager = join(uow, "Mia")
    ann, ben = join(uow, "Ann", line_manager_id=manager), join(uow, "Ben")
    deliver(uow, given(ben, ann, shared=True))
    [message] = uow.inbox.messages.values()
    assert message["recipient_id"] == ann and message["category"] == "recognition"
    assert message["subject"] == "Ben Lee has recognised your work" and message["link"] == "/recognition"
    assert "shared it with your line manager" in message["body"]
    assert [d["recipient_id"] for d in emails_to(uow, ann)] == [ann] and emails_to(uow, manager) == []


def test_feedback_says_feedback_and_a_private_one_says_only_they_can_see_it():
    uow = FakeNotificationsUnitOfWork()
    ann, ben = join(uow, "Ann"), join(uow, "Ben")
    deliver(uow, given(ben, ann, kind="feedback"))
    [message] = uow.inbox.messages.values()
    assert message["subject"] == "Ben Lee has given you feedback" and "Only you can see it" in message["body"]


def test_recognition_emails_can_be_switched_off_and_the_inbox_still_has_it():
    assert CATEGORIES["recognition"].statutory is False
    uow = FakeNotificationsUnitOfWork()
    ann, ben = join(uow, "Ann"), join(uow, "Ben")
    inbox.set_preferences(uow, ann, {"recognition": "off"})
    deliver(uow, given(ben, ann))
    assert len(uow.inbox.messages) == 1 and emails_to(uow, ann) == []


def test_a_redelivered_event_tells_them_once():
    uow = FakeNotificationsUnitOfWork()
    ann, ben = join(uow, "Ann"), join(uow, "Ben")
    news = given(ben, ann)
    deliver(uow, news)
    deliver(uow, news)
    assert len(uow.inbox.messages) == 1
