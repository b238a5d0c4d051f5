"""Reminders from dates in events (sent once, cancelled when moot), quiet hours, and escalation to HR."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

from notifications.service import inbox
from notifications.service.handlers import not_before
from notifications.service.daily_job import run_daily


TODAY = date.today()
DUE = TODAY + timedelta(days=30)  # objectives due a month on: the reminder is two weeks before


def opened(world, teacher, manager, objectives_due=DUE, **more):
    return world.event("appraisal.appraisal_opened", {
        "appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": teacher["staff_id"],
        "appraiser_id": manager["staff_id"], "academy_id": world.academy_id, "template": "teachers",
        "objectives_due": objectives_due, "mid_year_due": date(2027, 2, 28), "end_of_year_due": date(2027, 7, 15),
        **more})


def subjects(world, person):
    return sorted(m.subject for m in world.messages(person["staff_id"]))


def test_objectives_reminder_fourteen_days_before_sent_once(world):
    manager = world.join(first_name="Priya")
    teacher = world.join(first_name="Tom", line_manager_id=manager["staff_id"])
    event = opened(world, teacher, manager)
    world.deliver(event)
    world.deliver(event)  # redelivery makes no second reminder
    assert run_daily(world.context.uow(), today=DUE - timedelta(days=15)) == {"reminders": 0, "digests": 0}
    assert run_daily(world.context.uow(), today=DUE - timedelta(days=14)) == {"reminders": 2, "digests": 0}
    assert run_daily(world.context.uow(), today=DUE - timedelta(days=13)) == {"reminders": 0, "digests": 0}  # once
    assert "Objectives due in 14 days" in subjects(world, teacher)
    [mine] = [m for m in world.messages(teacher["staff_id"]) if m.subject.startswith("Objectives")]
    assert "your appraisal objectives" in mine.body
    [theirs] = [m for m in world.messages(manager["staff_id"]) if m.subject.startswith("Objectives")]
    assert "Tom Patel's appraisal objectives" in theirs.body  # in full: the manager may be a Tom too


def test_no_reminder_fourteen_days_before_a_date_less_than_fourteen_days_away(world):
    """Outsider, issue 20: 168 "Objectives due in 14 days" emails went on 6 December about 27 October."""
    manager = world.join(first_name="Priya")
    teacher = world.join(first_name="Tom", line_manager_id=manager["staff_id"])
    world.deliver(opened(world, teacher, manager, objectives_due=TODAY - timedelta(days=40)))
    world.deliver(opened(world, teacher, manager, objectives_due=TODAY + timedelta(days=5)))
    assert run_daily(world.context.uow(), today=TODAY) == {"reminders": 0, "digests": 0}
    assert not any(s.startswith("Objectives") for s in subjects(world, teacher))


def test_a_starter_added_ahead_of_joining_hears_of_their_appraisal_on_their_first_day(world):
    """Outsider, issue 20: a teacher starting in January was emailed "Your appraisal for this year is open" in
    December. Their appraiser is told at once, with the first day; the starter on it, once."""
    manager = world.join(first_name="Priya")
    teacher = world.join(first_name="Tom", line_manager_id=manager["staff_id"])
    first_day = TODAY + timedelta(days=20)
    event = opened(world, teacher, manager, objectives_due=TODAY + timedelta(days=90), starts_on=first_day)
    world.deliver(event)
    world.deliver(event)  # redelivered: still one message on the day
    assert subjects(world, teacher) == []
    [told] = world.messages(manager["staff_id"])
    assert f"They start on {first_day:%-d %B %Y}." in told.body
    assert run_daily(world.context.uow(), today=first_day - timedelta(days=1)) == {"reminders": 0, "digests": 0}
    assert run_daily(world.context.uow(), today=first_day) == {"reminders": 1, "digests": 0}
    assert subjects(world, teacher) == ["Your appraisal for this year is open"]
    assert run_daily(world.context.uow(), today=first_day + timedelta(days=1)) == {"reminders": 0, "digests": 0}
    # someone already in post (no first day to come) hears at once, as before
    colleague = world.join(first_name="Ada", line_manager_id=manager["staff_id"])
    world.deliver(opened(world, colleague, manager, starts_on=None))
    assert subjects(world, colleague) == ["Your appraisal for this year is open"]


def test_agreeing_objectives_cancels_the_reminder(world):
    manager = world.join(first_name="Priya")
    teacher = world.join(first_name="Tom", line_manager_id=manager["staff_id"])
    event = opened(world, teacher, manager)
    world.deliver(event)
    world.deliver(world.event("appraisal.objectives_agreed", {
        **{k: event.payload[k] for k in ("appraisal_id", "cycle_id", "reviewee_id", "appraiser_id", "academy_id")},
        "agreed_on": TODAY, "due_on": DUE, "on_time": True, "objective_count": 3}))
    assert run_daily(world.context.uow(), today=DUE - timedelta(days=10)) == {"reminders": 0, "digests": 0}
    assert not any(s.startswith("Objectives") for s in subjects(world, teacher))


def test_a_long_overdue_review_goes_to_the_academys_hr_contacts(world):
    hr = world.join(first_name="Olga", last_name="Owen")
    trust_hr = world.join(first_name="Tariq")
    manager = world.join(first_name="Priya")
    teacher = world.join(first_name="Tom", last_name="Taylor", line_manager_id=manager["staff_id"])
    inbox.set_contacts(world.context.uow(), None, [trust_hr["staff_id"]])
    ref = {"appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": teacher["staff_id"],
           "appraiser_id": manager["staff_id"], "academy_id": world.academy_id}
    world.deliver(world.event("appraisal.overdue", {**ref, "milestone": "mid_year_review", "due_on": date(2027, 2, 28),
                                                    "days_overdue": 7}))
    assert subjects(world, trust_hr) == [] and subjects(world, manager) == ["Overdue: Tom Taylor's appraisal"]
    world.deliver(world.event("appraisal.overdue", {**ref, "milestone": "mid_year_review", "due_on": date(2027, 2, 28),
                                                    "days_overdue": 14}))
    assert subjects(world, trust_hr) == ["Overdue appraisal: Tom Taylor"]  # no academy contact named: the trust's
    inbox.set_contacts(world.context.uow(), world.academy_id, [hr["staff_id"]])
    world.deliver(world.event("appraisal.overdue", {**ref, "milestone": "mid_year_review", "due_on": date(2027, 2, 28),
                                                    "days_overdue": 21}))
    assert subjects(world, hr) == ["Overdue appraisal: Tom Taylor"]
    assert subjects(world, trust_hr) == ["Overdue appraisal: Tom Taylor"]


def test_quiet_hours_hold_email_until_they_end(world):
    person = world.join(first_name="Tom")
    inbox.set_quiet_hours(world.context.uow(), person["staff_id"], {"starts": time(21, 0), "ends": time(7, 0)})
    with world.context.read_sessions() as session:
        # 22:30 UK time in winter (UTC) and in summer (BST): held until 07:00 UK the next morning
        assert not_before(session, person["staff_id"], datetime(2026, 12, 1, 22, 30, tzinfo=timezone.utc)) == \
            datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)
        assert not_before(session, person["staff_id"], datetime(2026, 6, 1, 21, 30, tzinfo=timezone.utc)) == \
            datetime(2026, 6, 2, 6, 0, tzinfo=timezone.utc)
        # 05:00 UK: held until 07:00 the same morning; midday: now
        assert not_before(session, person["staff_id"], datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc)) == \
            datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)
        noon = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
        assert not_before(session, person["staff_id"], noon) == noon
        assert not_before(session, uuid.uuid4(), noon) == noon
