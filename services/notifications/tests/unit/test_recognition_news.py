"""appraisal.recognition_given (issue 24): the recipient, and only they, are told who gave them recognition or
feedback, never the words; it is a category they can switch off. appraisal.recognition_reported: the academy's HR
contacts (else the trust's) are told there is one to look at, never the giver or the recipient."""
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


def reported(giver, recipient, kind="feedback"):
    return event("appraisal.recognition_reported", {
        "recognition_id": uuid.uuid4(), "giver_id": giver, "recipient_id": recipient, "academy_id": OAK,
        "kind": kind})


def test_a_report_tells_the_academys_hr_contacts_with_no_names_and_a_link_to_hrs_list():
    uow = FakeNotificationsUnitOfWork()
    hr, trust_hr, ann, ben = join(uow, "Hanna"), join(uow, "Ivo"), join(uow, "Ann"), join(uow, "Ben")
    inbox.set_contacts(uow, OAK, [hr])
    inbox.set_contacts(uow, None, [trust_hr])
    deliver(uow, reported(ben, ann))
    [message] = uow.inbox.messages.values()
    assert message["recipient_id"] == hr and message["category"] == "recognition_reports"
    assert message["subject"] == "Some feedback was reported to HR" and message["link"] == "/hr/recognition"
    assert "Ann" not in message["body"] and "Ben" not in message["body"]
    assert CATEGORIES["recognition_reports"].statutory


def test_the_giver_and_the_recipient_are_never_told_of_a_report_even_as_hr_contacts():
    uow = FakeNotificationsUnitOfWork()
    hr, ann, ben = join(uow, "Hanna"), join(uow, "Ann"), join(uow, "Ben")
    inbox.set_contacts(uow, OAK, [ben, ann, hr])
    deliver(uow, reported(ben, ann, kind="recognition"))
    assert [m["recipient_id"] for m in uow.inbox.messages.values()] == [hr]
    assert emails_to(uow, ben) == [] and emails_to(uow, ann) == []


def test_an_academy_with_no_hr_contacts_has_the_trusts_told():
    uow = FakeNotificationsUnitOfWork()
    trust_hr, ann, ben = join(uow, "Ivo"), join(uow, "Ann"), join(uow, "Ben")
    inbox.set_contacts(uow, None, [trust_hr])
    deliver(uow, reported(ben, ann))
    assert [m["recipient_id"] for m in uow.inbox.messages.values()] == [trust_hr]


def test_when_the_giver_is_the_academys_only_hr_contact_the_trusts_contacts_are_told():
    # outsider, issue 24: Hannah, Hillcrest's only HR contact, gave Priya feedback; Priya reported it; nobody was told
    uow = FakeNotificationsUnitOfWork()
    hannah, jade, priya = join(uow, "Hannah"), join(uow, "Jade"), join(uow, "Priya")
    inbox.set_contacts(uow, OAK, [hannah])
    inbox.set_contacts(uow, None, [jade])
    deliver(uow, reported(hannah, priya))
    [message] = uow.inbox.messages.values()
    assert message["recipient_id"] == jade and message["subject"] == "Some feedback was reported to HR"
    assert [d["recipient_id"] for d in emails_to(uow, jade)] == [jade] and emails_to(uow, hannah) == []


def test_when_the_recipient_is_the_academys_only_hr_contact_the_trusts_contacts_are_told():
    uow = FakeNotificationsUnitOfWork()
    hannah, jade, ben = join(uow, "Hannah"), join(uow, "Jade"), join(uow, "Ben")
    inbox.set_contacts(uow, OAK, [hannah])
    inbox.set_contacts(uow, None, [jade])
    deliver(uow, reported(ben, hannah))
    assert [m["recipient_id"] for m in uow.inbox.messages.values()] == [jade]


def test_the_trusts_contacts_told_instead_never_include_the_giver():
    uow = FakeNotificationsUnitOfWork()
    hannah, jade, ivo, priya = join(uow, "Hannah"), join(uow, "Jade"), join(uow, "Ivo"), join(uow, "Priya")
    inbox.set_contacts(uow, OAK, [hannah])
    inbox.set_contacts(uow, None, [hannah, jade, ivo])
    deliver(uow, reported(hannah, priya))
    assert sorted(m["recipient_id"] for m in uow.inbox.messages.values()) == sorted([jade, ivo])


def test_with_nobody_but_the_giver_and_recipient_as_contacts_nobody_is_told_and_it_is_logged(caplog):
    uow = FakeNotificationsUnitOfWork()
    hannah, priya = join(uow, "Hannah"), join(uow, "Priya")
    inbox.set_contacts(uow, OAK, [hannah])
    inbox.set_contacts(uow, None, [priya])
    with caplog.at_level("WARNING", logger="notifications.service.handlers"):
        deliver(uow, reported(hannah, priya))
    assert uow.inbox.messages == {}
    [warning] = [r for r in caplog.records if r.name == "notifications.service.handlers"]
    assert "told nobody" in warning.getMessage() and "name another HR contact" in warning.getMessage()


def test_a_report_that_reaches_someone_logs_no_warning(caplog):
    uow = FakeNotificationsUnitOfWork()
    hr, ann, ben = join(uow, "Hanna"), join(uow, "Ann"), join(uow, "Ben")
    inbox.set_contacts(uow, OAK, [hr])
    with caplog.at_level("WARNING", logger="notifications.service.handlers"):
        deliver(uow, reported(ben, ann))
    assert [r for r in caplog.records if r.name == "notifications.service.handlers"] == []
