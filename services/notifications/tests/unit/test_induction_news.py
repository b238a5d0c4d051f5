"""Statutory induction (issue 25). cpd.induction_item_due: the tutor is always told a review or assessment is due
soon or overdue; for a formal assessment the ECT and their academy's HR contacts too; with no tutor named, HR hear
of a progress review. cpd.induction_support_plan_started ("concerns raised"): the ECT, the tutor and the academy's
own HR contacts, never the mentor or anyone else. Plain words, dates as people write them, no ids; email that
cannot be switched off. Against the in-memory fakes."""
from __future__ import annotations

import re
import uuid

import pytest

from notifications.domain.rules import CATEGORIES
from notifications.service import inbox
from staffroom_shared.errors import Unprocessable

from .fakes import FakeNotificationsUnitOfWork
from .test_commands import OAK, deliver, emails_to, event, join

INDUCTION = uuid.uuid4()
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def due(ect, tutor, kind="progress_review", stage="due_soon", **extra):
    return event("cpd.induction_item_due", {
        "induction_id": INDUCTION, "staff_id": ect, "academy_id": OAK, "kind": kind, "stage": stage,
        "due_on": "2025-12-19", "school_year": 2025, "term_number": 1, "tutor_id": tutor, **extra})


def plan_started(ect, tutor):
    return event("cpd.induction_support_plan_started", {
        "induction_id": INDUCTION, "support_plan_id": uuid.uuid4(), "staff_id": ect, "academy_id": OAK,
        "tutor_id": tutor, "review_held_on": "2025-12-10", "started_on": "2025-12-11"})


def _told(uow) -> dict:
    return {m["recipient_id"]: m for m in uow.inbox.messages.values()}


def _plain(message) -> None:
    """No ids and no ISO dates in what a person reads."""
    for text in (message["subject"], message["body"]):
        assert not ISO_DATE.search(text) and str(INDUCTION) not in text


@pytest.fixture
def trust():
    uow = FakeNotificationsUnitOfWork()
    people = {name: join(uow, name) for name in ("Esme", "Tariq", "Mo", "Hanna", "Ivo", "Lena")}
    inbox.set_contacts(uow, OAK, [people["Hanna"]])
    inbox.set_contacts(uow, None, [people["Ivo"]])
    return uow, people


def test_a_progress_review_due_soon_tells_the_tutor_alone_in_plain_words(trust):
    uow, p = trust
    deliver(uow, due(p["Esme"], p["Tariq"]))
    [message] = _told(uow).values()
    assert message["recipient_id"] == p["Tariq"] and message["category"] == "induction"
    assert message["subject"] == "Progress review due by 19 December 2025: Esme Lee"
    assert message["body"] == (
        "Dear Tariq,\n\nEsme Lee's progress review for the autumn term of 2025 to 2026 is due by 19 December 2025. "
        "As their induction tutor, please arrange it with them, write it against the Teachers' Standards and record "
        "it in Staffroom.")
    assert message["link"] == f"/cpd/inductions/{INDUCTION}"
    _plain(message)
    assert [d["recipient_id"] for d in emails_to(uow, p["Tariq"])] == [p["Tariq"]]


def test_an_overdue_progress_review_tells_the_tutor_it_is_not_recorded_yet(trust):
    uow, p = trust
    deliver(uow, due(p["Esme"], p["Tariq"], stage="overdue", term_number=2, due_on="2026-04-01"))
    [message] = _told(uow).values()
    assert message["subject"] == "Overdue: Esme Lee's progress review"
    assert ("progress review for the spring term of 2025 to 2026 was due on 1 April 2026 and is not recorded yet"
            in message["body"])
    _plain(message)


def test_a_formal_assessment_due_tells_the_tutor_the_ect_and_the_academys_hr_contacts(trust):
    uow, p = trust
    deliver(uow, due(p["Esme"], p["Tariq"], kind="first_formal_assessment", term_number=3, due_on="2026-07-21"))
    told = _told(uow)
    assert set(told) == {p["Tariq"], p["Esme"], p["Hanna"]}  # not the trust's contact, not the mentor
    assert told[p["Esme"]]["subject"] == "Your first formal assessment is due by 21 July 2026"
    assert "Tariq Lee holds it with you" in told[p["Esme"]]["body"]
    assert told[p["Esme"]]["link"] == "/cpd/induction"
    assert told[p["Hanna"]]["subject"] == "First formal assessment due by 21 July 2026: Esme Lee"
    assert "Tariq Lee is their induction tutor" in told[p["Hanna"]]["body"]
    assert "the headteacher signs it and its report goes to the appropriate body" in told[p["Hanna"]]["body"]
    for message in told.values():
        _plain(message)
        assert message["category"] == "induction"
    assert all(emails_to(uow, who) for who in told)


def test_an_overdue_final_assessment_tells_the_ect_to_arrange_it_with_their_tutor(trust):
    uow, p = trust
    deliver(uow, due(p["Esme"], p["Tariq"], kind="final_formal_assessment", stage="overdue", school_year=2026,
                     term_number=3, due_on="2027-07-21"))
    told = _told(uow)
    assert told[p["Esme"]]["subject"] == "Your final formal assessment is overdue"
    assert ("for the summer term of 2026 to 2027 was due on 21 July 2027 and is not recorded yet. Please arrange it "
            "with Tariq Lee") in told[p["Esme"]]["body"]
    assert told[p["Hanna"]]["subject"] == "Overdue: Esme Lee's final formal assessment"


def test_an_academy_without_hr_contacts_has_the_trusts_told_of_a_formal_assessment():
    uow = FakeNotificationsUnitOfWork()
    esme, tariq, ivo = join(uow, "Esme"), join(uow, "Tariq"), join(uow, "Ivo")
    inbox.set_contacts(uow, None, [ivo])
    deliver(uow, due(esme, tariq, kind="first_formal_assessment"))
    assert set(_told(uow)) == {tariq, esme, ivo}


def test_with_no_tutor_named_hr_hear_of_a_progress_review_and_are_asked_to_name_one(trust):
    uow, p = trust
    deliver(uow, due(p["Esme"], None))
    [message] = _told(uow).values()
    assert message["recipient_id"] == p["Hanna"]
    assert "No induction tutor is named for them: please name one in Staffroom" in message["body"]


def test_a_tutor_who_is_also_an_hr_contact_hears_once_as_the_tutor(trust):
    uow, p = trust
    inbox.set_contacts(uow, OAK, [p["Tariq"], p["Hanna"]])
    deliver(uow, due(p["Esme"], p["Tariq"], kind="first_formal_assessment"))
    tariqs = [m for m in uow.inbox.messages.values() if m["recipient_id"] == p["Tariq"]]
    assert len(tariqs) == 1 and "As their induction tutor" in tariqs[0]["body"]


def test_nobody_is_written_to_about_an_ect_who_has_left():
    uow = FakeNotificationsUnitOfWork()
    tariq = join(uow, "Tariq")
    deliver(uow, due(uuid.uuid4(), tariq))
    assert uow.inbox.messages == {}


def test_a_redelivered_item_due_tells_each_person_once(trust):
    uow, p = trust
    news = due(p["Esme"], p["Tariq"], kind="first_formal_assessment")
    deliver(uow, news)
    deliver(uow, news)
    assert len(uow.inbox.messages) == 3 and len(uow.inbox.deliveries) == 3


def test_a_support_plan_tells_the_ect_the_tutor_and_the_academys_hr_and_nobody_else(trust):
    uow, p = trust
    deliver(uow, plan_started(p["Esme"], p["Tariq"]))
    told = _told(uow)
    assert set(told) == {p["Esme"], p["Tariq"], p["Hanna"]}  # not Mo (the mentor), Ivo (trust HR) or Lena
    ect = told[p["Esme"]]
    assert ect["subject"] == "A support plan has started for your induction" and ect["link"] == "/cpd/induction"
    assert ("At your induction review on 10 December 2025, Tariq Lee found that you are not yet making satisfactory "
            "progress, and a support plan started on 11 December 2025.") in ect["body"]
    assert told[p["Tariq"]]["subject"] == told[p["Hanna"]]["subject"] == "Support plan started: Esme Lee"
    assert "Tariq Lee started a support plan on 11 December 2025" in told[p["Hanna"]]["body"]
    for message in told.values():
        _plain(message)
        assert message["category"] == "induction"
    assert all(emails_to(uow, who) for who in told)


def test_a_support_plan_at_an_academy_without_hr_contacts_is_not_told_to_the_trusts():
    uow = FakeNotificationsUnitOfWork()
    esme, tariq, ivo = join(uow, "Esme"), join(uow, "Tariq"), join(uow, "Ivo")
    inbox.set_contacts(uow, None, [ivo])
    deliver(uow, plan_started(esme, tariq))
    assert set(_told(uow)) == {esme, tariq}


def test_induction_emails_cannot_be_switched_off(trust):
    uow, p = trust
    assert CATEGORIES["induction"].statutory
    with pytest.raises(Unprocessable):
        inbox.set_preferences(uow, p["Esme"], {"induction": "off"})
    deliver(uow, plan_started(p["Esme"], p["Tariq"]))
    assert emails_to(uow, p["Esme"])
