"""What the notifications service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from staffroom_shared.retention import Period, Record, platform_records, start_of
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import deliveries, messages, metadata, reminders

OWN = ("Staffroom's own: a message only tells someone about a record the other services keep, and the record "
       "itself is kept for as long as its own schedule says")


def _messages_before(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    """A message and its email go together. (A digest's newer messages keep their own rows: `carried_by` only
    names the email that carried them, and nothing reads it once they are sent.)"""
    before = start_of(cutoff)
    old = select(messages.c.id).where(messages.c.created_at < before)
    uow.session.execute(delete(deliveries).where(deliveries.c.message_id.in_(old)))
    return uow.session.execute(delete(messages).where(messages.c.created_at < before)).rowcount


def _reminders_before(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    """Reminders already sent or cancelled, whose day has passed: a waiting one is kept until it is sent."""
    return uow.session.execute(delete(reminders).where(
        reminders.c.due_on < cutoff, reminders.c.status != "waiting")).rowcount


RECORDS = (
    *platform_records(metadata),
    Record("messages", "messages in people's Staffroom inbox, and the emails that carried them", Period(1, "year"),
           "the day the message was written", OWN, _messages_before),
    Record("reminders", "reminders already sent or cancelled", Period(1, "year"), "the day the reminder was due",
           OWN, _reminders_before),
)
