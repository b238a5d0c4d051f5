"""Event handlers: keep the staff copy, and turn each event the rules know into messages (and emails).

Each runs in the consumer's unit of work with its inbox row, so a redelivered event changes nothing;
the messages' (event, recipient, category) key guards that a second time.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update

from staffroom_shared import staff_copy
from staffroom_shared.events import Event
from staffroom_shared.retention import forget_pages_after, forget_sent_events
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import deliveries, hr_contacts, messages, preferences, quiet_hours, reminders, staff
from ..domain.rules import CANCELS, CATEGORIES, REMINDERS, RULES, Draft, Person, drafts_for
from .subject_access import on_subject_access_requested

STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "line_manager_id", "leaving_date")
UK = ZoneInfo("Europe/London")


def on_staff_changed(uow: UnitOfWork, event: Event) -> None:
    staff_copy.keep(uow.session, staff, event, STAFF_FIELDS)


def on_staff_erased(uow: UnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and their inbox, emails, reminders, choices and HR-contact roles go. (Messages to others
    that named them went long before, after a year: service.retention.)"""
    staff_copy.keep(uow.session, staff, event, STAFF_FIELDS)
    person = event.payload["staff_id"]
    forget_sent_events(uow, person)
    forget_pages_after(uow)
    theirs = select(messages.c.id).where(messages.c.recipient_id == person)
    uow.session.execute(delete(deliveries).where(deliveries.c.message_id.in_(theirs)))
    for table, column in ((messages, messages.c.recipient_id), (reminders, reminders.c.recipient_id),
                          (preferences, preferences.c.staff_id), (quiet_hours, quiet_hours.c.staff_id),
                          (hr_contacts, hr_contacts.c.staff_id)):
        uow.session.execute(delete(table).where(column == person))


class People:
    """Look people up in the staff copy (someone who has left gets no more messages) and HR contacts."""

    def __init__(self, session, today=None):
        self.session = session
        self.today = today or datetime.now(timezone.utc).date()

    def __call__(self, staff_id: uuid.UUID | None) -> Person | None:
        if staff_id is None:
            return None
        row = self.session.execute(select(staff).where(staff.c.staff_id == staff_id)).first()
        if row is None or (row.leaving_date is not None and row.leaving_date < self.today):
            return None
        return Person(row.staff_id, row.first_name, row.email, row.line_manager_id, row.last_name)

    def hr(self, academy_id: uuid.UUID | None, fallback: bool = True) -> list[Person]:
        """The academy's HR contacts (None: the trust's); with `fallback`, the trust's if the academy has none."""
        for academy in [str(academy_id)] if academy_id and not fallback else \
                ([str(academy_id)] if academy_id else []) + [""]:
            ids = self.session.scalars(select(hr_contacts.c.staff_id).where(hr_contacts.c.academy == academy)
                                       .order_by(hr_contacts.c.staff_id)).all()
            found = [p for p in map(self, ids) if p is not None]
            if found:
                return found
        return []


def on_event(uow: UnitOfWork, event: Event) -> None:
    people = People(uow.session)
    if event.type in RULES:
        record(uow.session, event.id, event.type, drafts_for(event.type, event.payload, people))
    if event.type in REMINDERS:
        for reminder in REMINDERS[event.type](event.payload, people):
            if reminder.due_on < people.today:
                continue  # "due in 14 days" about a date that is closer, or past, is not sent late (outsider)
            if uow.session.execute(select(reminders.c.key).where(reminders.c.key == reminder.key)).first() is None:
                d = reminder.draft
                uow.session.execute(insert(reminders).values(
                    key=reminder.key, due_on=reminder.due_on, recipient_id=d.recipient_id, category=d.category,
                    subject=d.subject, body=d.body, link=d.link, event_id=event.id, status="waiting"))
    if event.type in CANCELS:
        prefix = CANCELS[event.type](event.payload)
        uow.session.execute(update(reminders).where(reminders.c.key.startswith(prefix, autoescape=True),
                                                    reminders.c.status == "waiting").values(status="cancelled"))


def record(session, event_id: uuid.UUID, event_type: str, drafts: list[Draft], now: datetime | None = None) -> int:
    """Store the drafts as inbox messages, and queue an email for each one the person wants by email
    (after their quiet hours, if it is within them). A survey invitation's sealed link is kept with its email
    only: someone whose survey emails are off gets the inbox message, and the link is kept nowhere."""
    now = now or datetime.now(timezone.utc)
    count = 0
    for draft in drafts:
        exists = session.execute(select(messages.c.id).where(
            messages.c.event_id == event_id, messages.c.recipient_id == draft.recipient_id,
            messages.c.category == draft.category)).first()
        if exists:
            continue
        message_id = uuid.uuid4()
        session.execute(insert(messages).values(
            id=message_id, recipient_id=draft.recipient_id, category=draft.category, subject=draft.subject,
            body=draft.body, link=draft.link, event_id=event_id, event_type=event_type, created_at=now))
        wanted = wants_email(session, draft.recipient_id, draft.category)
        if wanted:
            address, how = wanted
            survey = draft.survey_link
            session.execute(insert(deliveries).values(
                id=uuid.uuid4(), message_id=message_id, recipient_id=draft.recipient_id, address=address,
                status="pending" if how == "instant" else "held", kind="message", attempts=0,
                next_attempt_at=not_before(session, draft.recipient_id, now),
                survey_run_id=survey.run_id if survey else None, sealed_link=survey.sealed if survey else None))
        count += 1
    return count


def not_before(session, staff_id: uuid.UUID, now: datetime) -> datetime:
    """Now, or when the person's quiet hours (UK time; they may run past midnight) end."""
    quiet = session.execute(select(quiet_hours).where(quiet_hours.c.staff_id == staff_id)).first()
    if quiet is None:
        return now
    local = now.astimezone(UK)
    starts, ends = quiet.starts, quiet.ends
    clock = local.time().replace(tzinfo=None)
    inside = (starts <= clock < ends) if starts < ends else (clock >= starts or clock < ends)
    if not inside:
        return now
    end = datetime.combine(local.date(), ends, tzinfo=UK)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), ends, tzinfo=UK)
    return end.astimezone(timezone.utc)


def wants_email(session, staff_id: uuid.UUID, category: str) -> tuple[str, str] | None:
    """(address, "instant" or "digest") if this category goes to them by email: at once unless they chose the
    daily digest, or not at all if they switched it off (which statutory categories cannot be)."""
    address = session.execute(select(staff.c.email).where(staff.c.staff_id == staff_id)).scalar()
    if address is None:
        return None
    choice = session.execute(select(preferences.c.email).where(
        preferences.c.staff_id == staff_id, preferences.c.category == category)).scalar() or "instant"
    if choice == "off" and not CATEGORIES[category].statutory:
        return None
    return address, "digest" if choice == "digest" else "instant"


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    "staff.erased": on_staff_erased,
    **{event_type: on_event for event_type in (*RULES, *REMINDERS, *CANCELS)},
    "subject_access.requested": on_subject_access_requested,
}
