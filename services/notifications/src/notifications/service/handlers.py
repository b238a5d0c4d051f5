"""Event handlers: keep the staff copy, and turn each event the rules know into messages (and emails).

Each runs in the consumer's unit of work with its inbox row, so a redelivered event changes nothing;
the messages' (event, recipient, category) key guards that a second time.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import insert, select

from staffroom_shared import staff_copy
from staffroom_shared.events import Event
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import deliveries, messages, preferences, staff
from ..domain.rules import CATEGORIES, RULES, Draft, Person

STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "line_manager_id", "leaving_date")


def on_staff_changed(uow: UnitOfWork, event: Event) -> None:
    staff_copy.keep(uow.session, staff, event, STAFF_FIELDS)


def people(session, today=None):
    """Look people up in the staff copy: someone who has left gets no more messages."""
    today = today or datetime.now(timezone.utc).date()

    def find(staff_id: uuid.UUID | None) -> Person | None:
        if staff_id is None:
            return None
        row = session.execute(select(staff).where(staff.c.staff_id == staff_id)).first()
        if row is None or (row.leaving_date is not None and row.leaving_date < today):
            return None
        return Person(row.staff_id, row.first_name, row.email, row.line_manager_id)

    return find


def on_event(uow: UnitOfWork, event: Event) -> None:
    record(uow.session, event, RULES[event.type](event.payload, people(uow.session)))


def record(session, event: Event, drafts: list[Draft]) -> int:
    """Store the drafts as inbox messages, and queue an email for each one the person wants by email."""
    now = datetime.now(timezone.utc)
    count = 0
    for draft in drafts:
        exists = session.execute(select(messages.c.id).where(
            messages.c.event_id == event.id, messages.c.recipient_id == draft.recipient_id,
            messages.c.category == draft.category)).first()
        if exists:
            continue
        message_id = uuid.uuid4()
        session.execute(insert(messages).values(
            id=message_id, recipient_id=draft.recipient_id, category=draft.category, subject=draft.subject,
            body=draft.body, link=draft.link, event_id=event.id, event_type=event.type, created_at=now))
        address = wants_email(session, draft.recipient_id, draft.category)
        if address:
            session.execute(insert(deliveries).values(
                id=uuid.uuid4(), message_id=message_id, address=address, status="pending", attempts=0,
                next_attempt_at=now))
        count += 1
    return count


def wants_email(session, staff_id: uuid.UUID, category: str) -> str | None:
    """Their address, if this category goes to them by email: statutory ones always, others unless they
    turned email off."""
    address = session.execute(select(staff.c.email).where(staff.c.staff_id == staff_id)).scalar()
    if address is None:
        return None
    if CATEGORIES[category].statutory:
        return address
    choice = session.execute(select(preferences.c.email).where(
        preferences.c.staff_id == staff_id, preferences.c.category == category)).scalar()
    return address if choice is None or choice else None


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    **{event_type: on_event for event_type in RULES},
}
