"""Notifications' service layer against in-memory fakes (tests/unit/fakes.py): each handler, command and the daily
job makes its change, audits where it should, and a refusal commits nothing. Notifications publishes no events of
its own, so every test also finds nothing published. No database."""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

import pytest

from notifications.domain.preferences import QuietHours
from notifications.domain.rules import Draft
from notifications.service import inbox, retention
from notifications.service.daily_job import run_daily
from notifications.service.email import unsubscribe_signature
from notifications.service.handlers import on_event, on_staff_changed, record
from staffroom_shared.errors import Conflict, NotFound, Unprocessable
from staffroom_shared.events import Event

from .fakes import FakeNotificationsUnitOfWork

TODAY = datetime.now(timezone.utc).date()
OAK = uuid.uuid4()
KEY = b"unit-test-secret"


def event(kind: str, payload: dict, occurred_at: datetime | None = None) -> Event:
    producer = {"staff": "directory", "appraisal": "appraisal", "cpd": "cpd", "wellbeing": "wellbeing",
                "targets": "targets"}[kind.split(".")[0]]
    return Event(uuid.uuid4(), kind, 1, occurred_at or datetime.now(timezone.utc), producer, OAK, "test", payload)


def join(uow, first_name: str, *, leaving_date=None, line_manager_id=None, academy_id=OAK,
         staff_type="teaching") -> uuid.UUID:
    staff_id = uuid.uuid4()
    with uow:
        on_staff_changed(uow, event("staff.joined", {
            "staff_id": staff_id, "academy_id": academy_id, "first_name": first_name, "last_name": "Lee",
            "email": f"{first_name.lower()}@oak.example", "line_manager_id": line_manager_id,
            "staff_type": staff_type, "leaving_date": leaving_date}))
        uow.commit()
    return staff_id


def opened(reviewee, appraiser, objectives_in_days=30) -> Event:
    return event("appraisal.appraisal_opened", {
        "appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": reviewee, "appraiser_id": appraiser,
        "academy_id": OAK, "objectives_due": TODAY + timedelta(days=objectives_in_days),
        "mid_year_due": TODAY + timedelta(days=120), "end_of_year_due": TODAY + timedelta(days=300)})


def deliver(uow, e: Event) -> None:
    with uow:
        on_event(uow, e)
        uow.commit()


def nothing_committed(uow, commits: int) -> bool:
    return uow.commits == commits and uow.published == [] and uow.audits == []


def emails_to(uow, staff_id) -> list[dict]:
    return [d for d in uow.inbox.deliveries.values() if d["recipient_id"] == staff_id]


# -- events become messages, emails and reminders --------------------------------------------------------

def test_the_staff_copy_keeps_the_newest_snapshot():
    uow = FakeNotificationsUnitOfWork()
    ann = join(uow, "Ann")
    newer = uow.staff.rows[ann]["snapshot_at"]
    with uow:
        on_staff_changed(uow, event("staff.updated", {**uow.staff.rows[ann], "staff_id": ann, "first_name": "Old"},
                                    occurred_at=newer - timedelta(hours=1)))
        uow.commit()
    assert uow.staff.rows[ann]["first_name"] == "Ann" and uow.published == []


def test_an_opened_appraisal_tells_both_people_emails_them_and_sets_the_objectives_reminders():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    deliver(uow, opened(ann, priya))
    by_person = {m["recipient_id"]: m for m in uow.inbox.messages.values()}
    assert by_person[ann]["subject"] == "Your appraisal for this year is open"
    assert by_person[priya]["subject"] == "You are appraising Ann Lee this year"
    assert [(d["address"], d["status"]) for d in emails_to(uow, ann)] == [("ann@oak.example", "pending")]
    assert sorted(r["reminder"].due_on for r in uow.reminders.rows.values()) == [TODAY + timedelta(days=16)] * 2
    assert uow.published == [] and uow.audits == []


def test_a_redelivered_event_makes_no_second_message_and_no_second_reminder():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    e = opened(ann, priya)
    deliver(uow, e)
    deliver(uow, e)
    assert len(uow.inbox.messages) == 2 and len(uow.inbox.deliveries) == 2 and len(uow.reminders.rows) == 2


def test_a_reminder_whose_day_has_passed_is_not_set():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    deliver(uow, opened(ann, priya, objectives_in_days=7))
    assert uow.reminders.rows == {} and len(uow.inbox.messages) == 2


def test_agreed_objectives_cancel_the_waiting_reminders():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    e = opened(ann, priya)
    deliver(uow, e)
    deliver(uow, event("appraisal.objectives_agreed", {
        "appraisal_id": e.payload["appraisal_id"], "cycle_id": e.payload["cycle_id"], "reviewee_id": ann,
        "appraiser_id": priya, "academy_id": OAK, "objective_count": 3, "agreed_on": TODAY, "due_on": TODAY,
        "on_time": True}))
    assert {r["status"] for r in uow.reminders.rows.values()} == {"cancelled"}


def test_someone_who_has_left_gets_nothing():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann", leaving_date=TODAY - timedelta(days=1))
    deliver(uow, opened(ann, priya))
    assert uow.inbox.messages == {} and uow.reminders.rows == {}


def test_digest_and_off_choices_hold_or_skip_the_email_but_never_the_inbox_message():
    uow = FakeNotificationsUnitOfWork()
    ann, ben = join(uow, "Ann"), join(uow, "Ben")
    inbox.set_preferences(uow, ann, {"surveys": "digest"})
    inbox.set_preferences(uow, ben, {"surveys": "off"})
    drafts = [Draft(ann, "surveys", "S", "B"), Draft(ben, "surveys", "S", "B")]
    with uow:
        assert record(uow, uuid.uuid4(), "wellbeing.invitation_issued", drafts) == 2
        uow.commit()
    assert [d["status"] for d in emails_to(uow, ann)] == ["held"] and emails_to(uow, ben) == []
    assert len(uow.inbox.messages) == 2


def test_an_email_within_quiet_hours_waits_until_they_end():
    uow = FakeNotificationsUnitOfWork()
    ann = join(uow, "Ann")
    inbox.set_quiet_hours(uow, ann, {"starts": time(21, 0), "ends": time(7, 0)})
    late = datetime(2026, 12, 1, 22, 30, tzinfo=timezone.utc)  # GMT: 22:30 in the UK
    with uow:
        record(uow, uuid.uuid4(), "appraisal.overdue", [Draft(ann, "appraisal", "S", "B")], late)
        uow.commit()
    assert [d["next_attempt_at"] for d in emails_to(uow, ann)] == [datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)]


# -- the inbox and how people choose to hear ------------------------------------------------------------------

def test_marking_read_one_message_or_all_and_not_someone_else_s():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    deliver(uow, opened(ann, priya))
    deliver(uow, opened(ann, priya))
    [first, _] = [m["id"] for m in uow.inbox.messages.values() if m["recipient_id"] == ann]
    commits = uow.commits
    with pytest.raises(NotFound):
        inbox.mark_read(uow, priya, first)
    assert nothing_committed(uow, commits) and uow.inbox.unread_count(ann) == 2
    assert inbox.mark_read(uow, ann, first) == 1
    assert inbox.mark_read(uow, ann) == 1 and inbox.mark_read(uow, ann) == 0


@pytest.mark.parametrize("choices", [{"appraisal": "off"}, {"no_such_category": "digest"}])
def test_a_refused_choice_changes_nothing(choices):
    uow = FakeNotificationsUnitOfWork()
    ann = uuid.uuid4()
    with pytest.raises(Unprocessable):
        inbox.set_preferences(uow, ann, choices)
    assert nothing_committed(uow, 0) and uow.preferences.chosen == {}


def test_following_an_unsubscribe_link_switches_that_category_off_once():
    uow = FakeNotificationsUnitOfWork()
    ann = uuid.uuid4()
    issued = int(datetime.now(timezone.utc).timestamp())
    link = (KEY, ann, "surveys", unsubscribe_signature(KEY, ann, "surveys", issued), issued)
    assert inbox.unsubscribe(uow, *link)["email"] == "off"
    assert uow.preferences.choice(ann, "surveys") == "off" and uow.commits == 1
    assert inbox.unsubscribe(uow, *link)["email"] == "off" and uow.commits == 1  # followed twice: already done


def test_an_unsubscribe_link_that_is_forged_statutory_or_older_than_the_choice_changes_nothing():
    uow = FakeNotificationsUnitOfWork()
    ann = uuid.uuid4()
    issued = int(datetime.now(timezone.utc).timestamp()) - 3600
    with pytest.raises(NotFound):
        inbox.unsubscribe(uow, KEY, ann, "surveys", "0" * 64, issued)
    with pytest.raises(Conflict):
        inbox.unsubscribe(uow, KEY, ann, "appraisal", unsubscribe_signature(KEY, ann, "appraisal", issued), issued)
    inbox.set_preferences(uow, ann, {"surveys": "instant"})  # chosen after the link was issued
    with pytest.raises(Conflict):
        inbox.unsubscribe(uow, KEY, ann, "surveys", unsubscribe_signature(KEY, ann, "surveys", issued), issued)
    assert uow.commits == 1 and uow.preferences.choice(ann, "surveys") == "instant"


def test_retrying_a_dead_letter_is_audited_and_anything_else_is_refused():
    uow = FakeNotificationsUnitOfWork(actor="hr")
    ann = join(uow, "Ann")
    with uow:
        record(uow, uuid.uuid4(), "appraisal.overdue", [Draft(ann, "appraisal", "S", "B")])
        uow.commit()
    [delivery] = emails_to(uow, ann)
    commits = uow.commits
    with pytest.raises(NotFound):
        inbox.retry(uow, delivery["id"])  # pending, not dead
    assert nothing_committed(uow, commits)
    delivery.update(status="dead", attempts=5)
    inbox.retry(uow, delivery["id"])
    assert (delivery["status"], delivery["attempts"]) == ("pending", 0)
    assert uow.audits == [{"action": "retry", "entity": "delivery", "entity_id": str(delivery["id"]),
                           "changes": None, "note": None, "actor": "hr"}]


def test_quiet_hours_that_start_when_they_end_are_refused_and_none_clears_them():
    uow = FakeNotificationsUnitOfWork()
    ann = uuid.uuid4()
    with pytest.raises(Unprocessable):
        inbox.set_quiet_hours(uow, ann, {"starts": time(7), "ends": time(7)})
    assert nothing_committed(uow, 0)
    inbox.set_quiet_hours(uow, ann, {"starts": time(21), "ends": time(7)})
    assert uow.preferences.quiet[ann] == QuietHours(time(21), time(7))
    inbox.set_quiet_hours(uow, ann, None)
    assert uow.preferences.quiet == {} and uow.commits == 2


def test_hr_contacts_are_replaced_once_each_and_audited():
    uow = FakeNotificationsUnitOfWork(actor="trust-hr")
    hanna, ivo = uuid.uuid4(), uuid.uuid4()
    inbox.set_contacts(uow, OAK, [hanna, ivo, hanna])
    inbox.set_contacts(uow, None, [ivo])
    assert uow.contacts.by_academy == {str(OAK): [hanna, ivo], "": [ivo]}
    assert [(a["entity_id"], a["changes"]) for a in uow.audits] == [
        (str(OAK), {"staff_ids": [str(hanna), str(ivo), str(hanna)]}), ("trust", {"staff_ids": [str(ivo)]})]


def test_an_overdue_appraisal_escalates_to_the_academy_s_hr_contacts_or_else_the_trust_s():
    uow = FakeNotificationsUnitOfWork()
    hr, priya, ann = join(uow, "Hanna"), join(uow, "Priya"), join(uow, "Ann")
    inbox.set_contacts(uow, None, [hr])
    deliver(uow, event("appraisal.overdue", {
        "appraisal_id": uuid.uuid4(), "reviewee_id": ann, "appraiser_id": priya, "academy_id": OAK,
        "milestone": "mid_year_review", "due_on": TODAY - timedelta(days=20), "days_overdue": 20}))
    assert {m["recipient_id"] for m in uow.inbox.messages.values()} == {priya, hr}



def test_an_overdue_appraisal_whose_appraiser_is_the_academys_only_hr_contact_escalates_to_the_trusts():
    uow = FakeNotificationsUnitOfWork()
    jade, priya, ann = join(uow, "Jade"), join(uow, "Priya"), join(uow, "Ann")
    inbox.set_contacts(uow, OAK, [priya])
    inbox.set_contacts(uow, None, [jade])
    deliver(uow, event("appraisal.overdue", {
        "appraisal_id": uuid.uuid4(), "reviewee_id": ann, "appraiser_id": priya, "academy_id": OAK,
        "milestone": "mid_year_review", "due_on": TODAY - timedelta(days=20), "days_overdue": 20}))
    subjects = {m["recipient_id"]: m["subject"] for m in uow.inbox.messages.values()}
    assert subjects == {priya: "Overdue: Ann Lee's appraisal", jade: "Overdue appraisal: Ann Lee"}


def test_a_request_from_the_academys_only_hr_contact_asks_the_trusts_contacts_to_approve():
    uow = FakeNotificationsUnitOfWork()
    jade, hanna = join(uow, "Jade"), join(uow, "Hanna")
    inbox.set_contacts(uow, OAK, [hanna])
    inbox.set_contacts(uow, None, [jade])
    deliver(uow, event("cpd.enrolment_approved", {
        "enrolment_id": uuid.uuid4(), "staff_id": hanna, "academy_id": OAK, "programme_id": uuid.uuid4(),
        "programme_title": "NPQ in Senior Leadership", "cohort_id": uuid.uuid4(), "cost": "2450.00",
        "stage": "line_manager", "status": "awaiting_hr", "approved_by": None}))
    asked = [m for m in uow.inbox.messages.values() if m["category"] == "cpd_approvals"]
    assert [m["recipient_id"] for m in asked] == [jade]

# -- the daily job and retention ---------------------------------------------------------------------------

def test_the_daily_job_sends_each_reminder_once_skips_leavers_and_gathers_digests():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    inbox.set_preferences(uow, ann, {"appraisal": "digest"})
    deliver(uow, opened(ann, priya))
    deliver(uow, opened(ann, priya))
    uow.staff.rows[priya]["leaving_date"] = TODAY  # leaves today: still here today, gone tomorrow
    counts = run_daily(uow, TODAY + timedelta(days=17))
    assert counts == {"reminders": 2, "digests": 1}  # Ann's two; Priya had left by then
    assert {r["status"] for r in uow.reminders.rows.values()} == {"sent"}
    statuses = sorted((d["kind"], d["status"]) for d in emails_to(uow, ann))
    assert statuses == [("digest", "pending"), ("message", "in_digest"), ("message", "in_digest"),
                        ("message", "in_digest")]
    assert run_daily(uow, TODAY + timedelta(days=17)) == {"reminders": 0, "digests": 0}
    assert uow.published == []


def test_retention_forgets_old_messages_with_their_emails_and_done_reminders():
    uow = FakeNotificationsUnitOfWork()
    priya, ann = join(uow, "Priya"), join(uow, "Ann")
    deliver(uow, opened(ann, priya))
    for message in uow.inbox.messages.values():
        message["created_at"] -= timedelta(days=400)
    next(iter(uow.reminders.rows.values()))["status"] = "sent"
    cutoff = TODAY + timedelta(days=20)
    with uow:
        assert retention._messages_before(uow, TODAY - timedelta(days=365), TODAY) == 2
        assert retention._reminders_before(uow, cutoff, TODAY) == 1
        uow.commit()
    assert uow.inbox.messages == {} and uow.inbox.deliveries == {} and len(uow.reminders.rows) == 1
